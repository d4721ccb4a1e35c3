import { CanonicalConnector, CanonicalEvse, CanonicalLocation } from '../../../locations/location.model';
import { Hours } from '../../../locations/opening-times.model';
import { isValidZone } from '../../wire/iana-zone';
import { MappingResult, ObjectIdentity, readIdentity } from '../../wire/mapping-result';
import { toUtcIso } from '../../wire/ocpi-datetime';
import { validateWireObject } from '../../wire/wire-validation';
import { coordinatesInRange } from '../../v2_2_1/locations/location.dto';
import { MappingContext } from '../../adapter/ocpi-version-adapter';
import { Connector211Dto, Evse211Dto, Location211Dto } from './location.dto';
import { timeZoneAt } from '../../../locations/time-zone-lookup';

/**
 * LocationType (mod_locations 2.1.1 §4.16) → ParkingType (2.2.1 §8.4.17): the same names where both exist;
 * OTHER and UNKNOWN became "no parking_type" when 2.2 made the field optional. Other values are kept as sent.
 */
const NO_PARKING_TYPE = new Set(['OTHER', 'UNKNOWN']);

/**
 * Maps an OCPI 2.1.1 Location (mod_locations 2.1.1 §3.1) to the canonical Location. The Location has no
 * country_code / party_id in 2.1.1: it belongs to the connection's party (`context.owner`); a CPO that sends
 * them anyway is taken at its word, and the sync's party check still applies. A missing time_zone is derived
 * from the coordinates and marked time_zone_source 'COORDINATES'. Rejects (with every reason) an object that
 * lacks a required field, has a field of the wrong type, coordinates out of range or an unknown time_zone.
 * Never throws.
 */
export function mapLocation211(raw: unknown, context: MappingContext): MappingResult<CanonicalLocation> {
  const identity = identityOf(raw, context);
  const checked = validateWireObject(Location211Dto, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity };
  const dto = checked.value;
  const problems = semanticProblems(dto);
  if (!identity.countryCode || !identity.partyId) problems.push("no owner: 2.1.1 Locations belong to the connection's party, and this connection has none");
  const zone = problems.length === 0 ? timeZoneOf(dto) : null;
  if (problems.length === 0 && !zone) problems.push('time_zone: absent, and no time zone was found at the coordinates');
  if (problems.length > 0) return { ok: false, reason: problems.join('; '), identity };
  return {
    ok: true,
    value: {
      country_code: identity.countryCode!.toUpperCase(),
      party_id: identity.partyId!.toUpperCase(),
      id: dto.id,
      // 2.1.1 has no publish flag: every Location a CPO shares is public.
      publish: true,
      name: dto.name ?? null,
      address: dto.address,
      city: dto.city,
      postal_code: dto.postal_code,
      state: null,
      country: dto.country,
      coordinates: { latitude: Number(dto.coordinates.latitude), longitude: Number(dto.coordinates.longitude) },
      parking_type: NO_PARKING_TYPE.has(dto.type.toUpperCase()) ? null : dto.type,
      evses: (dto.evses ?? []).map(mapEvse),
      directions: dto.directions ?? [],
      operator: dto.operator ?? null,
      suboperator: dto.suboperator ?? null,
      owner: dto.owner ?? null,
      facilities: dto.facilities ?? [],
      time_zone: zone!.zone,
      time_zone_source: zone!.source,
      help_phone: null,
      parking_places: [],
      opening_times: dto.opening_times ? mapHours(dto.opening_times) : null,
      // mod_locations 2.1.1 §3.1: charging_when_closed defaults to true.
      charging_when_closed: dto.charging_when_closed ?? true,
      images: dto.images ?? [],
      energy_mix: dto.energy_mix ?? null,
      last_updated: toUtcIso(dto.last_updated),
    },
  };
}

function identityOf(raw: unknown, context: MappingContext): ObjectIdentity {
  const sent = readIdentity(raw);
  return {
    countryCode: sent.countryCode ?? context.owner?.country_code ?? null,
    partyId: sent.partyId ?? context.owner?.party_id ?? null,
    id: sent.id,
  };
}

function timeZoneOf(dto: Location211Dto): { zone: string; source: 'CPO' | 'COORDINATES' } | null {
  if (dto.time_zone) return { zone: dto.time_zone, source: 'CPO' };
  const zone = timeZoneAt(Number(dto.coordinates.latitude), Number(dto.coordinates.longitude));
  return zone ? { zone, source: 'COORDINATES' } : null;
}

function semanticProblems(dto: Location211Dto): string[] {
  const problems: string[] = [];
  if (!coordinatesInRange(dto.coordinates)) problems.push('coordinates: latitude or longitude out of range');
  if (dto.time_zone !== undefined && !isValidZone(dto.time_zone)) problems.push(`time_zone: "${dto.time_zone}" is not an IANA time zone`);
  const uids = new Set<string>();
  (dto.evses ?? []).forEach((evse, i) => {
    if (evse.coordinates && !coordinatesInRange(evse.coordinates)) problems.push(`evses[${i}].coordinates: out of range`);
    if (uids.has(evse.uid)) problems.push(`evses[${i}].uid: "${evse.uid}" appears twice in this Location`);
    uids.add(evse.uid);
    if (new Set(evse.connectors.map((c) => c.id)).size !== evse.connectors.length) problems.push(`evses[${i}].connectors: two connectors share an id`);
  });
  return problems;
}

/** 2.1.1 Hours is "one of" regular_hours or twentyfourseven (mod_locations 2.1.1 §4.13): regular hours mean not 24/7. */
function mapHours(hours: NonNullable<Location211Dto['opening_times']>): Hours {
  return {
    twentyfourseven: hours.twentyfourseven ?? false,
    regular_hours: hours.regular_hours ?? null,
    exceptional_openings: hours.exceptional_openings ?? null,
    exceptional_closings: hours.exceptional_closings ?? null,
  };
}

function mapEvse(dto: Evse211Dto): CanonicalEvse {
  return {
    uid: dto.uid,
    evse_id: dto.evse_id ?? null,
    status: dto.status,
    capabilities: dto.capabilities ?? [],
    connectors: dto.connectors.map(mapConnector),
    floor_level: dto.floor_level ?? null,
    coordinates: dto.coordinates ? { latitude: Number(dto.coordinates.latitude), longitude: Number(dto.coordinates.longitude) } : null,
    physical_reference: dto.physical_reference ?? null,
    directions: dto.directions ?? [],
    parking_restrictions: dto.parking_restrictions ?? [],
    parking: [],
    accepted_service_providers: [],
    images: dto.images ?? [],
    last_updated: toUtcIso(dto.last_updated),
  };
}

function mapConnector(dto: Connector211Dto): CanonicalConnector {
  return {
    id: dto.id,
    standard: dto.standard,
    format: dto.format,
    power_type: dto.power_type,
    // 2.1.1 voltage / amperage are the connector's maxima (2.2 renamed them max_voltage / max_amperage).
    max_voltage: dto.voltage,
    max_amperage: dto.amperage,
    max_electric_power: null,
    tariff_ids: dto.tariff_id ? [dto.tariff_id] : [],
    terms_and_conditions: dto.terms_and_conditions ?? null,
    capabilities: [],
    last_updated: toUtcIso(dto.last_updated),
  };
}
