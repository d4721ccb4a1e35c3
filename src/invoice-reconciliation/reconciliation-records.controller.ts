import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Post, Query, BadGatewayException } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { ConnectionsService } from '../connections/connections.service';
import { RecordPullOutcome, RecordPullRefused, ReconciliationRecordPuller } from './reconciliation-record.puller';
import { RecordView, ReconciliationRecordsService } from './reconciliation-records.service';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';

export class RecordsQueryDto {
  @ApiProperty() @IsUUID('all', { message: 'connection_id must be a UUID' }) connection_id: string;
}

/** Body of POST invoice-reconciliation-records/pull. */
export class RecordPullDto {
  @ApiProperty() @IsUUID('all', { message: 'connection_id must be a UUID' }) connection_id: string;
  @ApiPropertyOptional({ description: 'Records last updated at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'date_from must be an ISO-8601 date-time' })
  date_from?: string;
  @ApiPropertyOptional({ description: '… and before this one' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'date_to must be an ISO-8601 date-time' })
  date_to?: string;
}

/** 2.3.0 InvoiceReconciliationRecords for finance: listed with our matching, and pulled on request. X-API-Key: FINANCE_API_KEY. */
@InternalApi('finance', 'FINANCE')
@Controller('api/v1/finance/invoice-reconciliation-records')
export class ReconciliationRecordsController {
  constructor(
    private readonly records: ReconciliationRecordsService,
    private readonly puller: ReconciliationRecordPuller,
    private readonly connections: ConnectionsService,
  ) {}

  /** GET ?connection_id — the CPO's records (RecordView: CDRs held or not, the invoice lines for them); 404 unknown CPO. */
  @Get()
  @ApiOperation({ summary: "A 2.3.0 CPO's InvoiceReconciliationRecords with our matching" })
  @ApiErrors({ 400: 'connection_id is not a uuid', 404: 'No such connection' })
  async list(@Query() q: RecordsQueryDto): Promise<RecordView[]> {
    await this.knownConnection(q.connection_id);
    return this.records.list(q.connection_id);
  }

  /**
   * POST pull {connection_id, date_from?, date_to?} — pulls the CPO's records last updated in [date_from, date_to) from
   * its Sender interface, every page; 200 with RecordPullOutcome. 400 when it is no 2.3.0 CPO or lists no such Sender;
   * 404 unknown CPO; 502 when the CPO fails the GET (its kind and explanation).
   */
  @Post('pull')
  @HttpCode(200)
  @ApiOperation({ summary: "Pull a 2.3.0 CPO's InvoiceReconciliationRecords (Sender interface)" })
  @ApiErrors({
    400: 'An invalid field; no registered 2.3.0 CPO, or no invoicereconciliation Sender interface (reason says which)',
    404: 'No such connection',
    502: 'The CPO failed the GET (its explanation in message)',
  })
  async pull(@Body() body: RecordPullDto): Promise<RecordPullOutcome> {
    await this.knownConnection(body.connection_id);
    try {
      return await this.puller.pull(body.connection_id, { from: body.date_from ? new Date(body.date_from) : null, to: body.date_to ? new Date(body.date_to) : null });
    } catch (error) {
      // The error body every internal API answers (ApiErrorBody), the closed reason as its `error` and, as before, `reason`.
      if (error instanceof RecordPullRefused) throw new BadRequestException({ statusCode: 400, error: error.reason, reason: error.reason, message: error.message });
      // The CPO failed us: its failure in plain words, not a 500 (the call is in the call log).
      if (error instanceof OcpiCallError) throw new BadGatewayException(`Pulling the records failed (${error.kind}): ${error.message}`);
      throw error;
    }
  }

  private async knownConnection(id: string): Promise<void> {
    if (!(await this.connections.namesOf([id])).has(id)) throw new NotFoundException(`No connection with connection_id ${id}`);
  }
}
