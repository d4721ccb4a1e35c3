// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDateString, IsDefined, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsCurrencyCode, IsOcpiId, IsOcpiQuantity } from '../../wire/field-rules.decorators';
import { IsOcpiNumber } from '../../wire/is-ocpi-number.decorator';
import { ChargingPeriodDto, GeoLocationDto } from '../../v2_2_1/cdrs/cdr.dto';

/**
 * OCPI 2.1.1 CDR on the wire (mod_cdrs 2.1.1 §3.1 CDR object, §4.2 CdrDimension, §4.4 ChargingPeriod). Its `location`
 * is a Location object (mod_locations 2.1.1 §3.1) "including only the relevant EVSE and Connector": only what a CDR
 * needs of it is checked here (id, address, city, country, coordinates, the EVSE's uid, the Connector's id, standard,
 * format and power type), the rest is kept in the raw object. A 2.1.1 ChargingPeriod has no tariff_id; one sent anyway
 * is read (its meaning is 2.2's). Identifiers follow types 2.1.1 §CiString / §string: printable ASCII ("" and blanks
 * refused); quantities are not negative; the amount rules of total_cost are the mapper's.
 */
export class CdrConnectorDto211 {
  @IsOcpiId({ max: 36 }) id: string;
  @IsString() standard: string;
  @IsString() format: string;
  @IsString() power_type: string;
  @IsOptional() @IsOcpiId({ max: 36 }) tariff_id?: string;
}

export class CdrEvseDto211 {
  @IsOcpiId({ max: 39 }) uid: string;
  @IsOptional() @IsOcpiId({ max: 48 }) evse_id?: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => CdrConnectorDto211) connectors: CdrConnectorDto211[];
}

export class CdrLocationDto211 {
  @IsOcpiId({ max: 39 }) id: string;
  @IsOptional() @IsString() name?: string;
  @IsString() address: string;
  @IsString() city: string;
  @IsOptional() @IsString() postal_code?: string;
  @IsString() country: string;
  @ValidateNested() @IsDefined() @Type(() => GeoLocationDto) coordinates: GeoLocationDto;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => CdrEvseDto211) evses: CdrEvseDto211[];
  @IsOptional() @IsString() time_zone?: string;
}

export class CdrDto211 {
  @IsOptional() @IsOcpiId({ min: 2, max: 2 }) country_code?: string;
  @IsOptional() @IsOcpiId({ max: 3 }) party_id?: string;
  @IsOcpiId({ max: 36 }) id: string;
  @IsDateString() start_date_time: string;
  @IsDateString() stop_date_time: string;
  @IsOcpiId({ max: 36 }) auth_id: string;
  @IsString() auth_method: string;
  @ValidateNested() @IsDefined() @Type(() => CdrLocationDto211) location: CdrLocationDto211;
  @IsOptional() @IsString() meter_id?: string;
  @IsCurrencyCode() currency: string;
  @IsOptional() @IsArray() tariffs?: unknown[];
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ChargingPeriodDto) charging_periods: ChargingPeriodDto[];
  @IsOcpiNumber() total_cost: number | string;
  @IsOcpiQuantity() total_energy: number | string;
  @IsOcpiQuantity() total_time: number | string;
  @IsOptional() @IsOcpiQuantity() total_parking_time?: number | string;
  @IsOptional() @IsString() @MaxLength(255) remark?: string;
  @IsDateString() last_updated: string;
}
