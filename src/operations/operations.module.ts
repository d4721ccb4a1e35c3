import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { SyncModule } from '../sync/sync.module';
import { CdrsModule } from '../cdrs/cdrs.module';
import { HubsModule } from '../hubs/hubs.module';
import { LocationsModule } from '../locations/locations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TariffsModule } from '../tariffs/tariffs.module';
import { CallLogController } from './call-log.controller';
import { ConnectionLifecycleController } from './connection-lifecycle.controller';
import { OperationsController } from './operations.controller';
import { ConnectionSummaryService } from './connection-summary.service';

/** The operations API: connecting CPOs, their credentials' life, and chasing their errors. */
@Module({
  imports: [ConnectionsModule, SyncModule, LocationsModule, TariffsModule, SessionsModule, CdrsModule, HubsModule],
  providers: [ConnectionSummaryService],
  controllers: [OperationsController, ConnectionLifecycleController, CallLogController],
  exports: [ConnectionSummaryService],
})
export class OperationsModule {}
