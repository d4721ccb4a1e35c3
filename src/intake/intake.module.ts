import { Module } from '@nestjs/common';
import { CdrsModule } from '../cdrs/cdrs.module';
import { FinanceModule } from '../finance/finance.module';
import { LocationsModule } from '../locations/locations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TariffsModule } from '../tariffs/tariffs.module';
import { IntakeModules } from './intake-modules';
import { IntakeService } from './intake.service';

/** The one intake step for every object a CPO sends, pulled or pushed (see IntakeService). */
@Module({
  imports: [LocationsModule, TariffsModule, SessionsModule, CdrsModule, FinanceModule],
  providers: [IntakeModules, IntakeService],
  exports: [IntakeService],
})
export class IntakeModule {}
