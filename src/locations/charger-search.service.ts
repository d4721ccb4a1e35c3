import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { maxPowerKw } from './connector-power';
import { evaluateOpeningHours, OpeningState } from './opening-hours';
import { Hours } from './opening-times.model';

/** A search around a point: WGS84 degrees, radius in metres. */
export interface NearbyQuery {
  latitude: number;
  longitude: number;
  radiusM: number;
  /** Only Locations open now with at least one AVAILABLE EVSE. */
  availableNow: boolean;
  limit: number;
  /** The instant "now" is evaluated at (tests pin it). */
  at: Date;
}

export interface ChargerConnector {
  id: string;
  ocpi_id: string;
  standard: string;
  format: string;
  power_type: string;
  max_power_kw: number;
  max_power_source: 'declared' | 'computed';
  tariff_ids: string[];
}

export interface ChargerEvse {
  uid: string;
  evse_id: string | null;
  status: string;
  /** When the CPO last changed this EVSE's status (its last_updated at the change), UTC. */
  status_changed_at: string;
  connectors: ChargerConnector[];
}

export interface ChargerResult {
  cpo: { country_code: string; party_id: string; name: string | null };
  location: {
    id: string;
    ocpi_id: string;
    name: string | null;
    address: string;
    city: string;
    postal_code: string | null;
    country: string;
    coordinates: { latitude: number; longitude: number };
    time_zone: string;
    opening: Opening;
  };
  distance_m: number;
  evses: ChargerEvse[];
}

const EARTH_RADIUS_M = 6371008.8;
const METRES_PER_DEGREE_LAT = 111320;

/**
 * "Chargers near me" from our own database, never by calling a CPO. Geo uses PostgreSQL's built-in `point`
 * and a GiST index (same SQL on the server and on PGlite): a bounding box around the circle selects candidates
 * through the index, then the haversine distance filters and orders them exactly.
 * "Available now" means: published, an EVSE with status AVAILABLE, and open now by opening_times evaluated
 * in the Location's own time zone.
 */
@Injectable()
export class ChargerSearchService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Locations within `radiusM` of the point, nearest first, at most `limit`. */
  async nearby(q: NearbyQuery): Promise<ChargerResult[]> {
    const results: ChargerResult[] = [];
    // Opening hours are evaluated here, not in SQL, so a batch may lose some rows: fetch more until full.
    for (let offset = 0; results.length < q.limit; ) {
      const batchSize = q.availableNow ? q.limit * 2 : q.limit;
      const rows = await this.candidates(q, offset, batchSize);
      const evses = await this.evsesOf(rows.map((r) => r.id));
      for (const row of rows) {
        const opening = openingAt(row, q.at);
        const locationEvses = evses.get(row.id) ?? [];
        if (q.availableNow && !(opening.open && locationEvses.some((e) => e.status === 'AVAILABLE'))) continue;
        results.push(toResult(row, opening, locationEvses));
        if (results.length === q.limit) break;
      }
      if (rows.length < batchSize) break;
      offset += batchSize;
    }
    return results;
  }

  private candidates(q: NearbyQuery, offset: number, limit: number): Promise<LocationRow[]> {
    const dLat = q.radiusM / METRES_PER_DEGREE_LAT;
    const dLon = q.radiusM / (METRES_PER_DEGREE_LAT * Math.max(Math.cos((q.latitude * Math.PI) / 180), 0.01));
    return this.db.query(
      `SELECT * FROM (
         SELECT l.id, l.ocpi_id, l.country_code, l.party_id, l.name, l.address, l.city, l.postal_code, l.country,
           l.latitude, l.longitude, l.time_zone, l.opening_times, l.operator,
           (SELECT p.business_details ->> 'name' FROM connection_party p
             WHERE p.country_code = l.country_code AND p.party_id = l.party_id LIMIT 1) AS cpo_name,
           ${EARTH_RADIUS_M} * 2 * asin(sqrt(
             power(sin(radians(l.latitude - $1) / 2), 2) +
             cos(radians($1)) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - $2) / 2), 2))) AS distance_m
         FROM location l
         WHERE l.geo <@ box(point($2 - $4, $1 - $3), point($2 + $4, $1 + $3))
           AND l.publish
           ${q.availableNow ? `AND EXISTS (SELECT 1 FROM evse e WHERE e.location_id = l.id AND e.status = 'AVAILABLE')` : ''}
       ) c
       WHERE c.distance_m <= $5
       ORDER BY c.distance_m, c.id
       OFFSET $6 LIMIT $7`,
      [q.latitude, q.longitude, dLat, dLon, q.radiusM, offset, limit],
    );
  }

  private async evsesOf(locationIds: string[]): Promise<Map<string, EvseRow[]>> {
    if (locationIds.length === 0) return new Map();
    const rows: EvseRow[] = await this.db.query(
      `SELECT e.location_id, e.uid, e.evse_id, e.status, e.status_changed_at,
         coalesce(json_agg(json_build_object(
           'id', c.id, 'ocpi_id', c.ocpi_id, 'standard', c.standard, 'format', c.format, 'power_type', c.power_type,
           'max_voltage', c.max_voltage, 'max_amperage', c.max_amperage, 'max_electric_power', c.max_electric_power,
           'tariff_ids', c.tariff_ids) ORDER BY c.ocpi_id) FILTER (WHERE c.id IS NOT NULL), '[]') AS connectors
       FROM evse e LEFT JOIN connector c ON c.evse_id = e.id
       WHERE e.location_id = ANY($1::uuid[]) AND e.status <> 'REMOVED'
       GROUP BY e.id
       ORDER BY e.uid`,
      [locationIds],
    );
    const byLocation = new Map<string, EvseRow[]>();
    for (const row of rows) byLocation.set(row.location_id, [...(byLocation.get(row.location_id) ?? []), row]);
    return byLocation;
  }
}

