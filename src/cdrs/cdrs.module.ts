import { Module } from '@nestjs/common';
import { CdrStore } from './cdr.store';

/** CDRs: the canonical CDR and its immutable store (they arrive through the intake step, finance reads them). */
@Module({
  providers: [CdrStore],
  exports: [CdrStore],
})
export class CdrsModule {}
