import { Decimal } from 'decimal.js';
import { CanonicalCdr, CdrAmount } from '../../../cdrs/cdr.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { validateWireObject } from '../../wire/wire-validation';
import { checkedAmount, mapCdrBody, PriceContext, readBareTotalCost } from '../../v2_2_1/cdrs/cdr.mapper';
import { mapTariff230 } from '../tariffs/tariff.mapper';
import { CdrDto230, PriceDto230 } from './cdr.dto';

/**
 * Maps an OCPI 2.3.0 CDR (mod_cdrs 2.3.0 §CDR object) to the canonical CDR. Costs are the 2.3.0 Price class
 * (types 2.3.0 §Price class): before_taxes, and after_taxes = before_taxes + the sum of the taxes' amounts (no taxes
 * listed: none applicable, after = before). Tolerated, said in `notes` and returned as deviations: a cost with the
 * 2.2.1 names excl_vat / incl_vat; as in 2.2.1, a total_cost sent as a bare number (after taxes then unknown) and a
 * lower-case currency. The tariffs it carries go through the 2.3.0 Tariff mapper (so a missing tax_included is read
 * as NO and said). Rejected, with every reason, as in 2.2.1 (amounts: before_taxes and each tax amount), and a cost
 * without before_taxes. Never throws.
 */
export function mapCdr230(raw: unknown): MappingResult<CanonicalCdr> {
  const bare = readBareTotalCost(raw, 'before_taxes');
  const checked = validateWireObject(CdrDto230, bare?.object ?? raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  return mapCdrBody<PriceDto230>(raw, checked.value, mapPrice230, mapTariff230, bare);
}

/** Price 2.3.0 (types 2.3.0 §Price class) → CdrAmount, the 2.2.1 names tolerated and counted; shared with the Session mapper. */
export function mapPrice230(dto: PriceDto230 | undefined, field: string, context: PriceContext): CdrAmount | null {
  if (!dto) return null;
  const decimal = (v: number | string | undefined) => (v === undefined || v === null ? null : toDecimalString(v));
  const amount = (name: string, v: number | string | undefined) => {
    const d = decimal(v);
    return d === null ? null : checkedAmount(`${field}.${name}`, d, context);
  };
  if (dto.before_taxes === undefined && dto.excl_vat !== undefined) {
    context.notes.push(`${field} used the 2.2.1 names excl_vat / incl_vat; read as before_taxes / after_taxes`);
    context.deviations.push({ kind: 'PRICE_WITH_2_2_1_NAMES', field });
    return { before_taxes: amount('excl_vat', dto.excl_vat)!, after_taxes: amount('incl_vat', dto.incl_vat), taxes: null };
  }
  const before = amount('before_taxes', dto.before_taxes);
  if (before === null) {
    context.problems.push(`${field}.before_taxes: is required`);
    return null;
  }
  const taxes = (dto.taxes ?? []).map((t, i) => ({
    name: t.name,
    account_number: t.account_number ?? null,
    percentage: decimal(t.percentage),
    amount: amount(`taxes[${i}].amount`, t.amount)!,
  }));
  const after = taxes.reduce((sum, t) => sum.plus(t.amount), new Decimal(before));
  return { before_taxes: before, after_taxes: after.toFixed(), taxes };
}
