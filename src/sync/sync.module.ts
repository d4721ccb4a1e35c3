import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { FinanceModule } from '../finance/finance.module';
import { IntakeModule } from '../intake/intake.module';
import { LocationsModule } from '../locations/locations.module';
import { OcpiClientModule } from '../ocpi/client/ocpi-client.module';
import { SyncScheduler } from './sync.scheduler';
import { SyncService } from './sync.service';

/** Scheduled and on-demand pulls from CPOs; each page goes through the intake step. */
@Module({
  imports: [ConnectionsModule, IntakeModule, FinanceModule, LocationsModule, OcpiClientModule],
  providers: [SyncService, SyncScheduler],
  exports: [SyncService],
})
export class SyncModule {}
