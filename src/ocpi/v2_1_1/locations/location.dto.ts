import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsDateString, IsDefined, IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { IsOcpiId, IsWireObject } from '../../wire/field-rules.decorators';
import { BUSINESS_DETAILS, GeoLocationDto } from '../../v2_2_1/locations/location.dto';

/**
 * OCPI 2.1.1 Location, EVSE and Connector on the wire (mod_locations 2.1.1 §3.1–3.3). What differs from 2.2.1:
 * no country_code / party_id / publish on the Location (the connection's party owns it), `type` (LocationType)
 * instead of parking_type, optional time_zone, ids and uids up to 39 characters, and on the Connector
 * `voltage` / `amperage` / a single `tariff_id` instead of max_voltage / max_amperage / tariff_ids.
 * Enum fields are read as strings and kept as sent, as in every version. Ids and uids are printable ASCII, not blank
 * (types 2.1.1 §string and §CiString).
 */
export class Connector211Dto {
  @IsOcpiId({ max: 36 }) id: string;
  @IsString() standard: string;
  @IsString() format: string;
  @IsString() power_type: string;
  @Type(() => Number) @IsInt() @Min(0) voltage: number;
  @Type(() => Number) @IsInt() @Min(0) amperage: number;
  @IsOptional() @IsString() tariff_id?: string;
  @IsOptional() @IsString() terms_and_conditions?: string;
  @IsDateString() last_updated: string;
}

export class Evse211Dto {
  @IsOcpiId({ max: 39 }) uid: string;
  @IsOptional() @IsString() evse_id?: string;
  @IsString() status: string;
  @IsOptional() @IsArray() @IsString({ each: true }) capabilities?: string[];
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => Connector211Dto) connectors: Connector211Dto[];
  @IsOptional() @IsString() floor_level?: string;
  @IsOptional() @ValidateNested() @Type(() => GeoLocationDto) coordinates?: GeoLocationDto;
  @IsOptional() @IsString() physical_reference?: string;
  @IsOptional() @IsArray() directions?: Array<{ language: string; text: string }>;
  @IsOptional() @IsArray() @IsString({ each: true }) parking_restrictions?: string[];
  @IsOptional() @IsArray() images?: unknown[];
  @IsDateString() last_updated: string;
}

export class Location211Dto {
  @IsOcpiId({ max: 39 }) id: string;
  /** LocationType (mod_locations 2.1.1 §4.16). */
  @IsString() type: string;
  @IsOptional() @IsString() name?: string;
  @IsString() address: string;
  @IsString() city: string;
  /** Required in 2.1.1 (2.2 made it optional). */
  @IsString() postal_code: string;
  @IsString() @Length(3, 3) country: string;
  @IsDefined() @ValidateNested() @Type(() => GeoLocationDto) coordinates: GeoLocationDto;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => Evse211Dto) evses?: Evse211Dto[];
  @IsOptional() @IsArray() directions?: Array<{ language: string; text: string }>;
  @IsOptional() @IsWireObject(BUSINESS_DETAILS) operator?: Record<string, unknown>;
  @IsOptional() @IsWireObject(BUSINESS_DETAILS) suboperator?: Record<string, unknown>;
  @IsOptional() @IsWireObject(BUSINESS_DETAILS) owner?: Record<string, unknown>;
  @IsOptional() @IsArray() @IsString({ each: true }) facilities?: string[];
  @IsOptional() @IsString() time_zone?: string;
  @IsOptional() opening_times?: {
    twentyfourseven?: boolean;
    regular_hours?: Array<{ weekday: number; period_begin: string; period_end: string }>;
    exceptional_openings?: Array<{ period_begin: string; period_end: string }>;
    exceptional_closings?: Array<{ period_begin: string; period_end: string }>;
  };
  @IsOptional() @IsBoolean() charging_when_closed?: boolean;
  @IsOptional() @IsArray() images?: unknown[];
  @IsOptional() energy_mix?: Record<string, unknown>;
  @IsDateString() last_updated: string;
}
