import { CanonicalTariff } from '../../tariffs/tariff.model';
import { MappingResult, readIdentity } from '../core/mapping-result';
import { MappingContext } from './ocpi-version-adapter';

/**
 * A placeholder Tariff mapper for versions whose Tariff reading is not written yet: every Tariff is rejected
 * with the reason, so it is kept raw and visible in rejected_object rather than silently dropped.
 * Replaced by the real 2.1.1 / 2.3.0 mappers with the tariff engine (issue 5).
 */
export function tariffsNotYetRead(version: string) {
  return (raw: unknown, context: MappingContext): MappingResult<CanonicalTariff> => {
    const sent = readIdentity(raw);
    return {
      ok: false,
      reason: `reading OCPI ${version} tariffs lands with the tariff engine (issue 5)`,
      identity: {
        countryCode: sent.countryCode ?? context.owner?.country_code ?? null,
        partyId: sent.partyId ?? context.owner?.party_id ?? null,
        id: sent.id,
      },
    };
  };
}
