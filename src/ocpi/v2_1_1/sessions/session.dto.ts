// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDefined, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { IsOcpiDateTime } from '../../wire/is-ocpi-datetime.decorator';
import { IsOcpiNumber } from '../../wire/is-ocpi-number.decorator';
import { GeoLocationDto } from '../../v2_2_1/cdrs/cdr.dto';
import { SessionChargingPeriodDto } from '../../v2_2_1/sessions/session.dto';

/**
 * OCPI 2.1.1 Session on the wire (mod_sessions 2.1.1 §3.1 Session object; ChargingPeriod mod_cdrs 2.1.1 §4.4). Its
 * `location` is a Location object (mod_locations 2.1.1 §3.1) "including only the relevant EVSE and connector": only what
 * a Session needs of it is checked here (its id, the EVSE's uid, the Connector's id; the Connector's tariff_id, the
 * time_zone and coordinates when given, for pricing), the rest is kept in the raw object. A 2.1.1 ChargingPeriod has
 * no tariff_id; one sent anyway is read (its meaning is 2.2's).
 */
export class SessionConnectorDto211 {
  @IsString() @MaxLength(36) id: string;
  @IsOptional() @IsString() tariff_id?: string;
}

export class SessionEvseDto211 {
  @IsString() @MaxLength(39) uid: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => SessionConnectorDto211) connectors: SessionConnectorDto211[];
}

export class SessionLocationDto211 {
  @IsString() @MaxLength(39) id: string;
  @IsOptional() @ValidateNested() @Type(() => GeoLocationDto) coordinates?: GeoLocationDto;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => SessionEvseDto211) evses: SessionEvseDto211[];
  @IsOptional() @IsString() time_zone?: string;
}

export class SessionDto211 {
  @IsOptional() @IsString() @Length(2, 2) country_code?: string;
  @IsOptional() @IsString() @Length(1, 3) party_id?: string;
  @IsString() @MaxLength(36) id: string;
  @IsOcpiDateTime() start_datetime: string;
  @IsOptional() @IsOcpiDateTime() end_datetime?: string;
  @IsOcpiNumber() kwh: number | string;
  @IsString() @MaxLength(36) auth_id: string;
  @IsString() auth_method: string;
  @ValidateNested() @IsDefined() @Type(() => SessionLocationDto211) location: SessionLocationDto211;
  @IsOptional() @IsString() @MaxLength(255) meter_id?: string;
  @IsString() @Length(3, 3) currency: string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => SessionChargingPeriodDto) charging_periods?: SessionChargingPeriodDto[];
  @IsOptional() @IsOcpiNumber() total_cost?: number | string;
  @IsString() status: string;
  @IsOcpiDateTime() last_updated: string;
}
