/**
 * 2.2.1-shaped objects (the generator's and the fixtures') rewritten as OCPI 2.1.1 objects, for a 2.1.1
 * simulator to serve. What 2.2 changed, undone (changelog 2.2 → 2.2.1 "Changes between OCPI 2.2 and 2.2.1"
 * and mod_locations 2.1.1 §3.1–3.3, mod_tariffs 2.1.1 §3.1):
 * - Location: no country_code / party_id / publish / state; `type` (LocationType) instead of parking_type;
 *   time_zone optional; Hours has regular_hours *or* twentyfourseven;
 * - Connector: voltage / amperage / one tariff_id instead of max_voltage / max_amperage / tariff_ids, no
 *   max_electric_power;
 * - Tariff: no country_code / party_id / type / min_price / max_price / start_date_time / end_date_time,
 *   price components without vat.
 */
import { isRecord } from '../guards';
import type { RawObject } from '../ocpi-types';

/** LocationType (2.1.1 §4.16) for each ParkingType (2.2.1); the 2.2 additions had no 2.1.1 name. */
const LOCATION_TYPE: Readonly<Record<string, string>> = {
  ON_STREET: 'ON_STREET',
  PARKING_GARAGE: 'PARKING_GARAGE',
  UNDERGROUND_GARAGE: 'UNDERGROUND_GARAGE',
  PARKING_LOT: 'PARKING_LOT',
  ALONG_MOTORWAY: 'OTHER',
  ON_DRIVEWAY: 'OTHER',
};

function without(o: RawObject, keys: string[]): RawObject {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

function connector211(c: RawObject): RawObject {
  const tariffIds = Array.isArray(c.tariff_ids) ? c.tariff_ids : [];
  return {
    ...without(c, ['max_voltage', 'max_amperage', 'max_electric_power', 'tariff_ids']),
    voltage: c.max_voltage,
    amperage: c.max_amperage,
    ...(tariffIds.length > 0 ? { tariff_id: tariffIds[0] } : {}),
  };
}

function hours211(h: unknown): unknown {
  if (!isRecord(h) || !Array.isArray(h.regular_hours) || h.regular_hours.length === 0) return h;
  return without(h, ['twentyfourseven']);
}

/** Takes a 2.2.1 Location; returns it as 2.1.1. `dropTimeZone`: leave time_zone out (optional in 2.1.1). */
export function toOcpi211Location(location: RawObject, options: { dropTimeZone?: boolean } = {}): RawObject {
  const parking = typeof location.parking_type === 'string' ? location.parking_type : undefined;
  const out: RawObject = {
    ...without(location, ['country_code', 'party_id', 'publish', 'publish_allowed_to', 'state', 'parking_type', ...(options.dropTimeZone ? ['time_zone'] : [])]),
    type: parking ? (LOCATION_TYPE[parking] ?? 'OTHER') : 'UNKNOWN',
    evses: (Array.isArray(location.evses) ? location.evses : []).map((e: RawObject) => ({
      ...e,
      connectors: (Array.isArray(e.connectors) ? e.connectors : []).map(connector211),
    })),
  };
  if (location.opening_times !== undefined) out.opening_times = hours211(location.opening_times);
  return out;
}

/** Takes a 2.2.1 Tariff; returns it as 2.1.1. */
export function toOcpi211Tariff(tariff: RawObject): RawObject {
  return {
    ...without(tariff, ['country_code', 'party_id', 'type', 'min_price', 'max_price', 'start_date_time', 'end_date_time']),
    elements: (Array.isArray(tariff.elements) ? tariff.elements : []).map((e: RawObject) => ({
      ...e,
      price_components: (Array.isArray(e.price_components) ? e.price_components : []).map((p: RawObject) => without(p, ['vat'])),
    })),
  };
}
