import { CanonicalTariff, PriceComponent, PriceLimit, TariffElement, TariffRestrictions } from '../../../tariffs/tariff.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { toUtcIso } from '../../wire/ocpi-datetime';
import { validateWireObject } from '../../wire/wire-validation';
import { PriceComponentDto, PriceDto, TariffDto, TariffElementDto, TariffRestrictionsDto } from './tariff.dto';

/**
 * Maps an OCPI 2.2.1 Tariff (mod_tariffs 2.2.1 §Tariff object) to the canonical Tariff; numbers become decimal
 * strings. Prices are excl. VAT and an omitted `vat` means "no VAT is applicable" (§PriceComponent class), so
 * `tax_included` is 'NO' and `omitted_vat` 'NO_VAT'. Rejects, with every reason, an object that lacks a required
 * field or has no elements. Never throws.
 */
export function mapTariff221(raw: unknown): MappingResult<CanonicalTariff> {
  const checked = validateWireObject(TariffDto, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  const dto = checked.value;
  return {
    ok: true,
    value: {
      country_code: dto.country_code.toUpperCase(),
      party_id: dto.party_id.toUpperCase(),
      id: dto.id,
      currency: dto.currency.toUpperCase(),
      type: dto.type ?? null,
      tariff_alt_text: dto.tariff_alt_text ?? [],
      tariff_alt_url: dto.tariff_alt_url ?? null,
      tax_included: 'NO',
      omitted_vat: 'NO_VAT',
      min_price: mapPrice(dto.min_price),
      max_price: mapPrice(dto.max_price),
      elements: dto.elements.map(mapTariffElement221),
      start_date_time: dto.start_date_time ? toUtcIso(dto.start_date_time) : null,
      end_date_time: dto.end_date_time ? toUtcIso(dto.end_date_time) : null,
      energy_mix: dto.energy_mix ?? null,
      last_updated: toUtcIso(dto.last_updated),
    },
  };
}

function mapPrice(dto: PriceDto | undefined): PriceLimit | null {
  if (!dto) return null;
  return { before_taxes: toDecimalString(dto.excl_vat)!, after_taxes: dto.incl_vat === undefined || dto.incl_vat === null ? null : toDecimalString(dto.incl_vat) };
}

/** TariffElement of 2.2.1 (also the shape of 2.3.0) to the canonical element. */
export function mapTariffElement221(dto: TariffElementDto): TariffElement {
  return {
    price_components: dto.price_components.map(mapPriceComponent221),
    restrictions: dto.restrictions ? mapRestrictions221(dto.restrictions) : null,
  };
}

function mapPriceComponent221(pc: PriceComponentDto): PriceComponent {
  return {
    type: pc.type,
    price: toDecimalString(pc.price)!,
    vat: pc.vat === undefined || pc.vat === null ? null : toDecimalString(pc.vat),
    step_size: pc.step_size,
  };
}

function mapRestrictions221(dto: TariffRestrictionsDto): TariffRestrictions {
  const decimal = (v: number | string | undefined) => (v === undefined || v === null ? null : toDecimalString(v));
  return {
    start_time: dto.start_time ?? null,
    end_time: dto.end_time ?? null,
    start_date: dto.start_date ?? null,
    end_date: dto.end_date ?? null,
    min_kwh: decimal(dto.min_kwh),
    max_kwh: decimal(dto.max_kwh),
    min_current: decimal(dto.min_current),
    max_current: decimal(dto.max_current),
    min_power: decimal(dto.min_power),
    max_power: decimal(dto.max_power),
    min_duration: dto.min_duration ?? null,
    max_duration: dto.max_duration ?? null,
    day_of_week: dto.day_of_week ?? null,
    reservation: dto.reservation ?? null,
  };
}
