import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

/** Query of GET /api/v1/chargers/nearby. */
export class NearbyQueryDto {
  @ApiProperty({ description: 'Latitude of the centre, WGS84 degrees', example: 52.3702 })
  @Type(() => Number) @IsNumber() @Min(-90) @Max(90)
  latitude: number;

  @ApiProperty({ description: 'Longitude of the centre, WGS84 degrees', example: 4.8952 })
  @Type(() => Number) @IsNumber() @Min(-180) @Max(180)
  longitude: number;

  @ApiProperty({ description: 'Search radius in metres (max 100 km)', example: 2000 })
  @Type(() => Number) @IsInt() @Min(1) @Max(100000)
  radius_m: number;

  @ApiPropertyOptional({ description: 'Only Locations open now (their own time zone) with an AVAILABLE EVSE', default: false })
  @IsOptional() @Transform(({ value }) => value === true || value === 'true' || value === '1') @IsBoolean()
  available_now: boolean = false;

  @ApiPropertyOptional({ description: 'Most results to return', default: 20, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 20;
}
