import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { FastField, fastParseQuery, SEARCH_FILTER_FIELDS } from './query-fast-path';
import { SearchFiltersDto } from './search-filters.dto';

const BBOX = /^\s*-?\d+(\.\d+)?\s*(,\s*-?\d+(\.\d+)?\s*){3}$/;

/**
 * Query of GET /api/v1/locations: a radius search (latitude, longitude, radius_m) or a bounding box (bbox, with an
 * optional latitude/longitude to measure distances from), plus the filters.
 */
export class LocationSearchQueryDto extends SearchFiltersDto {
  @ApiPropertyOptional({
    description: 'Latitude, WGS84 degrees: the centre of a radius search, or in a bbox search the point distances are measured from (default: the box centre)',
    example: 52.3702,
    minimum: -90,
    maximum: 90,
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'latitude must be a number of degrees' })
  @Min(-90)
  @Max(90)
  latitude?: number;

  @ApiPropertyOptional({ description: 'Longitude, WGS84 degrees (see latitude)', example: 4.8952, minimum: -180, maximum: 180 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'longitude must be a number of degrees' })
  @Min(-180)
  @Max(180)
  longitude?: number;

  @ApiPropertyOptional({ description: 'Radius of a radius search, metres (at most 100 km)', example: 2000, type: 'integer', minimum: 1, maximum: 100000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'radius_m must be a whole number of metres' })
  @Min(1)
  @Max(100000)
  radius_m?: number;

  @ApiPropertyOptional({
    description: 'Bounding box of the map view: west,south,east,north in WGS84 degrees (longitude, latitude, longitude, latitude); west > east crosses the antimeridian',
    example: '4.85,52.35,4.95,52.40',
  })
  @IsOptional()
  @Matches(BBOX, { message: 'bbox must be west,south,east,north in degrees, e.g. 4.85,52.35,4.95,52.40' })
  bbox?: string;

  /** This DTO for a plainly valid query without the ValidationPipe, or null (see query-fast-path.ts). */
  static fastParse(query: unknown): LocationSearchQueryDto | null {
    return fastParseQuery(LocationSearchQueryDto, FIELDS, query);
  }
}

const FIELDS: Record<string, FastField> = {
  ...SEARCH_FILTER_FIELDS,
  latitude: { kind: 'number', min: -90, max: 90 },
  longitude: { kind: 'number', min: -180, max: 180 },
  radius_m: { kind: 'integer', min: 1, max: 100000 },
  bbox: { kind: 'pattern', pattern: BBOX },
};
