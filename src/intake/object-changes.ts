import { readOcpiDateTime } from '../ocpi/wire/ocpi-datetime';
import { WireDeviation } from '../ocpi/wire/wire-deviation';
import { ComposeChange, Composed, disagreement, isJsonObject, lastUpdatedOf, patchWithLastUpdated, ChangeToCompose } from './pushed-change';

type Json = Record<string, unknown>;

/**
 * A pushed Tariff (mod_tariffs 2.2.1 §Receiver Interface: PUT; 2.1.1 §2.2.3 also PATCH) made into the whole Tariff.
 * PUT: the body is the whole object. PATCH: its fields replace ours (a list sent replaces ours: a Tariff's elements
 * are one ordered whole, not objects with ids). A change older than what we hold is STALE.
 */
export const composeTariffChange: ComposeChange = (held, change) => composeFlat(held, change, 'Tariff', (whole) => whole);

/**
 * A pushed Session (mod_sessions 2.2.1 §Receiver Interface: PUT, PATCH; 2.1.1 §2.2 and 2.3.0 alike) made into the
 * whole Session. PUT: the body is the whole object. PATCH: its fields replace ours, and its charging_periods are
 * ADDED to ours ("a PATCH request to add all the ChargingPeriod objects", §PATCH Method). Some CPOs resend every period
 * each time (cumulatively): a period whose start_date_time we already hold replaces ours rather than being added
 * twice, counted as CHARGING_PERIODS_RESENT, so neither reading loses or doubles energy.
 */
export const composeSessionChange: ComposeChange = (held, change) =>
  composeFlat(held, change, 'Session', (whole, patch, heldObject, deviations) => {
    if (!Array.isArray(patch.charging_periods)) return whole;
    const periods = Array.isArray(heldObject.charging_periods) ? [...(heldObject.charging_periods as unknown[])] : [];
    let resent = false;
    for (const period of patch.charging_periods as unknown[]) {
      const start = isJsonObject(period) ? readOcpiDateTime(period.start_date_time) : null;
      const at = start === null ? -1 : periods.findIndex((p) => isJsonObject(p) && readOcpiDateTime(p.start_date_time) === start);
      if (at >= 0) {
        periods[at] = period;
        resent = true;
      } else periods.push(period);
    }
    if (resent) deviations.push({ kind: 'CHARGING_PERIODS_RESENT', field: 'charging_periods' });
    periods.sort((a, b) => startOf(a).localeCompare(startOf(b)));
    return { ...whole, charging_periods: periods };
  });

function startOf(period: unknown): string {
  return (isJsonObject(period) ? readOcpiDateTime(period.start_date_time) : null) ?? '';
}

/** PUT or PATCH of an object without children addressed in the URL: `{endpoint}/{country_code}/{party_id}/{id}`. */
function composeFlat(held: unknown, change: ChangeToCompose, noun: string, patchLists: (whole: Json, patch: Json, held: Json, deviations: WireDeviation[]) => Json): Composed {
  const { method, path } = change;
  if (!isJsonObject(change.body)) return { kind: 'REFUSED', reason: 'the body must be a JSON object' };
  let body = change.body;
  const mismatch = disagreement(body, [
    ['country_code', path.country_code],
    ['party_id', path.party_id],
    ['id', path.id],
  ]);
  if (mismatch) return { kind: 'REFUSED', reason: mismatch };
  if (method === 'PATCH') {
    const dated = patchWithLastUpdated(body, change);
    if ('refused' in dated) return { kind: 'REFUSED', reason: dated.refused };
    body = dated.body;
  }
  const object = isJsonObject(held) ? held : null;
  const heldAt = lastUpdatedOf(object);
  const changeAt = lastUpdatedOf(body);
  if (heldAt !== null && changeAt !== null && heldAt > changeAt) return { kind: 'STALE', heldLastUpdated: new Date(heldAt).toISOString() };
  if (method === 'PUT') return { kind: 'WHOLE', whole: body, deviations: [] };
  if (!object) {
    return {
      kind: 'NOT_HELD',
      reason: `Unknown ${noun}: ${path.country_code}/${path.party_id}/${path.id} is not held, so a PATCH cannot be applied (a fetch of it from your Sender interface is scheduled; or PUT it whole)`,
    };
  }
  const deviations: WireDeviation[] = [];
  return { kind: 'WHOLE', whole: patchLists({ ...object, ...body }, body, object, deviations), deviations };
}
