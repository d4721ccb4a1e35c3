import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { toBoolean, toList } from '../../locations/dto/query-transforms';

const DATE_TIME = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Query of GET /api/v1/finance/cdrs. */
export class FinanceCdrsQueryDto {
  @ApiPropertyOptional({ description: 'Only CDRs received through this CPO connection (uuid)' })
  @IsOptional()
  @IsUUID('all', { message: 'connection_id must be a UUID' })
  connection_id?: string;

  @ApiPropertyOptional({
    description: "The CDR's OCPI id as the CPO sent it (CDR.id, e.g. from an invoice line); case-insensitive, as OCPI ids are",
    example: 'CDR-00001',
    maxLength: 39,
  })
  @IsOptional()
  @IsString({ message: "cdr_id must be the CDR's OCPI id (at most 39 characters)" })
  @MaxLength(39, { message: "cdr_id must be the CDR's OCPI id (at most 39 characters)" })
  cdr_id?: string;

  @ApiPropertyOptional({ description: "CPOs as country_code*party_id (the CDR's owner), any of; comma-separated or repeated", example: ['NL*ABC'], isArray: true, type: String })
  @IsOptional()
  @Transform(toList)
  @Matches(/^[A-Za-z]{2}\*[A-Za-z0-9]{3}$/, { each: true, message: 'party must be country_code*party_id, e.g. NL*ABC' })
  party?: string[];

  @ApiPropertyOptional({ description: 'Sessions that started at or after this instant (ISO-8601 with offset or Z)', example: '2024-06-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time, e.g. 2024-06-01T00:00:00Z' })
  @Matches(DATE_TIME, { message: 'from must be a date-time with a time zone offset or Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'Sessions that started before this instant (exclusive)', example: '2024-07-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time, e.g. 2024-07-01T00:00:00Z' })
  @Matches(DATE_TIME, { message: 'to must be a date-time with a time zone offset or Z' })
  to?: string;

  @ApiPropertyOptional({
    description: 'true: only CDRs whose recomputed cost differs from the stated one, cannot be priced exactly, or is not computed yet; false: only those that match exactly',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'discrepancy must be true or false' })
  discrepancy?: boolean;

  @ApiPropertyOptional({ description: 'Page size, 1-500', default: 50, type: 'integer', minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer from 1 to 500' })
  @Min(1, { message: 'limit must be an integer from 1 to 500' })
  @Max(500, { message: 'limit must be an integer from 1 to 500' })
  limit?: number;

  @ApiPropertyOptional({ description: 'meta.next_cursor of the previous page (same filters)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** Body of POST /api/v1/finance/cdrs/recompute. */
export class RecomputeCdrsDto {
  @ApiPropertyOptional({ description: 'Only the CDRs of this connection (default: every stored CDR)' })
  @IsOptional()
  @IsUUID('all', { message: 'connection_id must be a UUID' })
  connection_id?: string;

  @ApiPropertyOptional({ description: 'Resume behind this CDR id: the last_id of a run that was cut off' })
  @IsOptional()
  @IsUUID('all', { message: 'after must be a CDR id (UUID) as last_id reported it' })
  after?: string;
}

/** Query of GET /api/v1/finance/cdrs/summary. */
export class FinanceSummaryQueryDto {
  @ApiPropertyOptional({ description: 'Only CDRs received through this CPO connection (uuid)' })
  @IsOptional()
  @IsUUID('all', { message: 'connection_id must be a UUID' })
  connection_id?: string;
}
