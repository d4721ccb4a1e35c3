import { CanonicalLocation } from '../../../locations/location.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { mapLocation221 } from '../../v2_2_1/locations/location.mapper';

type Json = Record<string, unknown>;

/**
 * Maps an OCPI 2.3.0 Location: the 2.2.1 Location (unchanged fields, same rules) plus what 2.3.0 added
 * (mod_locations 2.3.0 §Location object: help_phone, parking_places; §EVSE object: parking,
 * accepted_service_providers; §Connector object: capabilities). Parking objects are kept as sent with only
 * their `id` checked (the spec lets receivers that are not NAPs ignore them); a field of the wrong type is a
 * rejection reason like any other. Never throws.
 */
export function mapLocation230(raw: unknown): MappingResult<CanonicalLocation> {
  const base = mapLocation221(raw);
  if (!base.ok) return base;
  const o = raw as Json;
  const problems: string[] = [];
  const helpPhone = optionalString(o.help_phone, 'help_phone', 25, problems);
  const parkingPlaces = parkingPlacesOf(o.parking_places, problems);
  const wireEvses = Array.isArray(o.evses) ? (o.evses as Json[]) : [];
  const evses = base.value.evses.map((evse, i) => {
    const wire = wireEvses[i] ?? {};
    const wireConnectors = Array.isArray(wire.connectors) ? (wire.connectors as Json[]) : [];
    return {
      ...evse,
      parking: evseParkingOf(wire.parking, `evses[${i}].parking`, problems),
      accepted_service_providers: stringList(wire.accepted_service_providers, `evses[${i}].accepted_service_providers`, problems),
      connectors: evse.connectors.map((connector, j) => ({
        ...connector,
        capabilities: stringList(wireConnectors[j]?.capabilities, `evses[${i}].connectors[${j}].capabilities`, problems),
      })),
    };
  });
  if (problems.length > 0) return { ok: false, reason: problems.join('; '), identity: readIdentity(raw) };
  return { ok: true, value: { ...base.value, help_phone: helpPhone, parking_places: parkingPlaces, evses } };
}

function optionalString(value: unknown, path: string, max: number, problems: string[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) problems.push(`${path}: must be a string of at most ${max} characters`);
  return typeof value === 'string' ? value : null;
}

function stringList(value: unknown, path: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    problems.push(`${path}: must be a list of strings`);
    return [];
  }
  return value;
}

function parkingPlacesOf(value: unknown, problems: string[]): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push('parking_places: must be a list of Parking objects');
    return [];
  }
  const ids = new Set<string>();
  value.forEach((p, i) => {
    const id = (p as Json | null)?.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 36) problems.push(`parking_places[${i}].id: must be a string of 1 to 36 characters`);
    else if (ids.has(id.toUpperCase())) problems.push(`parking_places[${i}].id: "${id}" appears twice in this Location`);
    else ids.add(id.toUpperCase());
  });
  return value as Json[];
}

function evseParkingOf(value: unknown, path: string, problems: string[]): Array<{ parking_id: string; evse_position: string | null }> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${path}: must be a list of EVSEParking`);
    return [];
  }
  return value.flatMap((link, i) => {
    const { parking_id, evse_position } = (link ?? {}) as Json;
    if (typeof parking_id !== 'string') {
      problems.push(`${path}[${i}].parking_id: must be a string`);
      return [];
    }
    return [{ parking_id, evse_position: typeof evse_position === 'string' ? evse_position : null }];
  });
}
