import { Controller, Get, HttpStatus, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AppConfig } from '../../../config/app-config';
import { TokenStore } from '../../../tokens/token.store';
import { OcpiVersionAdapter } from '../../adapter/ocpi-version-adapter';
import { readOcpiDateTime } from '../../wire/ocpi-datetime';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatus } from '../../wire/ocpi-status';
import { adapterFor } from '../../versions/version-registry';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';

/** Tokens per page when the CPO asks for none, and the most we give (X-Limit says so: transport_and_format §Paginated Response). */
export const TOKENS_DEFAULT_LIMIT = 100;
export const TOKENS_MAX_LIMIT = 1000;

/** The version of the path and the registered connection asking. @throws OcpiError 3002 (HTTP 404), 2000 before registration */
export function caller(version: string, request: OcpiAuthenticatedRequest): { adapter: OcpiVersionAdapter; connectionId: string } {
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
 * has) and POSTs real-time authorizations (a plain Fastify route, for speed: AuthorizeRoute). Authenticated by its credentials token.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/tokens')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class TokensSenderController {
  constructor(
    private readonly config: AppConfig,
    private readonly store: TokenStore,
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
}
