/** Dressing served objects the way some CPOs do (see WireStyleQuirks); the objects themselves stay untouched. */
import type { WireStyleQuirks } from './simulator-quirks';

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Takes `data` of a reply (an object or a list of objects); returns a restyled deep copy. */
export function restyle(data: unknown, style: WireStyleQuirks): unknown {
  const copy = structuredClone(data);
  for (const object of Array.isArray(copy) ? copy : [copy]) {
    if (object && typeof object === 'object') {
      if (style.emptyStringsForAbsent) addEmptyStrings(object as Record<string, unknown>);
      if (style.unknownEnums) addUnknownCapability(object as Record<string, unknown>);
      if (style.cdrWithoutEvseUid) dropCdrEvseUid(object as Record<string, unknown>);
      if (style.cdrEndDateTime) renameStopDateTime(object as Record<string, unknown>);
    }
  }
  return mapLeaves(copy, style);
}

function mapLeaves(node: unknown, style: WireStyleQuirks): unknown {
  if (Array.isArray(node)) return node.map((n) => mapLeaves(n, style));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, mapLeaves(v, style)]));
  }
  if (typeof node === 'number' && style.numbersAsStrings) return String(node);
  if (typeof node === 'string' && DATETIME.test(node)) {
    let value = node;
    if (style.fractionalSeconds && !value.includes('.')) value = value.replace(/Z$/, '.250Z');
    if (style.timestampsWithoutZ) value = value.replace(/Z$/, '');
    return value;
  }
  return node;
}

function addEmptyStrings(object: Record<string, unknown>): void {
  if ('elements' in object) {
    if (!('tariff_alt_url' in object)) object.tariff_alt_url = '';
    return;
  }
  if (!('state' in object)) object.state = '';
  for (const evse of Array.isArray(object.evses) ? object.evses : []) {
    if (evse && typeof evse === 'object' && !('floor_level' in evse)) (evse as Record<string, unknown>).floor_level = '';
  }
}

function addUnknownCapability(object: Record<string, unknown>): void {
  for (const evse of Array.isArray(object.evses) ? object.evses : []) {
    if (!evse || typeof evse !== 'object') continue;
    const e = evse as Record<string, unknown>;
    e.capabilities = [...(Array.isArray(e.capabilities) ? e.capabilities : []), 'FUTURE_CAPABILITY'];
  }
}

function dropCdrEvseUid(object: Record<string, unknown>): void {
  const location = object.cdr_location;
  if (location && typeof location === 'object') delete (location as Record<string, unknown>).evse_uid;
}

function renameStopDateTime(object: Record<string, unknown>): void {
  if (!('stop_date_time' in object)) return;
  object.end_date_time = object.stop_date_time;
  delete object.stop_date_time;
}
