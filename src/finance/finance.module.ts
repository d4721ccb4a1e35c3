import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { LocationsModule } from '../locations/locations.module';
import { TariffsModule } from '../tariffs/tariffs.module';
import { CdrCostCheck } from './cdr-cost-check.service';
import { FinanceController } from './finance.controller';
import { FinanceCdrsService } from './finance-cdrs.service';

/** Finance: each CDR re-priced with the tariffs it was charged under, and the finance API over the differences. */
@Module({
  imports: [TariffsModule, LocationsModule, ConnectionsModule],
  providers: [CdrCostCheck, FinanceCdrsService],
  controllers: [FinanceController],
  exports: [CdrCostCheck],
})
export class FinanceModule {}
