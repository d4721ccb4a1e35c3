import { BadRequestException, Controller, Get, NotFoundException, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { FastifyReply } from 'fastify';
import { ConnectionsService } from '../../connections/connections.service';
import { Ledger, LedgerService } from './ledger.service';
import { ApiErrors, InternalApi } from '../../common/http/internal-api.decorator';

/** Query of GET /api/v1/finance/ledger. */
export class LedgerQueryDto {
  @ApiProperty({ description: 'The CPO connection (uuid)' })
  @IsUUID('all', { message: 'connection_id must be a UUID' })
  connection_id: string;

  @ApiProperty({ description: 'Sessions that started at or after this instant (ISO-8601)', example: '2024-06-01T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time, e.g. 2024-06-01T00:00:00Z' })
  from: string;

  @ApiProperty({ description: 'Sessions that started before this instant (exclusive)', example: '2024-07-01T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time, e.g. 2024-07-01T00:00:00Z' })
  to: string;

  @ApiPropertyOptional({ description: 'Only CDRs in this ISO 4217 currency', example: 'EUR', pattern: '^[A-Z]{3}$' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code, e.g. EUR' })
  currency?: string;

  @ApiPropertyOptional({ description: 'json (default) or csv', enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

/**
 * Finance ledger: per CPO connection, period and currency, every CDR with its totals (energy kWh, time and parking
 * hours, cost excl. and incl. VAT), credit CDRs netted against the CDR they credit (mod_cdrs 2.2.1 §Credit CDRs),
 * exact decimals. X-API-Key: FINANCE_API_KEY.
 */
@InternalApi('finance', 'FINANCE')
@Controller('api/v1/finance/ledger')
export class LedgerController {
  constructor(
    private readonly ledgers: LedgerService,
    private readonly connections: ConnectionsService,
  ) {}

  /**
   * GET /api/v1/finance/ledger?connection_id&from&to[&currency][&format=csv] — the ledger (Ledger: lines and totals per
   * currency) as JSON, or as CSV (text/csv; one row per line, then a TOTAL row per currency). 400 for invalid
   * parameters or `from` not before `to`; 404 for an unknown connection.
   */
  @Get()
  @ApiOperation({ summary: "A CPO's CDRs of a period with their totals, credits netted (JSON or CSV)" })
  @ApiOkResponse({ description: 'Ledger, or text/csv' })
  @ApiErrors({ 400: 'Invalid parameter (named in the message), or from not before to', 404: 'No such connection' })
  async ledger(@Query() q: LedgerQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Ledger | string> {
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (from.getTime() >= to.getTime()) throw new BadRequestException(`from ${q.from} must be before to ${q.to}`);
    if (!(await this.connections.namesOf([q.connection_id])).has(q.connection_id)) throw new NotFoundException(`No connection with connection_id ${q.connection_id}`);
    const ledger = await this.ledgers.ledger(q.connection_id, from, to, q.currency ?? null);
    if (q.format !== 'csv') return ledger;
    void reply.header('Content-Type', 'text/csv; charset=utf-8');
    return this.ledgers.toCsv(ledger);
  }
}
