// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDateString, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { IsOcpiId } from '../../wire/field-rules.decorators';
import { IsOcpiNumber } from '../../wire/is-ocpi-number.decorator';
import { TariffElementDto } from '../../v2_2_1/tariffs/tariff.dto';

/**
 * PriceLimit (mod_tariffs 2.3.0 §PriceLimit class). The 2.2.1 names (excl_vat / incl_vat) are read too: a CPO
 * that kept them means the same thing, and the mapper says it tolerated them.
 */
export class PriceLimitDto {
  @IsOptional() @IsOcpiNumber() before_taxes?: number | string;
  @IsOptional() @IsOcpiNumber() after_taxes?: number | string;
  @IsOptional() @IsOcpiNumber() excl_vat?: number | string;
  @IsOptional() @IsOcpiNumber() incl_vat?: number | string;
}

/**
 * OCPI 2.3.0 Tariff on the wire (mod_tariffs 2.3.0 §Tariff object): the 2.2.1 object with min/max_price as
 * PriceLimit and the required `tax_included`. TariffElement, PriceComponent and TariffRestrictions are unchanged
 * from 2.2.1 (only the meaning of `price` follows `tax_included`), so their DTOs are shared.
 */
export class TariffDto230 {
  @IsOcpiId({ min: 2, max: 2 }) country_code: string;
  @IsOcpiId({ max: 3 }) party_id: string;
  @IsOcpiId({ max: 36 }) id: string;
  @IsString() @Length(3, 3) currency: string;
  @IsOptional() @IsString() type?: string;
  @IsOptional() @IsArray() tariff_alt_text?: Array<{ language: string; text: string }>;
  @IsOptional() @IsString() tariff_alt_url?: string;
  @IsOptional() @ValidateNested() @Type(() => PriceLimitDto) min_price?: PriceLimitDto;
  @IsOptional() @ValidateNested() @Type(() => PriceLimitDto) max_price?: PriceLimitDto;
  @IsOptional() @IsString() tax_included?: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => TariffElementDto) elements: TariffElementDto[];
  @IsOptional() @IsDateString() start_date_time?: string;
  @IsOptional() @IsDateString() end_date_time?: string;
  @IsOptional() energy_mix?: Record<string, unknown>;
  @IsDateString() last_updated: string;
}
