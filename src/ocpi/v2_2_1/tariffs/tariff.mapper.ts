import { CanonicalTariff, DayOfWeek, Price, TariffElement, TariffRestrictions } from '../../../tariffs/tariff.model';
import { MappingResult, readIdentity } from '../../core/mapping-result';
import { toDecimalString } from '../../core/ocpi-number';
import { toUtcIso } from '../../core/ocpi-datetime';
import { validateWireObject } from '../../core/wire-validation';
import { PriceDto, TariffDto, TariffElementDto, TariffRestrictionsDto } from './tariff.dto';

/**
 * Maps an OCPI 2.2.1 Tariff (mod_tariffs 2.2.1 §4.3.1) to the canonical Tariff; numbers become decimal
 * strings. Rejects, with every reason, an object that lacks a required field or has no elements. Never throws.
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
      min_price: mapPrice(dto.min_price),
      max_price: mapPrice(dto.max_price),
      elements: dto.elements.map(mapElement),
      start_date_time: dto.start_date_time ? toUtcIso(dto.start_date_time) : null,
      end_date_time: dto.end_date_time ? toUtcIso(dto.end_date_time) : null,
      energy_mix: dto.energy_mix ?? null,
      last_updated: toUtcIso(dto.last_updated),
    },
  };
}

function mapPrice(dto: PriceDto | undefined): Price | null {
  if (!dto) return null;
  return { excl_vat: toDecimalString(dto.excl_vat)!, incl_vat: dto.incl_vat === undefined ? null : toDecimalString(dto.incl_vat) };
}

function mapElement(dto: TariffElementDto): TariffElement {
  return {
    price_components: dto.price_components.map((pc) => ({
      type: pc.type,
      price: toDecimalString(pc.price)!,
      vat: pc.vat === undefined || pc.vat === null ? null : toDecimalString(pc.vat),
      step_size: pc.step_size,
    })),
    restrictions: dto.restrictions ? mapRestrictions(dto.restrictions) : null,
  };
}

function mapRestrictions(dto: TariffRestrictionsDto): TariffRestrictions {
  const decimal = (v: number | string | undefined) => (v === undefined ? null : toDecimalString(v));
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
    day_of_week: (dto.day_of_week as DayOfWeek[] | undefined) ?? null,
    reservation: (dto.reservation as TariffRestrictions['reservation']) ?? null,
  };
}
