// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsDateString, IsDefined, IsObject, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { IsOcpiNumber } from '../../wire/is-ocpi-number.decorator';
import { PriceDto } from '../tariffs/tariff.dto';

/**
 * OCPI 2.2.1 CDR on the wire (mod_cdrs 2.2.1 §CDR object, §CdrToken class, §CdrLocation class, §ChargingPeriod class,
 * §CdrDimension class). Enum fields (AuthMethod, TokenType, CdrDimensionType, ConnectorType …) are read as strings and
 * kept. `tariffs` is checked by the Tariff mapper of the version, `signed_data` is kept as sent.
 */
export class CdrDimensionDto {
  @IsString() type: string;
  @IsOcpiNumber() volume: number | string;
}

export class ChargingPeriodDto {
  @IsDateString() start_date_time: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => CdrDimensionDto) dimensions: CdrDimensionDto[];
  @IsOptional() @IsString() @MaxLength(36) tariff_id?: string;
}

export class CdrTokenDto {
  @IsString() @Length(2, 2) country_code: string;
  @IsString() @Length(1, 3) party_id: string;
  @IsString() @MaxLength(36) uid: string;
  @IsString() type: string;
  @IsString() @MaxLength(36) contract_id: string;
}

export class GeoLocationDto {
  @IsOcpiNumber() latitude: string | number;
  @IsOcpiNumber() longitude: string | number;
}

export class CdrLocationDto {
  @IsString() @MaxLength(36) id: string;
  @IsOptional() @IsString() name?: string;
  @IsString() address: string;
  @IsString() city: string;
  @IsOptional() @IsString() postal_code?: string;
  @IsOptional() @IsString() state?: string;
  @IsString() country: string;
  @ValidateNested() @IsDefined() @Type(() => GeoLocationDto) coordinates: GeoLocationDto;
  @IsString() @MaxLength(36) evse_uid: string;
  @IsString() @MaxLength(48) evse_id: string;
  @IsString() @MaxLength(36) connector_id: string;
  @IsString() connector_standard: string;
  @IsString() connector_format: string;
  @IsString() connector_power_type: string;
}

/** The CDR's fields but its costs, which are the Price class of the version (2.2.1 here, 2.3.0 in v2_3_0). */
export class CdrCommonDto {
  @IsString() @Length(2, 2) country_code: string;
  @IsString() @Length(1, 3) party_id: string;
  @IsString() @MaxLength(39) id: string;
  @IsDateString() start_date_time: string;
  @IsDateString() end_date_time: string;
  @IsOptional() @IsString() @MaxLength(36) session_id?: string;
  @ValidateNested() @IsDefined() @Type(() => CdrTokenDto) cdr_token: CdrTokenDto;
  @IsString() auth_method: string;
  @IsOptional() @IsString() @MaxLength(36) authorization_reference?: string;
  @ValidateNested() @IsDefined() @Type(() => CdrLocationDto) cdr_location: CdrLocationDto;
  @IsOptional() @IsString() meter_id?: string;
  @IsString() @Length(3, 3) currency: string;
  @IsOptional() @IsArray() tariffs?: unknown[];
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ChargingPeriodDto) charging_periods: ChargingPeriodDto[];
  @IsOptional() @IsObject() signed_data?: Record<string, unknown>;
  @IsOcpiNumber() total_energy: number | string;
  @IsOcpiNumber() total_time: number | string;
  @IsOptional() @IsOcpiNumber() total_parking_time?: number | string;
  @IsOptional() @IsString() @MaxLength(255) remark?: string;
  @IsOptional() @IsString() @MaxLength(39) invoice_reference_id?: string;
  @IsOptional() @IsBoolean() credit?: boolean;
  @IsOptional() @IsString() @MaxLength(39) credit_reference_id?: string;
  @IsOptional() @IsBoolean() home_charging_compensation?: boolean;
  @IsDateString() last_updated: string;
}

export class CdrDto extends CdrCommonDto {
  @ValidateNested() @IsDefined() @Type(() => PriceDto) total_cost: PriceDto;
  @IsOptional() @ValidateNested() @Type(() => PriceDto) total_fixed_cost?: PriceDto;
  @IsOptional() @ValidateNested() @Type(() => PriceDto) total_energy_cost?: PriceDto;
  @IsOptional() @ValidateNested() @Type(() => PriceDto) total_time_cost?: PriceDto;
  @IsOptional() @ValidateNested() @Type(() => PriceDto) total_parking_cost?: PriceDto;
  @IsOptional() @ValidateNested() @Type(() => PriceDto) total_reservation_cost?: PriceDto;
}
