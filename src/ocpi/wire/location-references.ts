/** LocationReferences as read, version-neutral (connector_ids empty but in 2.1.1). */
export interface LocationReferencesRead {
  location_id: string;
  evse_uids: string[];
  connector_ids: string[];
}

/** A LocationReferences body as read, or why it cannot be. */
export type LocationReferencesReading = { ok: true; value: LocationReferencesRead | null } | { ok: false; reason: string };

const isStringOf = (max: number) => (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= max;

/**
 * Reads the optional LocationReferences body of a real-time authorization (mod_tokens 2.2.1 §LocationReferences:
 * location_id CiString(36), evse_uids CiString(36) *; 2.1.1 §4.2: string(39), string(39) *, connector_ids
 * string(36) *). No body (undefined, null or an empty string) is "none given". `maxId` is the version's length of
 * location_id and evse_uids; connector_ids is read only when `connectors` (2.1.1).
 */
export function readLocationReferences(raw: unknown, maxId: number, connectors: boolean): LocationReferencesReading {
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: null };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'the body must be a LocationReferences object' };
  const body = raw as Record<string, unknown>;
  if (!isStringOf(maxId)(body.location_id)) return { ok: false, reason: `location_id must be a string of 1 to ${maxId} characters` };
  const list = (name: string, max: number): string[] | string => {
    const v = body[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every(isStringOf(max))) return `${name} must be a list of strings of 1 to ${max} characters`;
    return v as string[];
  };
  const evses = list('evse_uids', maxId);
  if (typeof evses === 'string') return { ok: false, reason: evses };
  const connectorIds = connectors ? list('connector_ids', 36) : [];
  if (typeof connectorIds === 'string') return { ok: false, reason: connectorIds };
  return { ok: true, value: { location_id: body.location_id as string, evse_uids: evses, connector_ids: connectorIds } };
}
