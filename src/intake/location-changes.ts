import { WireDeviation } from '../ocpi/wire/wire-deviation';
import { ComposeChange, Composed, disagreement, isJsonObject, lastUpdatedOf, ObjectPath, patchWithLastUpdated, ChangeToCompose } from './pushed-change';

type Json = Record<string, unknown>;

/**
 * A pushed Location, EVSE or Connector (PUT or PATCH, mod_locations 2.2.1 §Receiver Interface; 2.1.1 §3.2 and 2.3.0
 * alike) made into the whole Location it changes, in the CPO's own wire form, so that it takes the same path as a
 * pulled Location (version mapper, ownership, store) and the stored raw payload is always a whole Location.
 *
 * - PUT of a Location: the body is the whole object. PUT of an EVSE or Connector: it replaces (or adds) that one in the
 *   held Location. PATCH: the fields sent replace ours ("Other fields/objects that are not specified as part of the
 *   request are considered unchanged"); it must carry last_updated.
 * - An EVSE or Connector change "SHALL also set the new last_updated value on the parent" EVSE and Location: they take
 *   the later of theirs and the change's, so a late change never moves them back in time.
 * - A change older than the object it changes (its last_updated) is STALE and changes nothing.
 * - Where the spec is loose, nothing is lost and nothing doubled: an `evses` list in a Location PATCH (or `connectors`
 *   in an EVSE PATCH) that leaves out some of ours is read as updating the ones it names (by uid / id) and keeping the
 *   others, not as removing them (removal is a status REMOVED, §Example: delete an EVSE); counted as PATCH_PARTIAL_LIST.
 */
export const composeLocationChange: ComposeChange = (held: unknown, change: ChangeToCompose): Composed => {
  const { method, path } = change;
  if (!isJsonObject(change.body)) return { kind: 'REFUSED', reason: 'the body must be a JSON object' };
  let body = change.body;
  const level = path.connector_id !== undefined ? 'Connector' : path.evse_uid !== undefined ? 'EVSE' : 'Location';
  const mismatch = disagreement(
    body,
    level === 'Location'
      ? [
          ['country_code', path.country_code],
          ['party_id', path.party_id],
          ['id', path.id],
        ]
      : level === 'EVSE'
        ? [['uid', path.evse_uid]]
        : [['id', path.connector_id]],
  );
  if (mismatch) return { kind: 'REFUSED', reason: mismatch };
  if (method === 'PATCH') {
    const dated = patchWithLastUpdated(body, change);
    if ('refused' in dated) return { kind: 'REFUSED', reason: dated.refused };
    body = dated.body;
  }
  const location = isJsonObject(held) ? held : null;
  if (level === 'Location' && method === 'PUT') {
    return staleAgainst(location, body) ?? { kind: 'WHOLE', whole: body, deviations: [] };
  }
  if (!location) return notHeld(path, 'Location');
  if (level === 'Location') {
    const stale = staleAgainst(location, body);
    if (stale) return stale;
    const deviations: WireDeviation[] = [];
    const { evses, ...fields } = body;
    const whole: Json = { ...location, ...fields };
    if (evses !== undefined) whole.evses = mergeList(location.evses, evses, 'uid', mergeEvse, 'evses', deviations);
    return { kind: 'WHOLE', whole, deviations };
  }
  const heldEvses = listOf(location.evses);
  const evse = find(heldEvses, 'uid', path.evse_uid);
  if (level === 'EVSE') {
    if (method === 'PATCH' && !evse) return notHeld(path, 'EVSE');
    const stale = staleAgainst(evse, body);
    if (stale) return stale;
    const deviations: WireDeviation[] = [];
    const changed = evse && method === 'PATCH' ? mergeEvse(evse, body, deviations) : body;
    return { kind: 'WHOLE', whole: withChild(location, 'evses', heldEvses, evse, changed), deviations };
  }
  if (!evse) return notHeld(path, 'EVSE');
  const heldConnectors = listOf(evse.connectors);
  const connector = find(heldConnectors, 'id', path.connector_id);
  if (method === 'PATCH' && !connector) return notHeld(path, 'Connector');
  const stale = staleAgainst(connector, body);
  if (stale) return stale;
  const changed = method === 'PUT' ? body : { ...connector, ...body };
  const newEvse = withChild(evse, 'connectors', heldConnectors, connector, changed);
  return { kind: 'WHOLE', whole: withChild(location, 'evses', heldEvses, evse, newEvse), deviations: [] };
};

