import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AppConfig } from '../../../config/app-config';
import { TokenType } from '../../../tokens/token.model';
import { TokenAuthorizer } from '../../../tokens/token-authorizer';
import { TokenStore } from '../../../tokens/token.store';
import { OcpiVersionAdapter } from '../../adapter/ocpi-version-adapter';
import { readOcpiDateTime } from '../../wire/ocpi-datetime';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatus } from '../../wire/ocpi-status';
import { adapterFor } from '../../versions/version-registry';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';
import { PushedObject } from '../receivers/pushed-object.decorator';

/** Tokens per page when the CPO asks for none, and the most we give (X-Limit says so: transport_and_format §Paginated Response). */
export const TOKENS_DEFAULT_LIMIT = 100;
export const TOKENS_MAX_LIMIT = 1000;

/** The version of the path and the registered connection asking. @throws OcpiError 3002 (HTTP 404), 2000 before registration */
function caller(version: string, request: OcpiAuthenticatedRequest): { adapter: OcpiVersionAdapter; connectionId: string } {
  const adapter = adapterFor(version);
  if (!adapter) throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `Unsupported OCPI version ${version}`, 404);
  const partner = request.ocpiPartner;
  if (partner.status !== 'REGISTERED') throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Connection is ${partner.status}, not registered`, HttpStatus.OK);
  return { adapter, connectionId: partner.id };
}

/** A non-negative integer query parameter, or `fallback` when absent. @throws OcpiError 2001 naming it */
function intParam(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw OcpiError.invalidParameters(`${name} must be an integer of at least ${min}`);
  return Number(value);
}

/** A DateTime query parameter (types §DateTime), or null when absent. @throws OcpiError 2001 naming it */
function dateParam(value: string | undefined, name: string): string | null {
  if (value === undefined || value === '') return null;
  const read = readOcpiDateTime(value);
  if (!read) throw OcpiError.invalidParameters(`${name} must be an OCPI DateTime, e.g. 2019-01-28T12:00:00Z`);
  return read;
}

/**
 * Our Tokens Sender interface, one per version (mod_tokens 2.2.1 / 2.3.0 §Sender Interface, 2.1.1 §2.2 eMSP
 * Interface): we are the eMSP. A CPO GETs the Tokens meant for it (its connection's token scope; the types its version
 * has) and POSTs real-time authorizations, answered from memory (TokenAuthorizer). Authenticated by its credentials token.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/tokens')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class TokensSenderController {
  constructor(
    private readonly config: AppConfig,
    private readonly store: TokenStore,
    private readonly authorizer: TokenAuthorizer,
  ) {}

  private owner(): { country_code: string; party_id: string } {
    const { countryCode, partyId } = this.config.ourParty;
    return { country_code: countryCode, party_id: partyId };
  }

  /**
   * GET ?date_from&date_to&offset&limit (mod_tokens 2.2.1 §GET Method): Tokens with last_updated in [date_from,
   * date_to), oldest change first, paginated (transport_and_format 2.2.1 §Pagination): X-Total-Count, X-Limit, and a
   * Link to the next page unless this is the last. OCPI 2001 (HTTP 200) for a malformed parameter.
   */
  @Get()
  async list(
    @Param('version') version: string,
    @Query() query: Record<string, string | undefined>,
    @Req() request: OcpiAuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OcpiResponse<unknown[]>> {
    const { adapter, connectionId } = caller(version, request);
    const offset = intParam(query.offset, 'offset', 0, 0);
    const limit = Math.min(intParam(query.limit, 'limit', TOKENS_DEFAULT_LIMIT, 1), TOKENS_MAX_LIMIT);
    const from = dateParam(query.date_from, 'date_from');
    const to = dateParam(query.date_to, 'date_to');
    const scope = await this.store.scopeOf(connectionId);
    const { tokens, total } = await this.store.senderPage({ scope, types: adapter.tokens.types, from, to, offset, limit });
    reply.header('X-Total-Count', String(total));
    reply.header('X-Limit', String(limit));
    if (offset + tokens.length < total) {
      const next = new URLSearchParams({
        ...(query.date_from ? { date_from: query.date_from } : {}),
        ...(query.date_to ? { date_to: query.date_to } : {}),
        offset: String(offset + tokens.length),
        limit: String(limit),
      });
      reply.header('Link', `<${this.config.publicUrl}/ocpi/emsp/${adapter.version}/tokens?${next.toString()}>; rel="next"`);
    }
    const owner = this.owner();
    return ocpiSuccess(tokens.map((t) => adapter.tokens.serialiseToken(t, owner)));
  }

  /**
   * POST {uid}/authorize[?type=] with an optional LocationReferences body (mod_tokens 2.2.1 §POST Method): the
   * AuthorizationInfo, from memory. A Token we do not hold: HTTP 404 with 2004 "Unknown Token" (2.2+; 2000 in 2.1.1,
   * which has no such code). A type the version does not have, a uid longer than 36 characters or a malformed body:
   * 2001 in HTTP 200. No body is no Location: the Token is judged on its own (we hold no per-Location rules).
   */
  @Post(':uid/authorize')
  @HttpCode(200)
  authorize(
    @Param('version') version: string,
    @Param('uid') uid: string,
    @Query('type') typeParam: string | undefined,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
  ): OcpiResponse<unknown> {
    const { adapter, connectionId } = caller(version, request);
    // mod_tokens 2.2.1 §POST Request Parameters: "Default if omitted: RFID".
    const type = (typeParam ?? 'RFID') as TokenType;
    if (!adapter.tokens.types.includes(type)) throw OcpiError.invalidParameters(`type must be one of ${adapter.tokens.types.join(', ')} in OCPI ${adapter.version}`);
    if (uid.length > 36) throw OcpiError.invalidParameters('token_uid must be at most 36 characters');
    const location = adapter.tokens.readLocationReferences(body);
    if (!location.ok) throw OcpiError.invalidParameters(`LocationReferences: ${location.reason}`);
    const info = this.authorizer.authorize({ uid, type, connectionId, version: adapter.version, location: location.value, withReference: adapter.tokens.authorizationReference });
    if (!info) throw new OcpiError(adapter.tokens.unknownTokenStatus, 'Unknown Token', HttpStatus.NOT_FOUND);
    return ocpiSuccess(adapter.tokens.serialiseAuthorization(info, this.owner()));
  }
}
