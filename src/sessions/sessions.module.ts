import { Module } from '@nestjs/common';
import { LocationsModule } from '../locations/locations.module';
import { TariffsModule } from '../tariffs/tariffs.module';
import { SessionCostService } from './session-cost.service';
import { SessionReader } from './session.reader';
import { SessionStore } from './session.store';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/**
 * Sessions: the canonical Session and its store (they arrive through the intake step), and the internal API the app
 * follows a charge with (our cost so far priced with the tariffs domain, the connector read through locations).
 */
@Module({
  imports: [TariffsModule, LocationsModule],
  providers: [SessionStore, SessionReader, SessionCostService, SessionsService],
  controllers: [SessionsController],
  exports: [SessionStore, SessionsService],
})
export class SessionsModule {}