function notHeld(path: ObjectPath, what: 'Location' | 'EVSE' | 'Connector'): Composed {
  const name = `${path.country_code}/${path.party_id}/${path.id}${path.evse_uid !== undefined ? `/${path.evse_uid}` : ''}${path.connector_id !== undefined ? `/${path.connector_id}` : ''}`;
  return {
    kind: 'NOT_HELD',
    reason: `Unknown ${what}: ${name} is not held, so a change to it cannot be applied (a GET of it from your Sender interface is scheduled; or PUT it whole)`,
  };
}

/** STALE when `held` is newer than `change` (both last_updated readable); null otherwise. */
function staleAgainst(held: Json | null | undefined, change: Json): Composed | null {
  const heldAt = lastUpdatedOf(held);
  const changeAt = lastUpdatedOf(change);
  if (heldAt === null || changeAt === null || heldAt <= changeAt) return null;
  return { kind: 'STALE', heldLastUpdated: new Date(heldAt).toISOString() };
}

/** `parent` with `child` in `list` replaced by (or, when absent, added as) `changed`, and the later last_updated of the two. */
function withChild(parent: Json, key: string, list: Json[], child: Json | undefined, changed: Json): Json {
  const children = child ? list.map((c) => (c === child ? changed : c)) : [...list, changed];
  return { ...parent, [key]: children, last_updated: later(parent.last_updated, changed.last_updated) };
}

/** The PATCH of an EVSE: its fields replace ours; its `connectors`, when sent, update ours by id. */
function mergeEvse(held: Json, patch: Json, deviations: WireDeviation[]): Json {
  const { connectors, ...fields } = patch;
  const merged: Json = { ...held, ...fields };
  if (connectors !== undefined) merged.connectors = mergeList(held.connectors, connectors, 'id', (c, p) => ({ ...c, ...p }), 'evses.connectors', deviations);
  return merged;
}

/**
 * A list in a PATCH merged into ours by key: a named element is patched (or added, when new), the others are kept.
 * A list that is not a list is left to the version mapper to refuse.
 */
function mergeList(
  held: unknown,
  patch: unknown,
  key: string,
  merge: (held: Json, patch: Json, deviations: WireDeviation[]) => Json,
  field: string,
  deviations: WireDeviation[],
): unknown {
  if (!Array.isArray(patch)) return patch;
  const ours = listOf(held);
  const named = new Set(patch.filter(isJsonObject).map((p) => String(p[key]).toUpperCase()));
  if (ours.some((o) => !named.has(String(o[key]).toUpperCase()))) deviations.push({ kind: 'PATCH_PARTIAL_LIST', field });
  const result = [...ours];
  for (const item of patch) {
    if (!isJsonObject(item)) {
      result.push(item as Json);
      continue;
    }
    const at = result.findIndex((o) => String(o[key]).toUpperCase() === String(item[key]).toUpperCase());
    if (at >= 0) result[at] = merge(result[at], item, deviations);
    else result.push(item);
  }
  return result;
}

function listOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/** The element whose `key` is `value` (CiString: exact first, then without case). */
function find(list: Json[], key: string, value: string | undefined): Json | undefined {
  if (value === undefined) return undefined;
  return list.find((o) => o[key] === value) ?? list.find((o) => typeof o[key] === 'string' && o[key].toUpperCase() === value.toUpperCase());
}

/** Of two last_updated values, the later one as sent (a readable one wins over an unreadable one). */
function later(a: unknown, b: unknown): unknown {
  const at = lastUpdatedOf({ last_updated: a });
  const bt = lastUpdatedOf({ last_updated: b });
  if (at === null) return b;
  if (bt === null) return a;
  return bt > at ? b : a;
}