interface LocationRow {
  id: string;
  ocpi_id: string;
  country_code: string;
  party_id: string;
  name: string | null;
  address: string;
  city: string;
  postal_code: string | null;
  country: string;
  latitude: number;
  longitude: number;
  time_zone: string;
  opening_times: unknown;
  operator: { name?: string } | null;
  cpo_name: string | null;
  distance_m: number;
}

interface EvseRow {
  location_id: string;
  uid: string;
  evse_id: string | null;
  status: string;
  status_changed_at: Date;
  connectors: Array<{
    id: string; ocpi_id: string; standard: string; format: string; power_type: string;
    max_voltage: number; max_amperage: number; max_electric_power: number | null; tariff_ids: string[];
  }>;
}

/** OpeningState, or why the CPO's opening_times could not be read (then the Location does not count as open). */
export type Opening = OpeningState | { open: false; reason: 'UNREADABLE_OPENING_TIMES'; changesAt: null; detail: string };

function openingAt(row: LocationRow, at: Date): Opening {
  try {
    return evaluateOpeningHours(row.opening_times as Hours | null, row.time_zone, at);
  } catch (error) {
    return { open: false, reason: 'UNREADABLE_OPENING_TIMES', changesAt: null, detail: (error as Error).message };
  }
}

function toResult(row: LocationRow, opening: Opening, evses: EvseRow[]): ChargerResult {
  return {
    cpo: { country_code: row.country_code, party_id: row.party_id, name: row.operator?.name ?? row.cpo_name },
    location: {
      id: row.id,
      ocpi_id: row.ocpi_id,
      name: row.name,
      address: row.address,
      city: row.city,
      postal_code: row.postal_code,
      country: row.country,
      coordinates: { latitude: row.latitude, longitude: row.longitude },
      time_zone: row.time_zone,
      opening,
    },
    distance_m: Math.round(Number(row.distance_m)),
    evses: evses.map((e) => ({
      uid: e.uid,
      evse_id: e.evse_id,
      status: e.status,
      status_changed_at: new Date(e.status_changed_at).toISOString(),
      connectors: e.connectors.map((c) => {
        const power = maxPowerKw(c);
        return {
          id: c.id, ocpi_id: c.ocpi_id, standard: c.standard, format: c.format, power_type: c.power_type,
          max_power_kw: power.kw, max_power_source: power.source, tariff_ids: c.tariff_ids,
        };
      }),
    })),
  };
}
