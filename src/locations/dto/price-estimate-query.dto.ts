import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import { FastField, fastParseQuery } from './query-fast-path';

const ENERGY_KWH = /^\d{1,4}(\.\d{1,4})?$/;
const DURATION_MINUTES = /^\d{1,5}(\.\d{1,2})?$/;
const POWER_KW = /^\d{1,4}(\.\d{1,3})?$/;

/** Query of GET /api/v1/connectors/{id}/price-estimate. Decimal strings so no float creeps in. */
export class PriceEstimateQueryDto {
  @ApiProperty({ description: 'Energy to charge, kWh (decimal)', example: '20' })
  @Matches(ENERGY_KWH, { message: 'energy_kwh must be a non-negative decimal number of kWh, e.g. 20 or 7.5' })
  energy_kwh: string;

  @ApiProperty({ description: 'How long the car stays plugged in, minutes (decimal)', example: '45' })
  @Matches(DURATION_MINUTES, { message: 'duration_minutes must be a non-negative decimal number of minutes, e.g. 45' })
  duration_minutes: string;

  @ApiPropertyOptional({ description: 'When the charge starts, ISO-8601 with offset or Z (default: now)', example: '2024-06-03T09:30:00+02:00' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'start must be an ISO-8601 date-time, e.g. 2024-06-03T09:30:00+02:00' })
  @Matches(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/, { message: 'start must be a date-time with a time zone offset or Z' })
  start?: string;

  @ApiPropertyOptional({ description: 'Expected charging power, kW (decimal); charging then takes energy / power and the rest of the stay is parking', example: '11' })
  @IsOptional()
  @Matches(POWER_KW, { message: 'power_kw must be a positive decimal number of kW, e.g. 11 or 7.4' })
  power_kw?: string;

  /**
   * This DTO for a plainly valid query without the ValidationPipe, or null (see query-fast-path.ts). A query with
   * `start` is left to the pipe (its ISO-8601 check is class-validator's own): the app's usual question is "now".
   */
  static fastParse(query: unknown): PriceEstimateQueryDto | null {
    return fastParseQuery(PriceEstimateQueryDto, FIELDS, query);
  }
}

const FIELDS: Record<string, FastField> = {
  energy_kwh: { kind: 'pattern', pattern: ENERGY_KWH, required: true },
  duration_minutes: { kind: 'pattern', pattern: DURATION_MINUTES, required: true },
  power_kw: { kind: 'pattern', pattern: POWER_KW },
};
