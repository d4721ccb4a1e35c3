import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { FastifyReply } from 'fastify';
import { MissingCdrsOfCpo, MissingCdrsService } from './missing-cdrs.service';
import { ApiErrors, InternalApi } from '../../common/http/internal-api.decorator';

/** Query of GET /api/v1/finance/missing-cdrs. */
export class MissingCdrsQueryDto {
  @ApiPropertyOptional({ description: 'Only this CPO connection (uuid); default every CPO' })
  @IsOptional()
  @IsUUID('all', { message: 'connection_id must be a UUID' })
  connection_id?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

/** CDRs that never came (issue 17), for finance to chase. X-API-Key: FINANCE_API_KEY. */
@InternalApi('finance', 'FINANCE')
@Controller('api/v1/finance/missing-cdrs')
export class MissingCdrsController {
  constructor(private readonly missing: MissingCdrsService) {}

  /**
   * GET /api/v1/finance/missing-cdrs[?connection_id][&format=csv] — per CPO, the CDRs we lack (MissingCdrsOfCpo:
   * kind SESSION_WITHOUT_CDR, ZERO_SESSION_WITHOUT_CDR or INVOICED_CDR_NOT_HELD, counts per kind); CSV: one row each.
   */
  @Get()
  @ApiOperation({ summary: 'CDRs that never came: completed sessions without CDR, invoice lines without CDR (JSON or CSV)' })
  @ApiOkResponse({ description: '{ expected_within_hours, cpos: MissingCdrsOfCpo[] }, or text/csv' })
  @ApiErrors({ 400: 'connection_id is not a uuid, or format is neither json nor csv' })
  async list(@Query() q: MissingCdrsQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ expected_within_hours: number; cpos: MissingCdrsOfCpo[] } | string> {
    const cpos = await this.missing.list(q.connection_id ?? null);
    if (q.format !== 'csv') return { expected_within_hours: this.missing.expectedWithinHours, cpos };
    void reply.header('Content-Type', 'text/csv; charset=utf-8');
    return this.missing.toCsv(cpos);
  }
}
