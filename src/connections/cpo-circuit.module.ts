import { Global, Module } from '@nestjs/common';
import { CPO_CALL_GATE } from '../ocpi/client/cpo-call-gate';
import { CpoCircuitService } from './cpo-circuit.service';

/**
 * The circuit breaker of every CPO, global because the OCPI client (in whichever module imports OcpiClientModule)
 * asks it before each call through the CpoCallGate port, and operations read and reset it.
 */
@Global()
@Module({
  providers: [CpoCircuitService, { provide: CPO_CALL_GATE, useExisting: CpoCircuitService }],
  exports: [CpoCircuitService, CPO_CALL_GATE],
})
export class CpoCircuitModule {}
