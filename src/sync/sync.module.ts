import { Module } from '@nestjs/common';
import { CdrsModule } from '../cdrs/cdrs.module';
import { ConnectionsModule } from '../connections/connections.module';
import { LocationsModule } from '../locations/locations.module';
import { OcpiClientModule } from '../ocpi/client/ocpi-client.module';
import { TariffsModule } from '../tariffs/tariffs.module';
import { SyncScheduler } from './sync.scheduler';
import { SyncService } from './sync.service';

/** Scheduled and on-demand pulls from CPOs. */
@Module({
  imports: [ConnectionsModule, LocationsModule, TariffsModule, CdrsModule, OcpiClientModule],
  providers: [SyncService, SyncScheduler],
  exports: [SyncService],
})
export class SyncModule {}
