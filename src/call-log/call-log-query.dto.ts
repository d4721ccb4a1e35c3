import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';

/** Query of GET /api/v1/operations/call-log. */
export class CallLogQueryDto {
  /** Only calls to or from this CPO connection. */
  @IsOptional() @IsUUID() connection_id?: string;
  /** OCPI module identifier, e.g. locations, tariffs, credentials, versions. */
  @IsOptional() @IsString() module?: string;
  /** TRANSPORT, HTTP_STATUS, OCPI_STATUS, UNPARSEABLE, SCHEMA_VIOLATION or PAGINATION. */
  @IsOptional() @IsIn(['TRANSPORT', 'HTTP_STATUS', 'OCPI_STATUS', 'UNPARSEABLE', 'SCHEMA_VIOLATION', 'PAGINATION']) kind?: string;
  /** OUTGOING (we called the CPO) or INCOMING (the CPO called us). */
  @IsOptional() @IsIn(['OUTGOING', 'INCOMING']) direction?: 'OUTGOING' | 'INCOMING';
  /** ISO-8601 date-time: only calls at or after it. */
  @IsOptional() @IsISO8601({ strict: true }) since?: string;
  /** At most this many entries, newest first (1–500, default 100). */
  @IsOptional() @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(500) limit?: number;
}
