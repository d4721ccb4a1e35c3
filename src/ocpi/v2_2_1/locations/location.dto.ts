import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsDateString, IsDefined, IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { IsOcpiId, IsWireObject } from '../../wire/field-rules.decorators';

/**
 * OCPI 2.2.1 Location, EVSE and Connector as they arrive on the wire (mod_locations 2.2.1 §8.3.1–8.3.3).
 * Required fields and types are checked; enum fields are read as strings so that a value added by a later
 * version or a CPO extension is kept rather than rejected (the canonical model carries it as sent).
 * Coordinates are checked as decimal strings in range; the spec's stricter 5–7 decimals pattern is bent by
 * many CPOs and does not change the meaning, so it is not enforced. Identifiers (country_code, party_id, id, uid) are
 * CiString: printable ASCII of their length, not blank (types 2.2.1 §CiString).
 */
/** What an operator, suboperator or owner that is not an object is told (types 2.2.1 / 2.3.0 §BusinessDetails class). */
export const BUSINESS_DETAILS = 'a BusinessDetails object';

export class GeoLocationDto {
  @Matches(/^-?\d{1,2}(\.\d+)?$/, { message: 'latitude must be a decimal string' })
  latitude: string;

  @Matches(/^-?\d{1,3}(\.\d+)?$/, { message: 'longitude must be a decimal string' })
  longitude: string;
}

export class ConnectorDto {
  @IsOcpiId({ max: 36 }) id: string;
  @IsString() standard: string;
  @IsString() format: string;
  @IsString() power_type: string;
  @Type(() => Number) @IsInt() @Min(0) max_voltage: number;
  @Type(() => Number) @IsInt() @Min(0) max_amperage: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) max_electric_power?: number;
  @IsOptional() @IsArray() @IsString({ each: true }) tariff_ids?: string[];
  @IsOptional() @IsString() terms_and_conditions?: string;
  @IsDateString() last_updated: string;
}

export class EvseDto {
  @IsOcpiId({ max: 36 }) uid: string;
  @IsOptional() @IsString() evse_id?: string;
  @IsString() status: string;
  @IsOptional() @IsArray() @IsString({ each: true }) capabilities?: string[];
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ConnectorDto) connectors: ConnectorDto[];
  @IsOptional() @IsString() floor_level?: string;
  @IsOptional() @ValidateNested() @Type(() => GeoLocationDto) coordinates?: GeoLocationDto;
  @IsOptional() @IsString() physical_reference?: string;
  @IsOptional() @IsArray() directions?: Array<{ language: string; text: string }>;
  @IsOptional() @IsArray() @IsString({ each: true }) parking_restrictions?: string[];
  @IsOptional() @IsArray() images?: unknown[];
  @IsDateString() last_updated: string;
}

export class LocationDto {
  @IsOcpiId({ min: 2, max: 2 }) country_code: string;
  @IsOcpiId({ max: 3 }) party_id: string;
  @IsOcpiId({ max: 36 }) id: string;
  @IsBoolean() publish: boolean;
  @IsOptional() @IsString() name?: string;
  @IsString() address: string;
  @IsString() city: string;
  @IsOptional() @IsString() postal_code?: string;
  @IsOptional() @IsString() state?: string;
  @IsString() @Length(3, 3) country: string;
  @IsDefined() @ValidateNested() @Type(() => GeoLocationDto) coordinates: GeoLocationDto;
  @IsOptional() @IsString() parking_type?: string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => EvseDto) evses?: EvseDto[];
  @IsOptional() @IsArray() directions?: Array<{ language: string; text: string }>;
  @IsOptional() @IsWireObject(BUSINESS_DETAILS) operator?: Record<string, unknown>;
  @IsOptional() @IsWireObject(BUSINESS_DETAILS) suboperator?: Record<string, unknown>;
  @IsOptional() @IsWireObject(BUSINESS_DETAILS) owner?: Record<string, unknown>;
  @IsOptional() @IsArray() @IsString({ each: true }) facilities?: string[];
  @IsString() time_zone: string;
  @IsOptional() opening_times?: {
    twentyfourseven: boolean;
    regular_hours?: Array<{ weekday: number; period_begin: string; period_end: string }>;
    exceptional_openings?: Array<{ period_begin: string; period_end: string }>;
    exceptional_closings?: Array<{ period_begin: string; period_end: string }>;
  };
  @IsOptional() @IsBoolean() charging_when_closed?: boolean;
  @IsOptional() @IsArray() images?: unknown[];
  @IsOptional() energy_mix?: Record<string, unknown>;
  @IsDateString() last_updated: string;
}

/** Latitude/longitude range check that the decimal-string patterns above cannot express. */
export function coordinatesInRange(c: GeoLocationDto): boolean {
  const lat = Number(c.latitude);
  const lon = Number(c.longitude);
  return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}
