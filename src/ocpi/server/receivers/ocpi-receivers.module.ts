import { Module } from '@nestjs/common';
import { CdrsModule } from '../../../cdrs/cdrs.module';
import { IntakeModule } from '../../../intake/intake.module';
import { CdrsReceiverController } from './cdrs-receiver.controller';

/** Our Receiver interfaces: what CPOs push to us. Each route is a short caller of the one intake step. */
@Module({
  imports: [IntakeModule, CdrsModule],
  controllers: [CdrsReceiverController],
})
export class OcpiReceiversModule {}
