import { Global, Module } from '@nestjs/common';
import { OCPI_CALL_RECORDER } from '../ocpi/wire/ocpi-call-recorder';
import { CallLogRetention } from './call-log-retention';
import { CallLogService } from './call-log.service';

/**
 * The call log, global because both the OCPI client (outgoing calls) and the OCPI exception filter (incoming
 * calls, instantiated in whichever module hosts an OCPI controller) record into it. Entries are kept
 * CALL_LOG_RETENTION_DAYS (CallLogRetention).
 */
@Global()
@Module({
  providers: [CallLogService, CallLogRetention, { provide: OCPI_CALL_RECORDER, useExisting: CallLogService }],
  exports: [CallLogService, OCPI_CALL_RECORDER],
})
export class CallLogModule {}
