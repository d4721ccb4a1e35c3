import { normaliseWireObject } from '../ocpi/wire/wire-normaliser';
import { WireDeviation } from '../ocpi/wire/wire-deviation';
import { isJsonObject, PushedChange } from './pushed-change';

/** An EVSE status PATCH read for the in-place store: the status and last_updated as read, and what the body bent. */
export interface EvseStatusPatch {
  path: { country_code: string; party_id: string; id: string; evse_uid: string };
  status: string;
  /** UTC ISO to the millisecond. */
  lastUpdated: string;
  /** The body as sent, merged into the raw EVSE. */
  patch: Record<string, unknown>;
  deviations: WireDeviation[];
}

/**
 * Recognises "a simple status update" (mod_locations 2.2.1 §PATCH Method, the same in 2.1.1 and 2.3.0): a PATCH of one
 * EVSE whose body is only `status` and `last_updated`, the most common push by far. Such a change needs neither the
 * version mapper (neither field differs between versions) nor the whole Location rewritten: it is stored in place
 * (LocationStore.patchEvseStatus). Read by the same tolerant-reading pass as every Location field (an unknown status
 * kept and counted, a DateTime in any readable shape made UTC). Anything else (other fields, an unreadable value) is
 * null: the change takes the general path, which composes the whole Location and names what is wrong.
 */
export function evseStatusPatch(change: PushedChange): EvseStatusPatch | null {
  const { method, path, body } = change;
  if (method !== 'PATCH' || path.evse_uid === undefined || path.connector_id !== undefined || !isJsonObject(body)) return null;
  const keys = Object.keys(body);
  if (keys.length !== 2 || !keys.includes('status') || !keys.includes('last_updated')) return null;
  if (typeof body.status !== 'string' || body.status.length === 0) return null;
  // The EVSE's fields sit under `evses` in the Location vocabulary of the tolerant-reading pass.
  const read = normaliseWireObject('locations', { evses: [body] });
  const evse = (read.value as { evses: Array<{ status: unknown; last_updated: unknown }> }).evses[0];
  if (typeof evse.last_updated !== 'string' || typeof evse.status !== 'string') return null;
  const lastUpdated = new Date(evse.last_updated);
  if (Number.isNaN(lastUpdated.getTime())) return null;
  return {
    path: { country_code: path.country_code, party_id: path.party_id, id: path.id, evse_uid: path.evse_uid },
    status: evse.status,
    lastUpdated: lastUpdated.toISOString(),
    patch: body,
    deviations: read.deviations,
  };
}
