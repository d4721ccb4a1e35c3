import { Module } from '@nestjs/common';
import { ChargeStoryController } from './charge-story.controller';
import { ChargeStoryService } from './charge-story.service';

/** A charge's whole story for operations (issue 18): read-only, over the stores of sessions, CDRs, commands, tokens and invoices. */
@Module({
  providers: [ChargeStoryService],
  controllers: [ChargeStoryController],
  // The console's charge-story page renders the same answer.
  exports: [ChargeStoryService],
})
export class ChargeStoryModule {}
