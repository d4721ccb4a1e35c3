import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { FinanceModule } from '../finance/finance.module';
import { InvoiceReconciliationReceiverController } from './invoice-reconciliation-receiver.controller';
import { RecordPullScheduleController } from './record-pull-schedule.controller';
import { RecordPullScheduler } from './record-pull.scheduler';
import { ReconciliationRecordPuller } from './reconciliation-record.puller';
import { ReconciliationRecordStore } from './reconciliation-record.store';
import { ReconciliationRecordsController } from './reconciliation-records.controller';
import { ReconciliationRecordsService } from './reconciliation-records.service';

/**
 * The 2.3.0 InvoiceReconciliation module (mod_invoice_reconciliation): our Receiver interface, pulls of a CPO's Sender
 * interface (on request, and on a schedule per connection: RecordPullScheduler), and the records linked to finance's
 * invoice matching. Its own folder because it sits above both the OCPI
 * receivers / intake (which finance lies under: intake prices CDRs through finance) and finance.
 */
@Module({
  imports: [ConnectionsModule, FinanceModule],
  providers: [ReconciliationRecordStore, ReconciliationRecordsService, ReconciliationRecordPuller, RecordPullScheduler],
  controllers: [InvoiceReconciliationReceiverController, ReconciliationRecordsController, RecordPullScheduleController],
})
export class InvoiceReconciliationModule {}
