import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { LocationsModule } from '../locations/locations.module';
import { TariffsModule } from '../tariffs/tariffs.module';
import { CdrReceiver } from '../intake/cdr-receiver.service';
import { CdrsReceiverController } from '../ocpi/server/receivers/cdrs-receiver.controller';
import { CdrCostCheck } from '../finance/cdr-cost-check.service';
import { CdrStore } from './cdr.store';
import { FinanceController } from '../finance/finance.controller';
import { FinanceCdrsService } from '../finance/finance-cdrs.service';

/** CDRs: storage, the recompute of their cost (the finance hook), the finance API and our OCPI CDRs Receiver interface. */
@Module({
  imports: [TariffsModule, ConnectionsModule, LocationsModule],
  providers: [CdrStore, CdrCostCheck, FinanceCdrsService, CdrReceiver],
  controllers: [FinanceController, CdrsReceiverController],
  exports: [CdrStore, CdrCostCheck],
})
export class CdrsModule {}
