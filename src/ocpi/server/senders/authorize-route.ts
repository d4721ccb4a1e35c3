import { HttpStatus, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppConfig } from '../../../config/app-config';
import { partyField, withLogFields } from '../../../logging/log-context';
import { TokenType } from '../../../tokens/token.model';
import { TokenAuthorizer } from '../../../tokens/token-authorizer';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';
import { caller } from './tokens-sender.controller';

/** The real-time authorization route (Fastify's syntax; service.ts gives it its own onSend hook, metrics/authorization-timing.ts). */
export const AUTHORIZE_ROUTE = '/ocpi/emsp/:version/tokens/:uid/authorize';

/**
 * POST {uid}/authorize[?type=] on our Tokens Sender interface (mod_tokens 2.2.1 / 2.3.0 §POST Method, 2.1.1 §2.2.2):
 * the route every charge start waits for, so it is a plain Fastify route rather than a Nest controller method. It
 * keeps everything the Nest pipeline gave it: the Fastify hooks (X-Request-ID / X-Correlation-ID, the rate limit,
 * authorization_latency_seconds, the JSON body parser and its errors), the same guard (OcpiAuthGuard.authenticate:
 * the in-memory partner directory, Message Routing) and the same error answers and call log (OcpiExceptionFilter),
 * but none of Nest's per-request layers (router proxy, interceptors, rxjs, parameter pipes), and no per-request logger:
 * pino-http skips this route (logger-options.ts), so a successful answer costs no logging at all; an error's lines
 * carry request_id, connection_id and party as on every other route.
 */
@Injectable()
export class AuthorizeRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly guard: OcpiAuthGuard,
    private readonly filter: OcpiExceptionFilter,
    private readonly config: AppConfig,
    private readonly authorizer: TokenAuthorizer,
  ) {}

  /** Added where Nest adds its own routes (after its middleware, before its error handler), so the route is treated alike. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.post(AUTHORIZE_ROUTE, (request, reply) => this.handle(request as OcpiAuthenticatedRequest, reply));
  }

  private async handle(request: OcpiAuthenticatedRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      await this.guard.authenticate(request, reply, false);
      const { version, uid } = request.params as { version: string; uid: string };
      return await reply.code(HttpStatus.OK).send(this.authorize(version, uid, (request.query as { type?: unknown }).type, request));
    } catch (error) {
      const partner = request.ocpiPartner as OcpiAuthenticatedRequest['ocpiPartner'] | undefined;
      const fields = partner ? { request_id: request.id, connection_id: partner.id, party: partyField(request.ocpiRoute?.parties ?? partner.parties) } : { request_id: request.id };
      withLogFields(fields, () => this.filter.answerOn(error, request, reply));
      return reply;
    }
  }

  /**
   * The AuthorizationInfo, from memory, with an optional LocationReferences body. A Token we do not hold: HTTP 404
   * with 2004 "Unknown Token" (2.2+; 2000 in 2.1.1, which has no such code). A type the version does not have, a uid
   * longer than 36 characters or a malformed body: 2001 in HTTP 200. No body is no Location: the Token is judged on its
   * own (we hold no per-Location rules). @throws OcpiError
   */
  private authorize(version: string, uid: string, typeParam: unknown, request: OcpiAuthenticatedRequest): OcpiResponse<unknown> {
    const { adapter, connectionId } = caller(version, request);
    // mod_tokens 2.2.1 §POST Request Parameters: "Default if omitted: RFID".
    const type = (typeParam ?? 'RFID') as TokenType;
    if (!adapter.tokens.types.includes(type)) throw OcpiError.invalidParameters(`type must be one of ${adapter.tokens.types.join(', ')} in OCPI ${adapter.version}`);
    if (uid.length > 36) throw OcpiError.invalidParameters('token_uid must be at most 36 characters');
    const location = adapter.tokens.readLocationReferences(request.body);
    if (!location.ok) throw OcpiError.invalidParameters(`LocationReferences: ${location.reason}`);
    const info = this.authorizer.authorize({ uid, type, connectionId, version: adapter.version, location: location.value, withReference: adapter.tokens.authorizationReference });
    if (!info) throw new OcpiError(adapter.tokens.unknownTokenStatus, 'Unknown Token', HttpStatus.NOT_FOUND);
    const { countryCode, partyId } = this.config.ourParty;
    return ocpiSuccess(adapter.tokens.serialiseAuthorization(info, { country_code: countryCode, party_id: partyId }));
  }
}
