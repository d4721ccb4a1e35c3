// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDefined, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { IsOcpiDateTime } from '../../wire/is-ocpi-datetime.decorator';
import { IsOcpiNumber } from '../../wire/is-ocpi-number.decorator';
import { CdrDimensionDto, CdrTokenDto } from '../cdrs/cdr.dto';
import { PriceDto } from '../tariffs/tariff.dto';

/**
 * OCPI 2.2.1 Session on the wire (mod_sessions 2.2.1 §Session object; its ChargingPeriod, CdrDimension and CdrToken
 * are mod_cdrs 2.2.1's classes). DateTimes are read in every shape readOcpiDateTime knows, so that one that cannot be
 * read is refused naming its field. Enum fields (SessionStatus, AuthMethod, CdrDimensionType …) are read as strings;
 * the mapper decides what an unknown status means.
 */
export class SessionChargingPeriodDto {
  @IsOcpiDateTime() start_date_time: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => CdrDimensionDto) dimensions: CdrDimensionDto[];
  @IsOptional() @IsString() @MaxLength(36) tariff_id?: string;
}

/** The Session's fields but total_cost, which is the Price class of the version (2.2.1 here, 2.3.0 in v2_3_0). */
export class SessionCommonDto {
  @IsString() @Length(2, 2) country_code: string;
  @IsString() @Length(1, 3) party_id: string;
  @IsString() @MaxLength(36) id: string;
  @IsOcpiDateTime() start_date_time: string;
  @IsOptional() @IsOcpiDateTime() end_date_time?: string;
  @IsOcpiNumber() kwh: number | string;
  @ValidateNested() @IsDefined() @Type(() => CdrTokenDto) cdr_token: CdrTokenDto;
  @IsString() auth_method: string;
  @IsOptional() @IsString() @MaxLength(36) authorization_reference?: string;
  @IsString() @MaxLength(36) location_id: string;
  @IsString() @MaxLength(36) evse_uid: string;
  @IsString() @MaxLength(36) connector_id: string;
  @IsOptional() @IsString() @MaxLength(255) meter_id?: string;
  @IsString() @Length(3, 3) currency: string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => SessionChargingPeriodDto) charging_periods?: SessionChargingPeriodDto[];
  @IsString() status: string;
  @IsOcpiDateTime() last_updated: string;
}

export class SessionDto extends SessionCommonDto {
  @IsOptional() @ValidateNested() @Type(() => PriceDto) total_cost?: PriceDto;
}
