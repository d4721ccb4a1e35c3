import { CanonicalTariff, PriceLimit, TaxIncluded } from '../../../tariffs/tariff.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { toUtcIso } from '../../wire/ocpi-datetime';
import { validateWireObject } from '../../wire/wire-validation';
import { mapTariffElement221 } from '../../v2_2_1/tariffs/tariff.mapper';
import { PriceLimitDto, TariffDto230 } from './tariff.dto';

const TAX_INCLUDED: readonly TaxIncluded[] = ['YES', 'NO', 'N/A'];

/**
 * Maps an OCPI 2.3.0 Tariff (mod_tariffs 2.3.0 §Tariff object) to the canonical Tariff.
 *
 * - `tax_included` (§TaxIncluded enum) is kept; prices are before taxes for NO, after taxes for YES, and no taxes
 *   apply for N/A. An omitted `vat` is 'UNKNOWN' here, not "no VAT": the spec's North American examples omit it
 *   because taxes "will be added on top of those prices afterward" (NO) or are already inside them (YES).
 * - Tolerated, and said in `notes`: a missing `tax_included` (required, but absent from e.g. the tariff inside the
 *   spec's own cdr_example.json) is read as NO, the meaning 2.2.1 prices had; the value in another case ("yes");
 *   min/max_price sent with the 2.2.1 names excl_vat / incl_vat.
 * - Rejected, with every reason: a missing required field, no elements, a tax_included value with no clear meaning,
 *   a min/max_price without before_taxes. Never throws.
 */
export function mapTariff230(raw: unknown): MappingResult<CanonicalTariff> {
  const checked = validateWireObject(TariffDto230, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  const dto = checked.value;
  const notes: string[] = [];
  const problems: string[] = [];
  const taxIncluded = readTaxIncluded(dto.tax_included, notes, problems);
  const min = readPriceLimit('min_price', dto.min_price, notes, problems);
  const max = readPriceLimit('max_price', dto.max_price, notes, problems);
  if (problems.length > 0) return { ok: false, reason: problems.join('; '), identity: readIdentity(raw) };
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
      tax_included: taxIncluded!,
      omitted_vat: taxIncluded === 'N/A' ? 'NO_VAT' : 'UNKNOWN',
      min_price: min,
      max_price: max,
      elements: dto.elements.map(mapTariffElement221),
      start_date_time: dto.start_date_time ? toUtcIso(dto.start_date_time) : null,
      end_date_time: dto.end_date_time ? toUtcIso(dto.end_date_time) : null,
      energy_mix: dto.energy_mix ?? null,
      last_updated: toUtcIso(dto.last_updated),
      ...(notes.length > 0 ? { notes } : {}),
    },
  };
}

function readTaxIncluded(value: string | undefined, notes: string[], problems: string[]): TaxIncluded | null {
  if (value === undefined || value === null) {
    notes.push('tax_included was missing (it is required in 2.3.0); read as NO: prices before taxes, as in 2.2.1');
    return 'NO';
  }
  const upper = value.trim().toUpperCase() as TaxIncluded;
  if (!TAX_INCLUDED.includes(upper)) {
    problems.push(`tax_included: "${value}" is not one of YES, NO, N/A`);
    return null;
  }
  if (upper !== value) notes.push(`tax_included "${value}" read as ${upper}`);
  return upper;
}

function readPriceLimit(name: string, dto: PriceLimitDto | undefined, notes: string[], problems: string[]): PriceLimit | null {
  if (!dto) return null;
  const decimal = (v: number | string | undefined) => (v === undefined || v === null ? null : toDecimalString(v));
  let before = decimal(dto.before_taxes);
  let after = decimal(dto.after_taxes);
  if (before === null && after === null && (dto.excl_vat !== undefined || dto.incl_vat !== undefined)) {
    before = decimal(dto.excl_vat);
    after = decimal(dto.incl_vat);
    notes.push(`${name} used the 2.2.1 names excl_vat / incl_vat; read as before_taxes / after_taxes`);
  }
  if (before === null) {
    problems.push(`${name}.before_taxes: is required`);
    return null;
  }
  return { before_taxes: before, after_taxes: after };
}
