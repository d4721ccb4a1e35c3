import { Module } from '@nestjs/common';
import { TariffsModule } from '../tariffs/tariffs.module';
import { CdrCostCheck } from './cdr-cost-check.service';
import { CdrStore } from './cdr.store';
import { FinanceController } from './finance.controller';
import { FinanceCdrsService } from './finance-cdrs.service';

/** CDRs: storage, the recompute of their cost (the finance hook) and the finance API. */
@Module({
  imports: [TariffsModule],
  providers: [CdrStore, CdrCostCheck, FinanceCdrsService],
  controllers: [FinanceController],
  exports: [CdrStore, CdrCostCheck],
})
export class CdrsModule {}
