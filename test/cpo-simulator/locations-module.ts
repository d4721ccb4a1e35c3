/**
 * Locations Sender interface (mod_locations 2.2.1 §Sender Interface): GET List (paginated,
 * date_from/date_to) and GET Object `/{location_id}[/{evse_uid}[/{connector_id}]]`.
 */
import { fail, ok, OcpiStatus, type OcpiReply } from './http-envelope';
import { isRecord, sameCiString } from './guards';
import { senderList } from './sender-list';
import type { SimulatorContext } from './simulator-context';

/** Finds the element of a (possibly malformed) list whose `key` equals `id` as CiString. */
function findIn(list: unknown, key: string, id: string): Record<string, unknown> | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.find((item): item is Record<string, unknown> => isRecord(item) && sameCiString(item[key], id));
}

/**
 * Takes the object path below the endpoint (0–3 segments); returns the Location, EVSE or
 * Connector, or HTTP 404 with status 2003 "Unknown Location" (status_codes 2.2.1: a GET of a
 * resource that does not exist SHOULD be HTTP 404; 2003 is also used for an unknown EVSE or
 * Connector, for lack of a closer code).
 */
function getObject(segments: string[], ctx: SimulatorContext): OcpiReply {
  const [locationId, evseUid, connectorId] = segments;
  const location = findIn(ctx.store.locations, 'id', locationId);
  if (!location) return fail(404, OcpiStatus.UNKNOWN_LOCATION, `Unknown Location "${locationId}"`);
  if (evseUid === undefined) return ok(location);
  const evse = findIn(location.evses, 'uid', evseUid);
  if (!evse) return fail(404, OcpiStatus.UNKNOWN_LOCATION, `Unknown EVSE "${evseUid}" at Location "${locationId}"`);
  if (connectorId === undefined) return ok(evse);
  const connector = findIn(evse.connectors, 'id', connectorId);
  if (!connector) return fail(404, OcpiStatus.UNKNOWN_LOCATION, `Unknown Connector "${connectorId}" on EVSE "${evseUid}"`);
  return ok(connector);
}

/** Takes method, segments below `locations`, query and context; returns the reply. */
export function handleLocations(method: string, segments: string[], params: URLSearchParams, ctx: SimulatorContext): OcpiReply {
  if (method !== 'GET') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on the Locations Sender interface`);
  if (segments.length === 0) return senderList(ctx.store.locations, params, ctx.maxPageLimit, ctx.urls.locations);
  if (segments.length > 3) return fail(404, OcpiStatus.CLIENT_ERROR, 'Unknown path');
  return getObject(segments, ctx);
}
