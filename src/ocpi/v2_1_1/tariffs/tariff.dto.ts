// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDateString, IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { IsOcpiId } from '../../wire/field-rules.decorators';
import { IsOcpiNumber } from '../../wire/is-ocpi-number.decorator';

/**
 * OCPI 2.1.1 Tariff on the wire (mod_tariffs 2.1.1 §3.1 Tariff object, §4.2 PriceComponent, §4.3 TariffElement,
 * §4.5 TariffRestrictions). No country_code / party_id, type, min/max_price, start/end_date_time; no `vat` on
 * PriceComponent; no min/max_current or reservation restriction. Enum fields are read as strings and kept.
 */
export class PriceComponentDto211 {
  @IsString() type: string;
  @IsOcpiNumber() price: number | string;
  /** Not a 2.1.1 field (added in 2.2); read when a CPO sends it, as its meaning is clear. */
  @IsOptional() @IsOcpiNumber() vat?: number | string;
  @Type(() => Number) @IsInt() @Min(0) step_size: number;
}

export class TariffRestrictionsDto211 {
  @IsOptional() @IsString() start_time?: string;
  @IsOptional() @IsString() end_time?: string;
  @IsOptional() @IsString() start_date?: string;
  @IsOptional() @IsString() end_date?: string;
  @IsOptional() @IsOcpiNumber() min_kwh?: number | string;
  @IsOptional() @IsOcpiNumber() max_kwh?: number | string;
  @IsOptional() @IsOcpiNumber() min_power?: number | string;
  @IsOptional() @IsOcpiNumber() max_power?: number | string;
  @IsOptional() @Type(() => Number) @IsInt() min_duration?: number;
  @IsOptional() @Type(() => Number) @IsInt() max_duration?: number;
  @IsOptional() @IsArray() @IsString({ each: true }) day_of_week?: string[];
  /** Not 2.1.1 fields (added in 2.2); read when a CPO sends them, as their meaning is clear. */
  @IsOptional() @IsOcpiNumber() min_current?: number | string;
  @IsOptional() @IsOcpiNumber() max_current?: number | string;
  @IsOptional() @IsString() reservation?: string;
}

export class TariffElementDto211 {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PriceComponentDto211)
  price_components: PriceComponentDto211[];
  @IsOptional() @ValidateNested() @Type(() => TariffRestrictionsDto211) restrictions?: TariffRestrictionsDto211;
}

export class TariffDto211 {
  /** Not 2.1.1 fields; read when a CPO sends them anyway, as the owner of the tariff. */
  @IsOptional() @IsOcpiId({ min: 2, max: 2 }) country_code?: string;
  @IsOptional() @IsOcpiId({ max: 3 }) party_id?: string;
  @IsOcpiId({ max: 36 }) id: string;
  @IsString() @Length(3, 3) currency: string;
  @IsOptional() @IsArray() tariff_alt_text?: Array<{ language: string; text: string }>;
  @IsOptional() @IsString() tariff_alt_url?: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => TariffElementDto211) elements: TariffElementDto211[];
  @IsOptional() energy_mix?: Record<string, unknown>;
  @IsDateString() last_updated: string;
}
