// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsDateString, IsDefined, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsCurrencyCode, IsOcpiId, IsOcpiMeasurement, IsOcpiQuantity, IsWireObject } from '../../wire/field-rules.decorators';
import { IsOcpiNumber } from '../../wire/is-ocpi-number.decorator';
import { PriceDto } from '../tariffs/tariff.dto';

// OCPI 2.2.1 CDR on the wire (mod_cdrs 2.2.1 §CDR object, §CdrToken class, §CdrLocation class, §ChargingPeriod class,
// §CdrDimension class). Enum fields (AuthMethod, TokenType, CdrDimensionType, ConnectorType …) are read as strings and
// kept. `tariffs` is checked by the Tariff mapper of the version, `signed_data` is kept as sent.
// Field rules beyond the shape: identifiers and references typed CiString are printable ASCII of their length
// (types §CiString); quantities are not negative; free text (types §string: address, remark …) is kept as sent, its
// length included, since refusing a CDR for a long street name would lose an invoice line over nothing finance needs.

/**
 * CdrDimensionTypes whose volume may be negative (mod_cdrs 2.2.1 §CdrDimensionType: "When negative, …" energy or
 * current flowed from the EV to the grid); every other type (TIME, PARKING_TIME, RESERVATION_TIME, ENERGY_IMPORT /
 * EXPORT, MAX_*, STATE_OF_CHARGE, FLAT) measures an amount that cannot be, and so does a type no version defines.
 */
export const SIGNED_DIMENSIONS: ReadonlySet<string> = new Set(['CURRENT', 'ENERGY', 'MIN_CURRENT', 'MIN_POWER', 'POWER']);

export class CdrDimensionDto {
  @IsString() type: string;
  @IsOcpiMeasurement((d) => SIGNED_DIMENSIONS.has((d as CdrDimensionDto).type)) volume: number | string;
}

export class ChargingPeriodDto {
  @IsDateString() start_date_time: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => CdrDimensionDto) dimensions: CdrDimensionDto[];
  @IsOptional() @IsOcpiId({ max: 36 }) tariff_id?: string;
}

export class CdrTokenDto {
  @IsOcpiId({ min: 2, max: 2 }) country_code: string;
  @IsOcpiId({ max: 3 }) party_id: string;
  @IsOcpiId({ max: 36 }) uid: string;
  @IsString() type: string;
  @IsOcpiId({ max: 36 }) contract_id: string;
}

export class GeoLocationDto {
  @IsOcpiNumber() latitude: string | number;
  @IsOcpiNumber() longitude: string | number;
}

export class CdrLocationDto {
  @IsOcpiId({ max: 36 }) id: string;
  @IsOptional() @IsString() name?: string;
  @IsString() address: string;
  @IsString() city: string;
  @IsOptional() @IsString() postal_code?: string;
  @IsOptional() @IsString() state?: string;
  @IsString() country: string;
  @ValidateNested() @IsDefined() @Type(() => GeoLocationDto) coordinates: GeoLocationDto;
  /** Required by the spec; tolerated when absent (the mapper derives it from evse_id through our Location, see cdr.mapper.ts). */
  @IsOptional() @IsOcpiId({ max: 36 }) evse_uid?: string;
  @IsOcpiId({ max: 48 }) evse_id: string;
  @IsOcpiId({ max: 36 }) connector_id: string;
  @IsString() connector_standard: string;
  @IsString() connector_format: string;
  @IsString() connector_power_type: string;
}

/**
 * The CDR's fields but its costs, which are the Price class of the version (2.2.1 here, 2.3.0 in v2_3_0). `id` is
 * CiString(39) for a credit CDR and 36 otherwise (§CDR object), which the mapper checks, knowing `credit`.
 */
export class CdrCommonDto {
  @IsOcpiId({ min: 2, max: 2 }) country_code: string;
  @IsOcpiId({ max: 3 }) party_id: string;
  @IsOcpiId({ max: 39 }) id: string;
  @IsDateString() start_date_time: string;
  @IsDateString() end_date_time: string;
  @IsOptional() @IsOcpiId({ max: 36 }) session_id?: string;
  @ValidateNested() @IsDefined() @Type(() => CdrTokenDto) cdr_token: CdrTokenDto;
  @IsString() auth_method: string;
  @IsOptional() @IsOcpiId({ max: 36 }) authorization_reference?: string;
  @ValidateNested() @IsDefined() @Type(() => CdrLocationDto) cdr_location: CdrLocationDto;
  @IsOptional() @IsString() meter_id?: string;
  @IsCurrencyCode() currency: string;
  @IsOptional() @IsArray() tariffs?: unknown[];
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ChargingPeriodDto) charging_periods: ChargingPeriodDto[];
  @IsOptional() @IsObject() signed_data?: Record<string, unknown>;
  @IsOcpiQuantity() total_energy: number | string;
  @IsOcpiQuantity() total_time: number | string;
  @IsOptional() @IsOcpiQuantity() total_parking_time?: number | string;
  @IsOptional() @IsString() @MaxLength(255) remark?: string;
  @IsOptional() @IsOcpiId({ max: 39 }) invoice_reference_id?: string;
  @IsOptional() @IsBoolean() credit?: boolean;
  @IsOptional() @IsOcpiId({ max: 39 }) credit_reference_id?: string;
  @IsOptional() @IsBoolean() home_charging_compensation?: boolean;
  @IsDateString() last_updated: string;
}

/** What a Price field that is not an object is told (types 2.2.1 / 2.3.0 §Price class). */
export const PRICE = 'a Price object';

export class CdrDto extends CdrCommonDto {
  @IsWireObject(PRICE) @ValidateNested() @IsDefined() @Type(() => PriceDto) total_cost: PriceDto;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto) total_fixed_cost?: PriceDto;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto) total_energy_cost?: PriceDto;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto) total_time_cost?: PriceDto;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto) total_parking_cost?: PriceDto;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto) total_reservation_cost?: PriceDto;
}
