import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CAPABILITIES, CONNECTOR_TYPES, PARKING_TYPES, POWER_TYPES } from '../../ocpi/wire/location-enums';
import { notOneOf, toBoolean, toList } from './query-transforms';

/** Filters, paging and language shared by every chargers search endpoint. Lists: comma-separated or repeated. */
export class SearchFiltersDto {
  @ApiPropertyOptional({
    description: 'Connector standards (ConnectorType, mod_locations 2.2.1 §8.4.5), any of; comma-separated or repeated',
    isArray: true,
    enum: CONNECTOR_TYPES,
  })
  @IsOptional()
  @Transform(toList)
  @IsIn(CONNECTOR_TYPES, { each: true, message: notOneOf(CONNECTOR_TYPES, 'an OCPI ConnectorType') })
  connector_standard?: string[];

  @ApiPropertyOptional({ description: 'Power types (PowerType §8.4.19), any of; comma-separated or repeated', isArray: true, enum: POWER_TYPES })
  @IsOptional()
  @Transform(toList)
  @IsIn(POWER_TYPES, { each: true, message: notOneOf(POWER_TYPES, 'an OCPI PowerType') })
  power_type?: string[];

  @ApiPropertyOptional({ description: 'Minimum power of a connector, kW (declared max_electric_power, else voltage × amperage × phases)', example: 50, minimum: 0, maximum: 10000 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'min_power_kw must be a number of kW, e.g. 50' })
  @Min(0)
  @Max(10000)
  min_power_kw?: number;

  @ApiPropertyOptional({ description: 'CPOs as country_code*party_id, any of; comma-separated or repeated', example: ['NL*ABC'], isArray: true, type: String })
  @IsOptional()
  @Transform(toList)
  @Matches(/^[A-Za-z]{2}\*[A-Za-z0-9]{3}$/, { each: true, message: 'party must be country_code*party_id, e.g. NL*ABC' })
  party?: string[];

  @ApiPropertyOptional({ description: 'EVSE capabilities (Capability §8.4.3), all of; comma-separated or repeated', isArray: true, enum: CAPABILITIES })
  @IsOptional()
  @Transform(toList)
  @IsIn(CAPABILITIES, { each: true, message: notOneOf(CAPABILITIES, 'an OCPI Capability') })
  capabilities?: string[];

  @ApiPropertyOptional({ description: 'Parking types (ParkingType §8.4.18), any of; comma-separated or repeated', isArray: true, enum: PARKING_TYPES })
  @IsOptional()
  @Transform(toList)
  @IsIn(PARKING_TYPES, { each: true, message: notOneOf(PARKING_TYPES, 'an OCPI ParkingType') })
  parking_type?: string[];

  @ApiPropertyOptional({ description: 'Only Locations whose opening_times say twentyfourseven', default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'open_24_7 must be true or false' })
  open_24_7: boolean = false;

  @ApiPropertyOptional({
    description:
      'Only Locations with an EVSE free now: status AVAILABLE at a Location open now by its opening_times in its own time zone (and matching the EVSE filters); like the other EVSE filters it narrows the EVSEs each result lists and counts to the free ones',
    default: false,
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'available_now must be true or false' })
  available_now: boolean = false;

  @ApiPropertyOptional({ description: 'Results per page', default: 20, type: 'integer', minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({
    description: 'Also list every EVSE with its connectors, status age and why it is not free (default: false on /api/v1/locations, true on /api/v1/chargers/nearby)',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'evses must be true or false' })
  evses?: boolean;

  @ApiPropertyOptional({ description: 'meta.next_cursor of the previous page (same other parameters)', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({
    description: 'Language of display texts and price lines (BCP 47); fallback: exact tag, same primary language, en, first given',
    default: 'en',
    example: 'nl',
  })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, { message: 'lang must be a language tag such as en, nl or de-CH' })
  lang: string = 'en';
}
