import { CanonicalConnector, CanonicalEvse, CanonicalLocation } from '../../../locations/location.model';
import { isValidZone } from '../../wire/iana-zone';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { validateWireObject } from '../../wire/wire-validation';
import { toUtcIso } from '../../wire/ocpi-datetime';
import { ConnectorDto, coordinatesInRange, EvseDto, LocationDto } from './location.dto';

/**
 * Maps an OCPI 2.2.1 Location (mod_locations 2.2.1 §8.3.1) to the canonical Location.
 * Rejects (with every reason) an object that lacks a required field, has a field of the wrong type,
 * coordinates out of range or an unknown IANA time_zone. Never throws.
 */
export function mapLocation221(raw: unknown): MappingResult<CanonicalLocation> {
  const checked = validateWireObject(LocationDto, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  const dto = checked.value;
  const problems = semanticProblems(dto);
  if (problems.length > 0) return { ok: false, reason: problems.join('; '), identity: readIdentity(raw) };
  return {
    ok: true,
    value: {
      country_code: dto.country_code.toUpperCase(),
      party_id: dto.party_id.toUpperCase(),
      id: dto.id,
      publish: dto.publish,
      name: dto.name ?? null,
      address: dto.address,
      city: dto.city,
      postal_code: dto.postal_code ?? null,
      state: dto.state ?? null,
      country: dto.country,
      coordinates: { latitude: Number(dto.coordinates.latitude), longitude: Number(dto.coordinates.longitude) },
      parking_type: dto.parking_type ?? null,
      evses: (dto.evses ?? []).map(mapEvse),
      directions: dto.directions ?? [],
      operator: dto.operator ?? null,
      suboperator: dto.suboperator ?? null,
      owner: dto.owner ?? null,
      facilities: dto.facilities ?? [],
      time_zone: dto.time_zone,
      time_zone_source: 'CPO',
      help_phone: null,
      parking_places: [],
      opening_times: dto.opening_times ?? null,
      // mod_locations 2.2.1 §8.3.1: charging_when_closed defaults to true.
      charging_when_closed: dto.charging_when_closed ?? true,
      images: dto.images ?? [],
      energy_mix: dto.energy_mix ?? null,
      last_updated: toUtcIso(dto.last_updated),
    },
  };
}

function semanticProblems(dto: LocationDto): string[] {
  const problems: string[] = [];
  if (!coordinatesInRange(dto.coordinates)) problems.push('coordinates: latitude or longitude out of range');
  if (!isValidZone(dto.time_zone)) problems.push(`time_zone: "${dto.time_zone}" is not an IANA time zone`);
  const uids = new Set<string>();
  (dto.evses ?? []).forEach((evse, i) => {
    if (evse.coordinates && !coordinatesInRange(evse.coordinates)) problems.push(`evses[${i}].coordinates: out of range`);
    if (uids.has(evse.uid)) problems.push(`evses[${i}].uid: "${evse.uid}" appears twice in this Location`);
    uids.add(evse.uid);
    const connectorIds = new Set(evse.connectors.map((c) => c.id));
    if (connectorIds.size !== evse.connectors.length) problems.push(`evses[${i}].connectors: two connectors share an id`);
  });
  return problems;
}

function mapEvse(dto: EvseDto): CanonicalEvse {
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

function mapConnector(dto: ConnectorDto): CanonicalConnector {
  return {
    id: dto.id,
    standard: dto.standard,
    format: dto.format,
    power_type: dto.power_type,
    max_voltage: dto.max_voltage,
    max_amperage: dto.max_amperage,
    max_electric_power: dto.max_electric_power ?? null,
    tariff_ids: dto.tariff_ids ?? [],
    terms_and_conditions: dto.terms_and_conditions ?? null,
    capabilities: [],
    last_updated: toUtcIso(dto.last_updated),
  };
}
