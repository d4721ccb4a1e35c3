import { CanonicalTariff, TariffElement } from '../../../tariffs/tariff.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { toUtcIso } from '../../wire/ocpi-datetime';
import { validateWireObject } from '../../wire/wire-validation';
import { OwningParty, owningParty } from '../owning-party';
import { TariffDto211, TariffElementDto211 } from './tariff.dto';

/** Fields of later versions that change a price; a 2.1.1 CPO that sends them is told they were not used. */
const LATER_PRICE_FIELDS = ['min_price', 'max_price', 'start_date_time', 'end_date_time', 'type', 'tax_included'];

/**
 * Maps an OCPI 2.1.1 Tariff (mod_tariffs 2.1.1 §3.1) to the canonical Tariff.
 *
 * 2.1.1 prices are "excluding VAT" and the VAT is never told (§4.2 PriceComponent has no `vat`): `tax_included`
 * 'NO', `omitted_vat` 'UNKNOWN', so prices computed from it have no after-tax amount. There is no type, min/max
 * price or validity window (null). Tolerated, and said in `notes`: 2.2 fields with one clear meaning for pricing
 * (PriceComponent.vat, min/max_current and reservation restrictions) are read; other later fields are not used.
 *
 * @param owner the party of the connection (from the 2.1.1 credentials); wins over a country_code / party_id the
 *              object may carry. Without either, the object is rejected: it cannot be filed against a party.
 * @returns the canonical Tariff, or the reasons it was rejected. Never throws.
 */
export function mapTariff211(raw: unknown, owner?: OwningParty): MappingResult<CanonicalTariff> {
  const checked = validateWireObject(TariffDto211, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  const dto = checked.value;
  const party = owningParty('Tariff', owner, dto);
  if ('reason' in party) return { ok: false, reason: party.reason, identity: readIdentity(raw) };
  const { country_code: countryCode, party_id: partyId } = party;
  const notes = ignoredFields(raw as Record<string, unknown>);
  if (owner && dto.country_code && dto.party_id && `${dto.country_code}*${dto.party_id}`.toUpperCase() !== `${owner.country_code}*${owner.party_id}`.toUpperCase()) {
    notes.push(`the object names party ${dto.country_code}*${dto.party_id}; filed under the connection's party ${owner.country_code}*${owner.party_id}`);
  }
  return {
    ok: true,
    value: {
      country_code: countryCode.toUpperCase(),
      party_id: partyId.toUpperCase(),
      id: dto.id,
      currency: dto.currency.toUpperCase(),
      type: null,
      tariff_alt_text: dto.tariff_alt_text ?? [],
      tariff_alt_url: dto.tariff_alt_url ?? null,
      tax_included: 'NO',
      omitted_vat: 'UNKNOWN',
      min_price: null,
      max_price: null,
      elements: dto.elements.map(mapElement),
      start_date_time: null,
      end_date_time: null,
      energy_mix: dto.energy_mix ?? null,
      last_updated: toUtcIso(dto.last_updated),
      ...(notes.length > 0 ? { notes } : {}),
    },
  };
}

function mapElement(dto: TariffElementDto211): TariffElement {
  const decimal = (v: number | string | undefined) => (v === undefined || v === null ? null : toDecimalString(v));
  const r = dto.restrictions;
  return {
    price_components: dto.price_components.map((pc) => ({ type: pc.type, price: toDecimalString(pc.price)!, vat: decimal(pc.vat), step_size: pc.step_size })),
    restrictions: r
      ? {
          start_time: r.start_time ?? null,
          end_time: r.end_time ?? null,
          start_date: r.start_date ?? null,
          end_date: r.end_date ?? null,
          min_kwh: decimal(r.min_kwh),
          max_kwh: decimal(r.max_kwh),
          min_power: decimal(r.min_power),
          max_power: decimal(r.max_power),
          min_duration: r.min_duration ?? null,
          max_duration: r.max_duration ?? null,
          day_of_week: r.day_of_week ?? null,
          ...(r.min_current !== undefined ? { min_current: decimal(r.min_current) } : {}),
          ...(r.max_current !== undefined ? { max_current: decimal(r.max_current) } : {}),
          ...(r.reservation !== undefined ? { reservation: r.reservation } : {}),
        }
      : null,
  };
}

function ignoredFields(raw: Record<string, unknown>): string[] {
  const present = LATER_PRICE_FIELDS.filter((f) => raw[f] !== undefined && raw[f] !== null);
  const elements = Array.isArray(raw.elements) ? (raw.elements as Array<{ price_components?: unknown; restrictions?: Record<string, unknown> } | null>) : [];
  const vat = elements.some((e) => Array.isArray(e?.price_components) && (e.price_components as Array<{ vat?: unknown } | null>).some((pc) => pc?.vat !== undefined));
  const later = elements.some((e) => e?.restrictions && ['min_current', 'max_current', 'reservation'].some((f) => e.restrictions?.[f] !== undefined));
  const notes = present.map((f) => `${f} is not a 2.1.1 field; not used`);
  if (vat) notes.push('PriceComponent.vat is not a 2.1.1 field; read anyway (where omitted, the VAT stays unknown)');
  if (later) notes.push('min_current / max_current / reservation restrictions are not 2.1.1 fields; read anyway');
  return notes;
}
