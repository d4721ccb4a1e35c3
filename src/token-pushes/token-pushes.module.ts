import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { TokensModule } from '../tokens/tokens.module';
import { TokenPushes } from './token-pushes';
import { TokenPushesController } from './token-pushes.controller';

/**
 * Pushing our Token changes to the CPOs' Tokens Receivers (mod_tokens §Receiver Interface): told of each change by the
 * tokens domain (TokenChanges), sent by jobs on the durable queue; operations see what each CPO has not received yet.
 */
@Module({
  imports: [ConnectionsModule, TokensModule],
  providers: [TokenPushes],
  controllers: [TokenPushesController],
})
export class TokenPushesModule {}
