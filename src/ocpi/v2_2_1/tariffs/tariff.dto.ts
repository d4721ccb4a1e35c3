// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDateString, IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { IsOcpiId } from '../../wire/field-rules.decorators';
import { IsOcpiNumber } from '../../wire/is-ocpi-number.decorator';

/**
 * OCPI 2.2.1 Tariff as it arrives on the wire (mod_tariffs 2.2.1 §Tariff object, §TariffElement, §PriceComponent,
 * §TariffRestrictions). Enum fields are read as strings: a value a later version or a CPO extension adds (e.g. a
 * PriceComponent type "CARBON_OFFSET") is kept, and the pricing engine says it cannot price it.
 */
export class PriceComponentDto {
  @IsString() type: string;
  @IsOcpiNumber() price: number | string;
  @IsOptional() @IsOcpiNumber() vat?: number | string;
  @Type(() => Number) @IsInt() @Min(0) step_size: number;
}

export class TariffRestrictionsDto {
  @IsOptional() @IsString() start_time?: string;
  @IsOptional() @IsString() end_time?: string;
  @IsOptional() @IsString() start_date?: string;
  @IsOptional() @IsString() end_date?: string;
  @IsOptional() @IsOcpiNumber() min_kwh?: number | string;
  @IsOptional() @IsOcpiNumber() max_kwh?: number | string;
  @IsOptional() @IsOcpiNumber() min_current?: number | string;
  @IsOptional() @IsOcpiNumber() max_current?: number | string;
  @IsOptional() @IsOcpiNumber() min_power?: number | string;
  @IsOptional() @IsOcpiNumber() max_power?: number | string;
  @IsOptional() @Type(() => Number) @IsInt() min_duration?: number;
  @IsOptional() @Type(() => Number) @IsInt() max_duration?: number;
  @IsOptional() @IsArray() @IsString({ each: true }) day_of_week?: string[];
  @IsOptional() @IsString() reservation?: string;
}

export class TariffElementDto {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PriceComponentDto)
  price_components: PriceComponentDto[];
  @IsOptional() @ValidateNested() @Type(() => TariffRestrictionsDto) restrictions?: TariffRestrictionsDto;
}

export class PriceDto {
  @IsOcpiNumber() excl_vat: number | string;
  @IsOptional() @IsOcpiNumber() incl_vat?: number | string;
}

export class TariffDto {
  @IsOcpiId({ min: 2, max: 2 }) country_code: string;
  @IsOcpiId({ max: 3 }) party_id: string;
  @IsOcpiId({ max: 36 }) id: string;
  @IsString() @Length(3, 3) currency: string;
  @IsOptional() @IsString() type?: string;
  @IsOptional() @IsArray() tariff_alt_text?: Array<{ language: string; text: string }>;
  @IsOptional() @IsString() tariff_alt_url?: string;
  @IsOptional() @ValidateNested() @Type(() => PriceDto) min_price?: PriceDto;
  @IsOptional() @ValidateNested() @Type(() => PriceDto) max_price?: PriceDto;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => TariffElementDto) elements: TariffElementDto[];
  @IsOptional() @IsDateString() start_date_time?: string;
  @IsOptional() @IsDateString() end_date_time?: string;
  @IsOptional() energy_mix?: Record<string, unknown>;
  @IsDateString() last_updated: string;
}
