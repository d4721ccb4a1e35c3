import { Decimal } from 'decimal.js';
import { CanonicalCdr, CdrAmount } from '../../../cdrs/cdr.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { validateWireObject } from '../../wire/wire-validation';
import { mapCdrBody } from '../../v2_2_1/cdrs/cdr.mapper';
import { mapTariff230 } from '../tariffs/tariff.mapper';
import { CdrDto230, PriceDto230 } from './cdr.dto';

/**
 * Maps an OCPI 2.3.0 CDR (mod_cdrs 2.3.0 §CDR object) to the canonical CDR. Costs are the 2.3.0 Price class
 * (types 2.3.0 §Price class): before_taxes, and after_taxes = before_taxes + the sum of the taxes' amounts (no taxes
 * listed: none applicable, after = before). Tolerated, and said in `notes`: a cost with the 2.2.1 names excl_vat /
 * incl_vat. The tariffs it carries go through the 2.3.0 Tariff mapper (so a missing tax_included is read as NO and
 * said). Rejected, with every reason, as in 2.2.1, and a cost without before_taxes. Never throws.
 */
export function mapCdr230(raw: unknown): MappingResult<CanonicalCdr> {
  const checked = validateWireObject(CdrDto230, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  return mapCdrBody<PriceDto230>(raw, checked.value, mapPrice230, mapTariff230, []);
}

/** Price 2.3.0 (types 2.3.0 §Price class) → CdrAmount, the 2.2.1 names tolerated and noted; shared with the Session mapper. */
export function mapPrice230(dto: PriceDto230 | undefined, notes: string[], problems: string[], field: string): CdrAmount | null {
  if (!dto) return null;
  const decimal = (v: number | string | undefined) => (v === undefined || v === null ? null : toDecimalString(v));
  if (dto.before_taxes === undefined && dto.excl_vat !== undefined) {
    notes.push(`${field} used the 2.2.1 names excl_vat / incl_vat; read as before_taxes / after_taxes`);
    return { before_taxes: decimal(dto.excl_vat)!, after_taxes: decimal(dto.incl_vat), taxes: null };
  }
  const before = decimal(dto.before_taxes);
  if (before === null) {
    problems.push(`${field}.before_taxes: is required`);
    return null;
  }
  const taxes = (dto.taxes ?? []).map((t) => ({ name: t.name, account_number: t.account_number ?? null, percentage: decimal(t.percentage), amount: decimal(t.amount)! }));
  const after = taxes.reduce((sum, t) => sum.plus(t.amount), new Decimal(before));
  return { before_taxes: before, after_taxes: after.toFixed(), taxes };
}
