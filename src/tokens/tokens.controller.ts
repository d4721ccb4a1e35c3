import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { TokenListQueryDto } from './dto/token-list-query.dto';
import { TokenScope } from './token.store';
import { TokenCsvImportOutcome, TokenImportOutcome, TokensService, TokenView, typeParam } from './tokens.service';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';
import { isCsv } from '../common/http/csv-body-parser';

const TOKEN_FIELDS =
  'uid (1–36 printable ASCII), type (AD_HOC_USER, APP_USER, EMAID, OTHER, RFID), contract_id (1–36; the 2.1.1 auth_id), issuer (1–64), and optionally ' +
  'visual_number, group_id, valid (default true), whitelist (ALWAYS, ALLOWED (default), ALLOWED_OFFLINE, NEVER), language, default_profile_type, ' +
  'energy_contract { supplier_name, contract_id }, valid_until (after it: EXPIRED), denial (NO_CREDIT | NOT_ALLOWED)';

/**
 * Internal API for the mobile-app backend: our Tokens (mod_tokens §Token Object), which CPOs read from our Tokens
 * Sender interface and authorize in real time. A Token is named by its type and uid (uid case-insensitive).
 */
@InternalApi('tokens', 'INTERNAL')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  /** POST /api/v1/tokens: a new Token (201). 400 naming each bad field; 409 when (uid, type) exists. */
  @Post()
  @ApiOperation({ summary: 'Create a Token', description: TOKEN_FIELDS })
  @ApiBody({ schema: { type: 'object', example: { uid: '012345678', type: 'RFID', contract_id: 'NL-TST-C12345678-S', issuer: 'TheNewMotion', whitelist: 'ALLOWED' } } })
  @ApiOkResponse({ description: 'The Token as stored, last_updated set' })
  @ApiErrors({ 400: 'Each bad field named, e.g. message: ["uid must be 1 to 36 characters", …]', 409: 'A Token with this uid and type exists' })
  create(@Body() body: unknown): Promise<TokenView> {
    return this.tokens.create(body);
  }

  /**
   * POST /api/v1/tokens/import: up to 10,000 Tokens, each created or replaced (by uid and type); the invalid ones are
   * refused one by one, the rest stored. The body is a JSON array (Content-Type: application/json): 200 with
   * { created, updated, rejected: [{ index, errors }] }; or CSV (Content-Type: text/csv; a header row of the JSON field
   * names, see readTokenCsv): 200 with { created, updated, rejected: [{ line, errors }] }, lines counted from the header.
   */
  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create or replace many Tokens at once (JSON array, or CSV with Content-Type: text/csv)',
    description: `${TOKEN_FIELDS}. CSV: a header row of these names (energy_contract as energy_contract.supplier_name, energy_contract.contract_id), one Token a line; an empty cell is an absent field.`,
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiOkResponse({ description: '{ created, updated, rejected: [{ index, errors }] } for JSON; rejected: [{ line, errors }] for CSV' })
  @ApiErrors({
    400: 'The body is no JSON array / no CSV with a valid header, or holds more than 10,000',
    413: 'The body is larger than OCPI_MAX_BODY_BYTES',
    415: 'A Content-Type other than application/json or text/csv',
  })
  import(@Body() body: unknown, @Headers('content-type') contentType?: string): Promise<TokenImportOutcome | TokenCsvImportOutcome> {
    return isCsv(contentType) ? this.tokens.importCsv(body) : this.tokens.import(body);
  }

  /** GET /api/v1/tokens?limit=&cursor=: Tokens by uid then type; meta.next_cursor gives the next page (null: the last). */
  @Get()
  @ApiOperation({ summary: 'List Tokens (keyset paging)' })
  @ApiOkResponse({ description: '{ data: Token[], meta: { next_cursor } }' })
  @ApiErrors({ 400: 'limit outside 1–1000, or a cursor that is not ours' })
  async list(@Query() q: TokenListQueryDto): Promise<{ data: TokenView[]; meta: { next_cursor: string | null } }> {
    const { data, next_cursor } = await this.tokens.list(q.limit, q.cursor);
    return { data, meta: { next_cursor } };
  }

  /** GET /api/v1/tokens/{type}/{uid}. 404 when unknown. */
  @Get(':type/:uid')
  @ApiOperation({ summary: 'One Token' })
  @ApiErrors({ 400: 'An unknown token type', 404: 'No such Token' })
  get(@Param('type') type: string, @Param('uid') uid: string): Promise<TokenView> {
    return this.tokens.get(typeParam(type), uid);
  }

  /** PATCH /api/v1/tokens/{type}/{uid}: changes the fields given (not uid or type). 400 naming bad fields; 404 when unknown. */
  @Patch(':type/:uid')
  @ApiOperation({ summary: 'Change a Token', description: 'Any field but uid and type' })
  @ApiErrors({ 400: 'An unknown token type, or each bad field named', 404: 'No such Token' })
  update(@Param('type') type: string, @Param('uid') uid: string, @Body() body: unknown): Promise<TokenView> {
    return this.tokens.update(typeParam(type), uid, body);
  }

  /** POST /api/v1/tokens/{type}/{uid}/block: valid = false; every CPO's authorization answers BLOCKED within a second. */
  @Post(':type/:uid/block')
  @HttpCode(200)
  @ApiOperation({ summary: 'Block a Token (valid = false)' })
  @ApiErrors({ 400: 'An unknown token type', 404: 'No such Token' })
  block(@Param('type') type: string, @Param('uid') uid: string): Promise<TokenView> {
    return this.tokens.block(typeParam(type), uid);
  }
}

/**
 * Operations API: which of our Tokens a connection's CPO sees (Tokens Sender interface) and may use (real-time
 * authorization: outside the scope, NOT_ALLOWED). ALL by default.
 */
@InternalApi('operations', 'OPERATIONS')
@Controller('api/v1/operations/connections/:id/token-scope')
export class TokenScopeController {
  constructor(private readonly tokens: TokensService) {}

  /** GET: { kind: ALL | NONE } or { kind: GROUPS, group_ids }. 404 for an unknown connection. */
  @Get()
  @ApiOperation({ summary: "A connection's token scope" })
  @ApiErrors({ 400: 'id is not a uuid', 404: 'No such connection' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<TokenScope> {
    return this.tokens.scopeOf(id);
  }

  /** PUT { kind: ALL | NONE } or { kind: GROUPS, group_ids: [...] }. 400 naming the field; 404 for an unknown connection. */
  @Put()
  @ApiOperation({ summary: "Set a connection's token scope" })
  @ApiBody({ schema: { type: 'object', example: { kind: 'GROUPS', group_ids: ['FLEET-1'] } } })
  @ApiErrors({ 400: 'id is not a uuid, or a bad field named', 404: 'No such connection' })
  set(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown): Promise<TokenScope> {
    return this.tokens.setScope(id, body);
  }
}
