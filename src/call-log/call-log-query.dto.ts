import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

import { CALL_LOG_KINDS } from './call-log-reading';

const KINDS = CALL_LOG_KINDS;

/** Query of GET /api/v1/operations/call-log. */
export class CallLogQueryDto {
  @ApiPropertyOptional({ description: 'Only calls to or from this CPO connection', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  connection_id?: string;

  @ApiPropertyOptional({ description: 'OCPI module identifier, e.g. locations, tariffs, cdrs, credentials, versions' })
  @IsOptional()
  @IsString()
  module?: string;

  @ApiPropertyOptional({ description: 'How the call failed', enum: KINDS })
  @IsOptional()
  @IsIn(KINDS)
  kind?: string;

  @ApiPropertyOptional({ description: 'OUTGOING (we called the CPO) or INCOMING (the CPO called us)', enum: ['OUTGOING', 'INCOMING'] })
  @IsOptional()
  @IsIn(['OUTGOING', 'INCOMING'])
  direction?: 'OUTGOING' | 'INCOMING';

  @ApiPropertyOptional({ description: 'ISO-8601 date-time: only calls at or after it', example: '2026-11-30T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 date-time: only calls before it', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ description: "Only calls naming this object id (an OCPI id, e.g. a Location's) in their URL or bodies", maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  object_id?: string;

  @ApiPropertyOptional({ description: 'Paging: the `cursor` of the last entry of the previous page (lists the older ones)', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  after?: string;

  @ApiPropertyOptional({ description: 'At most this many entries, newest first', type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
