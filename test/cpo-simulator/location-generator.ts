/**
 * Generates N plausible OCPI 2.2.1 Location objects (mod_locations 2.2.1 §Location object),
 * deterministically from a seed: same options → identical output, byte for byte.
 */
import { countryProfile, type CountryProfile } from './country-profiles';
import { generateEvse, type EvseKind } from './evse-generator';
import { formatOcpiDateTime, parseOcpiDateTime } from './ocpi-datetime';
import type { GeoLocation, Location } from './ocpi-types';
import { generateOpeningTimes } from './opening-times-generator';
import { mulberry32, type Rng } from './prng';

/** Default start of the last_updated spread; fixed so date_from/date_to tests are stable. */
export const GENERATOR_BASE_DATE = '2024-01-01T00:00:00Z';
/** Default length of the last_updated spread, in days. */
export const GENERATOR_SPREAD_DAYS = 365;

export interface GenerateLocationsOptions {
  count: number;
  seed: number;
  center: { latitude: number; longitude: number };
  radiusKm: number;
  countryCode: string;
  partyId: string;
  /** Tariff ids connectors may refer to (one per connector). Omitted → no tariff_ids. */
  tariffIds?: readonly string[];
  /** ISO 3166-1 alpha-3 `country`. Default from countryCode (NL → NLD …). */
  country?: string;
  /** IANA `time_zone`. Default from countryCode (NL → Europe/Amsterdam …). */
  timeZone?: string;
  /** `city` of every Location. Default from countryCode (NL → Amsterdam …). */
  city?: string;
  /** `operator.name`. Default `<partyId> Charging`. */
  operatorName?: string;
  /** last_updated values lie in [baseDate, baseDate + spreadDays). Default GENERATOR_BASE_DATE. */
  baseDate?: string;
  /** Default GENERATOR_SPREAD_DAYS. */
  spreadDays?: number;
}

type SiteKind = 'STREET' | 'DESTINATION' | 'FAST_HUB';

