import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { LocationsModule } from '../locations/locations.module';
import { TariffsModule } from '../tariffs/tariffs.module';
import { CdrCostCheck } from './cdr-cost-check.service';
import { FinanceController } from './finance.controller';
import { FinanceCdrsService } from './finance-cdrs.service';
import { InvoicesController } from './invoices/invoices.controller';
import { InvoicesService } from './invoices/invoices.service';
import { ReconciliationService } from './invoices/reconciliation.service';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerService } from './ledger/ledger.service';
import { MissingCdrsController } from './missing-cdrs/missing-cdrs.controller';
import { MissingCdrsService } from './missing-cdrs/missing-cdrs.service';

/** Finance: each CDR re-priced with the tariffs it was charged under, and the finance API over the differences. */
@Module({
  imports: [TariffsModule, LocationsModule, ConnectionsModule],
  providers: [CdrCostCheck, FinanceCdrsService, LedgerService, InvoicesService, ReconciliationService, MissingCdrsService],
  controllers: [FinanceController, LedgerController, InvoicesController, MissingCdrsController],
  exports: [CdrCostCheck, ReconciliationService],
})
export class FinanceModule {}
