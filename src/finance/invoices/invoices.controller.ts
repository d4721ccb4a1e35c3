import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
  StreamableFile,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { isCsv, STREAMED_CSV_BODY } from '../../common/http/csv-body-parser';
import { AppConfig } from '../../config/app-config';
import { ConnectionsService } from '../../connections/connections.service';
import { InvoiceColumns, InvoiceMapping } from './invoice-mapping.model';
import { ImportResult, InvoicesService, InvoiceView } from './invoices.service';
import { ReconciliationService } from './reconciliation.service';
import { ApiErrors, InternalApi } from '../../common/http/internal-api.decorator';

/** Body of PUT /api/v1/finance/invoice-mappings/{connection_id} (see InvoiceMapping). */
export class InvoiceMappingDto implements InvoiceMapping {
  @ApiPropertyOptional({ enum: [',', ';', '\t'], default: ',' }) @IsOptional() @IsString() delimiter: ',' | ';' | '\t';
  @ApiPropertyOptional({ enum: ['.', ','], default: '.' }) @IsOptional() @IsString() decimal_separator: '.' | ',';
  @ApiPropertyOptional({ enum: ['CDR', 'SESSION'], default: 'CDR' }) @IsOptional() @IsString() line_per: 'CDR' | 'SESSION';
  @ApiPropertyOptional({ description: 'ISO 4217 code of every line when no column says; null: a currency column is mapped', nullable: true })
  @IsOptional()
  @IsString()
  currency: string | null;
  @ApiProperty({
    description:
      'Header name per field: cdr_id, session_id, authorization_reference, location_id, start_date_time, energy_kwh, time_hours, parking_hours, amount_excl_vat, amount_incl_vat, vat_rate, currency',
  })
  @IsObject()
  columns: InvoiceColumns;
}

/** What an invoice import says beside the file: in the JSON body of POST invoices, in the query of POST invoices/csv. */
class InvoiceImportFields {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'connection_id must be a UUID' }) connection_id: string;
  @ApiProperty({ description: "The CPO's invoice number: a file under a held number supersedes it", minLength: 1, maxLength: 100 })
  @IsString({ message: 'invoice_number is required' })
  @MinLength(1)
  @MaxLength(100)
  invoice_number: string;
  @ApiProperty({ description: 'Sessions the invoice covers start at or after this instant' })
  @IsISO8601({ strict: true }, { message: 'period_from must be an ISO-8601 date-time' })
  period_from: string;
  @ApiProperty({ description: '… and before this one (exclusive)' }) @IsISO8601({ strict: true }, { message: 'period_to must be an ISO-8601 date-time' }) period_to: string;
  @ApiPropertyOptional({ maxLength: 255 }) @IsOptional() @IsString() @MaxLength(255) file_name?: string;
}

/** Body of POST /api/v1/finance/invoices. */
export class ImportInvoiceDto extends InvoiceImportFields {
  @ApiProperty({ description: 'The invoice file, as text (UTF-8 CSV)' }) @IsString() csv: string;
  @ApiPropertyOptional({ description: 'true: import without the lines that cannot be read (listed on the invoice as skipped); default: refuse the file' })
  @IsOptional()
  @IsBoolean()
  skip_unreadable?: boolean;
}

/** Query of POST /api/v1/finance/invoices/csv: the same fields, the file being the body; skip_unreadable as text. */
export class ImportInvoiceQueryDto extends InvoiceImportFields {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: import without the lines that cannot be read; default false' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'skip_unreadable must be true or false' })
  skip_unreadable?: boolean;
}

export class ReportQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv'], { message: 'format must be json or csv' }) format?: 'json' | 'csv';
}

export class InvoiceListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'connection_id must be a UUID' }) connection_id?: string;
}

/**
 * Invoices in (issue 17): each CPO's invoice CSV layout kept per connection, invoices imported with it, and each
 * invoice reconciled line by line against the CDRs we hold. X-API-Key: FINANCE_API_KEY.
 */