const SITE_WEIGHTS = { STREET: 55, DESTINATION: 20, FAST_HUB: 25 } as const;
const SITE: Record<SiteKind, { evseKind: EvseKind; parking: readonly string[]; facilities: readonly string[]; evses: [number, number] }> = {
  STREET: { evseKind: 'AC', parking: ['ON_STREET'], facilities: ['BUS_STOP', 'TRAM_STOP', 'CAFE', 'BIKE_SHARING'], evses: [1, 3] },
  DESTINATION: {
    evseKind: 'AC',
    parking: ['PARKING_LOT', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE'],
    facilities: ['SUPERMARKET', 'MALL', 'HOTEL', 'RESTAURANT', 'SPORT', 'MUSEUM'],
    evses: [2, 6],
  },
  FAST_HUB: { evseKind: 'DC', parking: ['ALONG_MOTORWAY', 'PARKING_LOT'], facilities: ['FUEL_STATION', 'RESTAURANT', 'CAFE', 'WIFI'], evses: [2, 6] },
};
const FACILITY_LABEL: Readonly<Record<string, string>> = {
  SUPERMARKET: 'Supermarket',
  MALL: 'Shopping centre',
  HOTEL: 'Hotel',
  RESTAURANT: 'Restaurant',
  SPORT: 'Sports centre',
  MUSEUM: 'Museum',
};
const KM_PER_DEGREE = 111.32;

/** Uniform point in a disc of radiusKm around the centre; strings with 6 decimals (§GeoLocation). */
function coordinates(rng: Rng, center: GenerateLocationsOptions['center'], radiusKm: number): GeoLocation {
  const r = radiusKm * Math.sqrt(rng.next());
  const theta = 2 * Math.PI * rng.next();
  const lat = Math.max(-89.999999, Math.min(89.999999, center.latitude + (r * Math.cos(theta)) / KM_PER_DEGREE));
  const cosLat = Math.max(0.01, Math.cos((center.latitude * Math.PI) / 180));
  let lon = center.longitude + (r * Math.sin(theta)) / (KM_PER_DEGREE * cosLat);
  lon = ((((lon + 180) % 360) + 360) % 360) - 180;
  return { latitude: lat.toFixed(6), longitude: lon.toFixed(6) };
}

function pickSome(rng: Rng, items: readonly string[], max: number): string[] {
  const pool = [...items];
  const out: string[] = [];
  for (let n = rng.int(0, max); n > 0 && pool.length > 0; n--) out.push(...pool.splice(rng.int(0, pool.length - 1), 1));
  return out;
}

function profileFor(options: GenerateLocationsOptions): CountryProfile {
  const known = countryProfile(options.countryCode);
  if (known) return known;
  if (!options.country || !options.timeZone) {
    throw new Error(`generateLocations: no defaults for country code ${options.countryCode}; pass country and timeZone`);
  }
  return {
    alpha3: options.country,
    timeZone: options.timeZone,
    city: options.city ?? 'Simulator City',
    streets: ['Main Street', 'Station Road', 'Market Square'],
    postalCode: (rng) => String(rng.int(10000, 99999)),
  };
}

/** Builds Location number `n` (1-based). */
function generateLocation(rng: Rng, n: number, options: GenerateLocationsOptions, profile: CountryProfile, baseMs: number, spreadDays: number): Location {
  const site = rng.weighted(SITE_WEIGHTS);
  const shape = SITE[site];
  const lastUpdatedMs = baseMs + rng.int(0, spreadDays * 86_400 - 1) * 1000;
  const street = rng.pick(profile.streets);
  const parkingType = rng.pick(shape.parking);
  const garage = parkingType.endsWith('GARAGE');
  const facilities = pickSome(rng, shape.facilities, 2);
  const coordinatesValue = coordinates(rng, options.center, options.radiusKm);
  const evseCount = rng.int(shape.evses[0], shape.evses[1]);
  const evses = Array.from({ length: evseCount }, (_, i) =>
    generateEvse(rng, {
      kind: shape.evseKind,
      locationNumber: n,
      evseNumber: i + 1,
      countryCode: options.countryCode,
      partyId: options.partyId,
      notAfterMs: lastUpdatedMs,
      floorLevel: garage ? String(parkingType === 'UNDERGROUND_GARAGE' ? -rng.int(1, 3) : rng.int(0, 4)) : undefined,
      tariffIds: options.tariffIds,
    }),
  );
  const openingTimes = generateOpeningTimes(rng, site === 'DESTINATION', baseMs, spreadDays);
  const name = site === 'FAST_HUB' ? `Fast charging ${street}` : site === 'DESTINATION' ? `${FACILITY_LABEL[facilities[0]] ?? 'Parking'} ${street}` : street;
  return {
    country_code: options.countryCode,
    party_id: options.partyId,
    id: `LOC-${String(n).padStart(6, '0')}`,
    publish: true,
    name,
    address: `${street} ${rng.int(1, 250)}`,
    city: options.city ?? profile.city,
    postal_code: profile.postalCode(rng),
    country: options.country ?? profile.alpha3,
    coordinates: coordinatesValue,
    parking_type: parkingType,
    evses,
    operator: { name: options.operatorName ?? `${options.partyId} Charging` },
    ...(facilities.length > 0 ? { facilities } : {}),
    time_zone: options.timeZone ?? profile.timeZone,
    opening_times: openingTimes,
    ...(openingTimes.twentyfourseven ? {} : { charging_when_closed: rng.chance(0.7) }),
    last_updated: formatOcpiDateTime(lastUpdatedMs),
  };
}

/**
 * Takes the options; returns `count` Locations with ids `LOC-000001`…, each with 1–6 EVSEs
 * (AC Type 2 sockets at street/destination sites, CCS ± CHAdeMO cables at fast hubs), statuses
 * mostly AVAILABLE, coordinates within radiusKm of the centre, last_updated spread over
 * [baseDate, baseDate + spreadDays) (EVSEs and connectors never newer than their Location).
 */
export function generateLocations(options: GenerateLocationsOptions): Location[] {
  const baseMs = parseOcpiDateTime(options.baseDate ?? GENERATOR_BASE_DATE);
  if (baseMs === null) throw new Error(`generateLocations: baseDate is not an OCPI DateTime: ${options.baseDate}`);
  const spreadDays = options.spreadDays ?? GENERATOR_SPREAD_DAYS;
  const profile = profileFor(options);
  const rng = mulberry32(options.seed);
  return Array.from({ length: options.count }, (_, i) => generateLocation(rng, i + 1, options, profile, baseMs, spreadDays));
}
