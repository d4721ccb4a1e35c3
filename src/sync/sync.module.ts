import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { FinanceModule } from '../finance/finance.module';
import { HubsModule } from '../hubs/hubs.module';
import { IntakeModule } from '../intake/intake.module';
import { LocationsModule } from '../locations/locations.module';
import { OcpiClientModule } from '../ocpi/client/ocpi-client.module';
import { HubClientInfoPull } from './hub-client-info.pull';
import { SyncScheduler } from './sync.scheduler';
import { SyncService } from './sync.service';

/** Scheduled and on-demand pulls from CPOs (each page through the intake step), and of a Hub's ClientInfo list. */
@Module({
  imports: [ConnectionsModule, IntakeModule, FinanceModule, LocationsModule, OcpiClientModule, HubsModule],
  providers: [SyncService, SyncScheduler, HubClientInfoPull],
  exports: [SyncService, HubClientInfoPull],
})
export class SyncModule {}
