import { CanonicalSession } from '../../../sessions/session.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { validateWireObject } from '../../wire/wire-validation';
import { mapSessionBody, sessionPriceContext } from '../../v2_2_1/sessions/session.mapper';
import { mapPrice230 } from '../cdrs/cdr.mapper';
import { PriceDto230 } from '../cdrs/cdr.dto';
import { SessionDto230 } from './session.dto';

/**
 * Maps an OCPI 2.3.0 Session (mod_sessions 2.3.0 §Session object) to the canonical Session: as 2.2.1, with total_cost
 * the 2.3.0 Price class (types 2.3.0 §Price class): before_taxes, and after_taxes = before_taxes + the sum of the
 * taxes' amounts. Tolerated, and said in `notes`: a total_cost with the 2.2.1 names excl_vat / incl_vat. Rejected, with
 * every reason: a missing or malformed required field, a total_cost without before_taxes. Never throws.
 */
export function mapSession230(raw: unknown): MappingResult<CanonicalSession> {
  const checked = validateWireObject(SessionDto230, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  return mapSessionBody<PriceDto230>(raw, checked.value, (dto, notes, problems, field) => mapPrice230(dto, field, sessionPriceContext(notes, problems)), '2.3.0');
}
