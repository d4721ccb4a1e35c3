import { Module } from '@nestjs/common';
import { AuthorizationLog } from './authorization-log';
import { TokenAuthorizer } from './token-authorizer';
import { TokenCache } from './token-cache';
import { TokenStore } from './token.store';
import { TokenScopeController, TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

/**
 * Tokens: our cards and app users (mod_tokens, we are the eMSP), managed by the app backend through the internal API,
 * held in memory for real-time authorization (TokenCache), each answer recorded (AuthorizationLog). The OCPI side (the
 * Tokens Sender interface) lives in ocpi/server and uses TokenStore, TokenAuthorizer and TokenCache.
 */
@Module({
  providers: [TokenStore, TokenCache, AuthorizationLog, TokenAuthorizer, TokensService],
  controllers: [TokensController, TokenScopeController],
  exports: [TokenStore, TokenCache, TokenAuthorizer, AuthorizationLog],
})
export class TokensModule {}
