import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ConnectionsService } from '../connections/connections.service';
import { CdrCostCheck, RecomputeRun } from './cdr-cost-check.service';
import { FinanceCdrsQueryDto, FinanceSummaryQueryDto, RecomputeCdrsDto } from './dto/finance-cdrs-query.dto';
import { FinanceCdrLine, FinanceCdrsService, FinanceSummaryLine } from './finance-cdrs.service';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';

const NOT_OUR_ID = 'id must be our CDR id (a UUID) as listed; to find a CDR by its OCPI id use ?cdr_id=';

/**
 * Finance API: stored CDRs (mod_cdrs) with their cost recomputed from the tariffs by our tariff engine, and the
 * difference to what the CPO billed (computed − stated, per side: before and after taxes; decimal strings in major
 * units of the CDR's currency). Authenticated with X-API-Key: FINANCE_API_KEY (401 otherwise).
 */
@InternalApi('finance', 'FINANCE')
@Controller('api/v1/finance/cdrs')
export class FinanceController {
  constructor(
    private readonly cdrs: FinanceCdrsService,
    private readonly check: CdrCostCheck,
    private readonly connections: ConnectionsService,
  ) {}

  /**
   * GET /api/v1/finance/cdrs?connection_id&cdr_id&party&from&to&discrepancy&limit&cursor — CDRs, newest session first,
   * with the CPO's connection (id and name), stated, computed, difference, exact (and why not), which tariffs priced
   * them, and the dimensions whose costs differ. `cdr_id`: the CDR's OCPI id (as on an invoice); `party`: NL*ABC, any
   * of. `from` / `to` bound start_date_time (inclusive / exclusive). Keyset paging: meta.next_cursor. 400 for invalid
   * parameters, `from` after `to`, or a foreign cursor.
   */
  @Get()
  @ApiOperation({ summary: 'List stored CDRs with their recomputed cost and difference' })
  @ApiOkResponse({ description: '{ data: FinanceCdrLine[], meta: { next_cursor } }' })
  @ApiErrors({ 400: 'Invalid parameter (named in the message), from after to, or a foreign cursor' })
  list(@Query() q: FinanceCdrsQueryDto): Promise<{ data: FinanceCdrLine[]; meta: { next_cursor: string | null } }> {
    return this.cdrs.list({
      connectionId: q.connection_id,
      cdrId: q.cdr_id,
      parties: q.party,
      from: q.from,
      to: q.to,
      discrepancy: q.discrepancy,
      limit: q.limit,
      cursor: q.cursor,
    });
  }

  /** GET /api/v1/finance/cdrs/summary[?connection_id] — per connection and currency: stored, match, differ, not exact, summed differences. */
  @Get('summary')
  @ApiOperation({ summary: 'Counts and summed differences per connection and currency' })
  @ApiOkResponse({ description: 'FinanceSummaryLine[]' })
  @ApiErrors({ 400: 'connection_id is not a uuid' })
  summary(@Query() q: FinanceSummaryQueryDto): Promise<FinanceSummaryLine[]> {
    return this.cdrs.summary(q.connection_id);
  }

  /**
   * GET /api/v1/finance/cdrs/{id} — one CDR (our id, from the list): the list line plus the CDR as mapped and as sent,
   * the recomputation with its breakdown per tariff (which TariffElement priced what), and tariff_differences: how the
   * tariffs the CDR names differ from those its Location listed at the session's start, and cost_by_dimension: the
   * CPO's per-dimension costs against ours. 400 when id is not a UUID (an OCPI CDR id is looked up with ?cdr_id=),
   * 404 for an unknown id.
   */
  @Get(':id')
  @ApiOperation({ summary: 'One CDR with the breakdown of its recomputed cost and the tariff differences' })
  @ApiErrors({ 400: 'id is not one of our CDR ids (a UUID)', 404: 'No such CDR' })
  detail(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(NOT_OUR_ID) })) id: string) {
    return this.cdrs.detail(id);
  }

  /**
   * POST /api/v1/finance/cdrs/recompute {connection_id?, after?} — recomputes every stored CDR (or one connection's),
   * e.g. after tariffs arrived after their CDRs. Idempotent; batched; runs to the end before it answers (done: true).
   * `after` resumes behind the last_id of a run that was cut off (the request timed out or the service stopped).
   * Answers the run's counts. 404 for a connection_id we do not know.
   */
  @Post('recompute')
  @HttpCode(200)
  @ApiOperation({ summary: "Recompute the cost of every stored CDR (or one connection's)" })
  @ApiOkResponse({ description: 'RecomputeRun: checked, match, differ, not_exact, last_id, done' })
  @ApiErrors({ 400: 'connection_id or after is not a uuid', 404: 'No connection with this connection_id' })
  async recompute(@Body() body: RecomputeCdrsDto): Promise<RecomputeRun> {
    if (body.connection_id && !(await this.connections.namesOf([body.connection_id])).has(body.connection_id)) {
      throw new NotFoundException(`No connection with connection_id ${body.connection_id}`);
    }
    return this.check.recomputeAll({ connectionId: body.connection_id ?? null, after: body.after ?? null });
  }
}
