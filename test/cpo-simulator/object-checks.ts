/**
 * The simulator's own check that an object it pushes is whole: the fields each version's object tables give
 * cardinality 1 or + (mod_locations 2.1.1 §3.1–3.3, 2.2.1 / 2.3.0 §Location, §EVSE, §Connector object; mod_tariffs
 * §Tariff object; mod_sessions §Session object), present and non-empty, and a valid DateTime in last_updated; a
 * Location's EVSEs and their Connectors are checked too. Written from the spec only; nothing here imports from src/.
 */
import { isRecord } from './guards';
import { parseOcpiDateTime } from './ocpi-datetime';
import type { SimulatorVersionId } from './ocpi-types';

/** The objects checked. */
export type CheckedObject = 'Location' | 'EVSE' | 'Connector' | 'Tariff' | 'Session';

const REQUIRED_2_2: Record<CheckedObject, string[]> = {
  Location: ['country_code', 'party_id', 'id', 'publish', 'address', 'city', 'country', 'coordinates', 'time_zone', 'last_updated'],
  EVSE: ['uid', 'status', 'connectors', 'last_updated'],
  Connector: ['id', 'standard', 'format', 'power_type', 'max_voltage', 'max_amperage', 'last_updated'],
  Tariff: ['country_code', 'party_id', 'id', 'currency', 'elements', 'last_updated'],
  Session: [
    'country_code',
    'party_id',
    'id',
    'start_date_time',
    'kwh',
    'cdr_token',
    'auth_method',
    'location_id',
    'evse_uid',
    'connector_id',
    'currency',
    'status',
    'last_updated',
  ],
};

/** Required fields per version and object (2.3.0 adds Tariff tax_included). */
const REQUIRED: Record<SimulatorVersionId, Record<CheckedObject, string[]>> = {
  '2.1.1': {
    Location: ['id', 'type', 'address', 'city', 'postal_code', 'country', 'coordinates', 'last_updated'],
    EVSE: ['uid', 'status', 'connectors', 'last_updated'],
    Connector: ['id', 'standard', 'format', 'power_type', 'voltage', 'amperage', 'last_updated'],
    Tariff: ['id', 'currency', 'elements', 'last_updated'],
    Session: ['id', 'start_datetime', 'kwh', 'auth_id', 'auth_method', 'location', 'currency', 'status', 'last_updated'],
  },
  '2.2.1': REQUIRED_2_2,
  '2.3.0': { ...REQUIRED_2_2, Tariff: [...REQUIRED_2_2.Tariff, 'tax_included'] },
};

/** Takes the version, the kind of object and the object; returns what is missing or wrong ('evses[0].connectors[1].id missing'), empty when whole. */
export function objectProblems(version: SimulatorVersionId, kind: CheckedObject, object: unknown, path = ''): string[] {
  if (!isRecord(object)) return [`${path || kind} is not an object`];
  const at = (field: string) => (path ? `${path}.${field}` : field);
  const problems = REQUIRED[version][kind].flatMap((field) => {
    const value = object[field];
    if (value === undefined || value === null) return [`${at(field)} missing`];
    if (Array.isArray(value) && value.length === 0) return [`${at(field)} empty`];
    return [];
  });
  if (object.last_updated !== undefined && parseOcpiDateTime(object.last_updated) === null) problems.push(`${at('last_updated')} is not an OCPI DateTime`);
  const children = (field: string, child: CheckedObject) =>
    (Array.isArray(object[field]) ? (object[field] as unknown[]) : []).flatMap((c, i) => objectProblems(version, child, c, at(`${field}[${i}]`)));
  if (kind === 'Location') problems.push(...children('evses', 'EVSE'));
  if (kind === 'EVSE') problems.push(...children('connectors', 'Connector'));
  return problems;
}
