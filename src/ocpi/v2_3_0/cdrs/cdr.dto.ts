// class-transformer's @Type reads decorator metadata: load the polyfill wherever these DTOs are used (also outside Nest).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsOptional, IsString, ValidateNested } from 'class-validator';
import { IsOcpiNumber } from '../../wire/is-ocpi-number.decorator';
import { IsWireObject } from '../../wire/field-rules.decorators';
import { CdrCommonDto, PRICE } from '../../v2_2_1/cdrs/cdr.dto';

/** TaxAmount (types 2.3.0 §TaxAmount class). */
export class TaxAmountDto {
  @IsString() name: string;
  @IsOptional() @IsString() account_number?: string;
  @IsOptional() @IsOcpiNumber() percentage?: number | string;
  @IsOcpiNumber() amount: number | string;
}

/**
 * Price (types 2.3.0 §Price class): before_taxes and taxes. The 2.2.1 names (excl_vat / incl_vat) are read too, and
 * the mapper says so; before_taxes (or excl_vat) is required, which the mapper checks.
 */
export class PriceDto230 {
  @IsOptional() @IsOcpiNumber() before_taxes?: number | string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => TaxAmountDto) taxes?: TaxAmountDto[];
  @IsOptional() @IsOcpiNumber() excl_vat?: number | string;
  @IsOptional() @IsOcpiNumber() incl_vat?: number | string;
}

/** OCPI 2.3.0 CDR on the wire (mod_cdrs 2.3.0 §CDR object): the 2.2.1 object with costs as the 2.3.0 Price class. */
export class CdrDto230 extends CdrCommonDto {
  @IsWireObject(PRICE) @ValidateNested() @IsDefined() @Type(() => PriceDto230) total_cost: PriceDto230;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto230) total_fixed_cost?: PriceDto230;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto230) total_energy_cost?: PriceDto230;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto230) total_time_cost?: PriceDto230;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto230) total_parking_cost?: PriceDto230;
  @IsOptional() @IsWireObject(PRICE) @ValidateNested() @Type(() => PriceDto230) total_reservation_cost?: PriceDto230;
}
