import { Module } from '@nestjs/common';
import { AuthorizationLog } from './authorization-log';
import { TokenAuthorizer } from './token-authorizer';
import { TokenCache } from './token-cache';
import { TokenChanges } from './token-changes';
import { TokenStore } from './token.store';
import { TokenScopeController, TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

/**
 * Tokens: our cards and app users (mod_tokens, we are the eMSP), managed by the app backend through the internal API,
 * held in memory for real-time authorization (TokenCache), each answer recorded (AuthorizationLog), each change of the
 * internal API announced (TokenChanges; token-pushes sends them to the CPOs). The OCPI side (the
 * Tokens Sender interface) lives in ocpi/server and uses TokenStore, TokenAuthorizer and TokenCache.
 */
@Module({
  providers: [TokenStore, TokenCache, AuthorizationLog, TokenAuthorizer, TokensService, TokenChanges],
  controllers: [TokensController, TokenScopeController],
  exports: [TokenStore, TokenCache, TokenAuthorizer, AuthorizationLog, TokenChanges],
})
export class TokensModule {}