@InternalApi('finance', 'FINANCE')
@Controller('api/v1/finance')
export class InvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly reconciliation: ReconciliationService,
    private readonly connections: ConnectionsService,
    private readonly config: AppConfig,
  ) {}

  /** GET invoice-mappings/{connection_id} — the CPO's invoice CSV mapping; 404 when none is kept. */
  @Get('invoice-mappings/:connectionId')
  @ApiOperation({ summary: "A CPO's invoice CSV mapping" })
  @ApiErrors({ 400: 'connection_id is not a uuid', 404: 'No mapping kept for this CPO' })
  async getMapping(@Param('connectionId', new ParseUUIDPipe()) connectionId: string): Promise<InvoiceMapping> {
    const mapping = await this.invoices.mapping(connectionId);
    if (!mapping) throw new NotFoundException(`No invoice mapping for connection ${connectionId}`);
    return mapping;
  }

  /** PUT invoice-mappings/{connection_id} — keeps the CPO's mapping (replaces); 400 listing what is wrong; 404 unknown CPO. */
  @Put('invoice-mappings/:connectionId')
  @ApiOperation({ summary: "Keep a CPO's invoice CSV mapping" })
  @ApiErrors({ 400: 'connection_id is not a uuid, or what is wrong with the mapping, in plain words', 404: 'No such connection' })
  async putMapping(@Param('connectionId', new ParseUUIDPipe()) connectionId: string, @Body() body: InvoiceMappingDto): Promise<InvoiceMapping> {
    await this.knownConnection(connectionId);
    return this.invoices.putMapping(connectionId, body);
  }

  /**
   * POST invoices — imports an invoice CSV with its CPO's mapping: 201 with IMPORTED / SUPERSEDED_PREVIOUS, 200 with
   * UNCHANGED (the same file again). 400: no mapping, the file or a line unreadable (unreadable_lines: line and reason
   * each; nothing imported unless skip_unreadable). 404 unknown CPO.
   */
  @Post('invoices')
  @ApiOperation({ summary: 'Import a CPO invoice (CSV)' })
  @ApiOkResponse({ description: 'ImportResult' })
  @ApiErrors({ 400: 'An invalid field, no mapping, or the file or a line unreadable (unreadable_lines: line and reason each)', 404: 'No such connection' })
  async importInvoice(@Body() body: ImportInvoiceDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ImportResult> {
    await this.knownConnection(body.connection_id);
    const result = await this.invoices.import({
      connectionId: body.connection_id,
      invoiceNumber: body.invoice_number,
      fileName: body.file_name ?? null,
      periodFrom: new Date(body.period_from),
      periodTo: new Date(body.period_to),
      file: { text: body.csv },
      skipUnreadable: body.skip_unreadable ?? false,
    });
    void reply.status(result.status === 'UNCHANGED' ? 200 : 201);
    return result;
  }

  /**
   * POST invoices/csv?connection_id=&invoice_number=&period_from=&period_to=[&file_name=][&skip_unreadable=true] — the
   * same import with the file as the request body itself (Content-Type: text/csv), read from the socket as it arrives:
   * never held whole, so the file may be far larger than the JSON body limit (OCPI_MAX_BODY_BYTES), up to
   * FINANCE_MAX_INVOICE_BYTES (413 beyond it, nothing imported). The same answers as POST invoices; a file sent both
   * ways is the same file (its SHA-256). 415 for another Content-Type.
   */
  @Post('invoices/csv')
  @RouteConfig(STREAMED_CSV_BODY)
  @ApiOperation({ summary: 'Import a CPO invoice, the CSV file as the body (streamed)' })
  @ApiConsumes('text/csv')
  @ApiBody({ description: "The invoice file (UTF-8 CSV in the CPO's layout)", schema: { type: 'string' } })
  @ApiOkResponse({ description: 'ImportResult' })
  @ApiErrors({
    400: 'An invalid query field, no mapping, or the file or a line unreadable (unreadable_lines: line and reason each)',
    404: 'No such connection',
    413: 'The file is larger than FINANCE_MAX_INVOICE_BYTES',
    415: 'A Content-Type other than text/csv',
  })
  async importInvoiceCsv(
    @Query() q: ImportInvoiceQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('content-type') contentType?: string,
  ): Promise<ImportResult> {
    if (!isCsv(contentType))
      throw new UnsupportedMediaTypeException(`Content-Type "${String(contentType ?? 'none').slice(0, 100)}" is not supported here: the body is the invoice file, text/csv`);
    await this.knownConnection(q.connection_id);
    const result = await this.invoices.import({
      connectionId: q.connection_id,
      invoiceNumber: q.invoice_number,
      fileName: q.file_name ?? null,
      periodFrom: new Date(q.period_from),
      periodTo: new Date(q.period_to),
      file: {
        stream: request.body as IncomingMessage,
        maxBytes: this.config.env.FINANCE_MAX_INVOICE_BYTES,
        declaredBytes: Number(request.headers['content-length'] ?? 0),
      },
      skipUnreadable: q.skip_unreadable ?? false,
    });
    void reply.status(result.status === 'UNCHANGED' ? 200 : 201);
    return result;
  }

  /** GET invoices[?connection_id] — imported invoices, newest first, superseded ones included (superseded_by set). */
  @Get('invoices')
  @ApiOperation({ summary: 'Imported invoices (history included)' })
  @ApiErrors({ 400: 'connection_id is not a uuid' })
  list(@Query() q: InvoiceListQueryDto): Promise<InvoiceView[]> {
    return this.invoices.list(q.connection_id ?? null);
  }

  /**
   * GET invoices/{id}/reconciliation[?format=csv] — the invoice matched line by line against the CDRs held now
   * (ReconciliationReport as JSON; CSV: one row per line), streamed a page of lines at a time. 404 unknown invoice
   * (before anything is sent; a failure once the report has started aborts the response).
   */
  @Get('invoices/:id/reconciliation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reconcile an invoice against the CDRs: totals, outcome per line, lines to dispute' })
  @ApiOkResponse({ description: 'ReconciliationReport (JSON), or one CSV row per invoice line with format=csv' })
  @ApiErrors({ 400: 'id is not a uuid, or format is neither json nor csv', 404: 'No such invoice' })
  async report(@Param('id', new ParseUUIDPipe()) id: string, @Query() q: ReportQueryDto): Promise<StreamableFile> {
    const prepared = await this.reconciliation.prepare(id);
    const csv = q.format === 'csv';
    const chunks = csv ? this.reconciliation.reportCsv(prepared) : this.reconciliation.reportJson(prepared);
    return new StreamableFile(Readable.from(chunks, { objectMode: false }), { type: csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8' });
  }

  private async knownConnection(id: string): Promise<void> {
    if (!(await this.connections.namesOf([id])).has(id)) throw new NotFoundException(`No connection with connection_id ${id}`);
  }
}
