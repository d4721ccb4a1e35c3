import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { FastField, fastParseQuery, SEARCH_FILTER_FIELDS } from './query-fast-path';
import { SearchFiltersDto } from './search-filters.dto';

/** Query of GET /api/v1/chargers/nearby (the radius search of GET /api/v1/locations, centre and radius required). */
export class NearbyQueryDto extends SearchFiltersDto {
  @ApiProperty({ description: 'Latitude of the centre, WGS84 degrees', example: 52.3702, minimum: -90, maximum: 90 })
  @Type(() => Number)
  @IsNumber({}, { message: 'latitude must be a number of degrees' })
  @Min(-90)
  @Max(90)
  latitude: number;

  @ApiProperty({ description: 'Longitude of the centre, WGS84 degrees', example: 4.8952, minimum: -180, maximum: 180 })
  @Type(() => Number)
  @IsNumber({}, { message: 'longitude must be a number of degrees' })
  @Min(-180)
  @Max(180)
  longitude: number;

  @ApiProperty({ description: 'Search radius in metres (max 100 km)', example: 2000, type: 'integer', minimum: 1, maximum: 100000 })
  @Type(() => Number)
  @IsInt({ message: 'radius_m must be a whole number of metres' })
  @Min(1)
  @Max(100000)
  radius_m: number;

  /** This DTO for a plainly valid query without the ValidationPipe, or null (see query-fast-path.ts). */
  static fastParse(query: unknown): NearbyQueryDto | null {
    return fastParseQuery(NearbyQueryDto, FIELDS, query);
  }
}

const FIELDS: Record<string, FastField> = {
  ...SEARCH_FILTER_FIELDS,
  latitude: { kind: 'number', min: -90, max: 90, required: true },
  longitude: { kind: 'number', min: -180, max: 180, required: true },
  radius_m: { kind: 'integer', min: 1, max: 100000, required: true },
};
