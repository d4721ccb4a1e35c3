import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { FinanceModule } from '../finance/finance.module';
import { HubsModule } from '../hubs/hubs.module';
import { IntakeModule } from '../intake/intake.module';
import { LocationsModule } from '../locations/locations.module';
import { TariffsModule } from '../tariffs/tariffs.module';
import { OcpiClientModule } from '../ocpi/client/ocpi-client.module';
import { AbsentMarking } from './absent-marking';
import { GapHealer } from './gap-healer';
import { HubClientInfoPull } from './hub-client-info.pull';
import { SyncScheduler } from './sync.scheduler';
import { SyncService } from './sync.service';

/**
 * Scheduled and on-demand pulls from CPOs and of a Hub's ClientInfo list, and the healing fetches of objects a CPO
 * changed that we did not hold (on the job queue); each page or object goes through the intake step.
 */
@Module({
  imports: [ConnectionsModule, IntakeModule, FinanceModule, LocationsModule, TariffsModule, OcpiClientModule, HubsModule],
  providers: [SyncService, SyncScheduler, HubClientInfoPull, GapHealer, AbsentMarking],
  exports: [SyncService, HubClientInfoPull, GapHealer],
})
export class SyncModule {}
