/**
 * The SQL of the chargers search, built from a LocationSearch. Geo uses only what PostgreSQL has built in, so the
 * same SQL runs on the server and on PGlite: the `point` column location.geo (longitude, latitude) with its GiST
 * index selects candidates inside one or two boxes (`<@ box`), then the haversine distance (mean Earth radius)
 * filters a circle exactly and orders the results (by the distance to the millimetre, see SORT_KEY_SQL).
 */
import { currentVersionSql } from '../connector-tariffs.reader';
import { searchedEvseSql, searchedLocationSql } from '../location-visibility';
import { LatLon, LocationSearch, SearchArea } from './search-query';

export const EARTH_RADIUS_M = 6371008.8;
const DEG = Math.PI / 180;

/**
 * Results are ordered, and the keyset cursor compares, by the distance rounded to the millimetre (then by id): the
 * in-memory index (index/search-scan.ts) computes the same haversine expression, but its sin/cos (V8) and PostgreSQL's
 * (the C library) may differ in the last bit, which would make a cursor of one path repeat or skip a result in the
 * other. Rounding to whole millimetres with the same IEEE operations (×1000, +0.5, floor, ÷1000 are exact-rounded in
 * both) makes both agree except when a distance lies within ~1e-12 m of a half millimetre.
 */
const SORT_KEY_SQL = 'floor(x.distance_m * 1000::float8 + 0.5::float8) / 1000::float8';

/** The sort key of a distance, as SORT_KEY_SQL computes it. */
export function sortKeyM(distanceM: number): number {
  return Math.floor(distanceM * 1000 + 0.5) / 1000;
}

/** A box in degrees that does not cross the antimeridian. */
export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** Collects parameters and hands out their $n placeholders. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/**
 * Boxes that together cover the search area: one, or two when it crosses the antimeridian. For a circle, the
 * exact extent of a spherical cap: latitude ± r/R, longitude ± asin(sin(r/R) / cos(latitude)), every longitude
 * when the cap holds a pole.
 */
export function boxesFor(area: SearchArea): Box[] {
  if (area.kind === 'bbox') return splitAtAntimeridian(area.west, area.south, area.east < area.west ? area.east + 360 : area.east, area.north);
  const { latitude, longitude } = area.centre;
  const angular = area.radiusM / EARTH_RADIUS_M; // radians
  const south = latitude - angular / DEG;
  const north = latitude + angular / DEG;
  if (north >= 90 || south <= -90 || Math.sin(angular) >= Math.cos(latitude * DEG)) {
    return [{ west: -180, south: Math.max(south, -90), east: 180, north: Math.min(north, 90) }];
  }
  const dLon = Math.asin(Math.sin(angular) / Math.cos(latitude * DEG)) / DEG;
  // A hair wider than exact, so float rounding never drops a point on the circle's edge (the distance test is exact).
  const margin = 1e-9;
  return splitAtAntimeridian(longitude - dLon - margin, south - margin, longitude + dLon + margin, north + margin);
}

/** [west, east] may run past ±180 (east > 180 or west < -180): split it into boxes within [-180, 180]. */
function splitAtAntimeridian(west: number, south: number, east: number, north: number): Box[] {
  if (east - west >= 360) return [{ west: -180, south, east: 180, north }];
  if (west < -180)
    return [
      { west: west + 360, south, east: 180, north },
      { west: -180, south, east, north },
    ];
  if (east > 180)
    return [
      { west, south, east: 180, north },
      { west: -180, south, east: east - 360, north },
    ];
  return [{ west, south, east, north }];
}

/** The centre of a box (across the antimeridian too), the default origin of a box search. */
export function boxCentre(area: Extract<SearchArea, { kind: 'bbox' }>): LatLon {
  const east = area.east < area.west ? area.east + 360 : area.east;
  const longitude = (area.west + east) / 2;
  return { latitude: (area.south + area.north) / 2, longitude: longitude > 180 ? longitude - 360 : longitude };
}

/**
 * One page of candidate Locations with their EVSEs (JSON), nearest first, at most `limit` rows, after `after`. Each
 * connector says which current tariff version each of its tariff ids has (`held`; null for an id we do not hold), so
 * prices need no second query.
 * Opening hours are NOT in the SQL (time zones, DST): the caller evaluates them for rows whose hours need it.
 */
export function searchSql(q: LocationSearch, after: { distanceM: number; id: string } | null, limit: number): { text: string; values: unknown[] } {
  const p = new Params();
  const lat = p.add(q.origin.latitude, '::float8');
  const lon = p.add(q.origin.longitude, '::float8');
  const distance = `${EARTH_RADIUS_M} * 2 * asin(least(1, sqrt(
      power(sin(radians(l.latitude - ${lat}) / 2), 2) +
      cos(radians(${lat})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${lon}) / 2), 2))))`;
  const boxes = boxesFor(q.area).map(
    (b) => `l.geo <@ box(point(${p.add(b.west, '::float8')}, ${p.add(b.south, '::float8')}), point(${p.add(b.east, '::float8')}, ${p.add(b.north, '::float8')}))`,
  );
  const where = [`(${boxes.join(' OR ')})`, searchedLocationSql()];
  if (q.area.kind === 'radius') where.push(`d.distance_m <= ${p.add(q.area.radiusM, '::float8')}`);
  if (after) where.push(`(d.sort_m, l.id) > (${p.add(after.distanceM, '::float8')}, ${p.add(after.id, '::uuid')})`);
  if (q.parties.length > 0) {
    where.push(
      `(l.country_code, l.party_id) IN (SELECT * FROM unnest(${p.add(
        q.parties.map((x) => x.countryCode),
        '::text[]',
      )}, ${p.add(
        q.parties.map((x) => x.partyId),
        '::text[]',
      )}))`,
    );
  }
  if (q.parkingTypes.length > 0) where.push(`l.parking_type = ANY(${p.add(q.parkingTypes, '::text[]')})`);
  if (q.open247) where.push('l.is_24_7');
  const evseFilter = evseFilterSql(q, p);
  const now = p.add(q.at.toISOString(), '::timestamptz');
  const text = `
    SELECT page.distance_m, page.sort_m, l.id, l.ocpi_id, l.country_code, l.party_id, l.name, l.address, l.city, l.postal_code, l.country,
      l.latitude, l.longitude, l.time_zone, l.parking_type, l.facilities, l.is_24_7, l.opening_times,
      coalesce(l.always_open_from <= ${now}, false) AS always_open,
      l.operator ->> 'name' AS operator_name,
      (SELECT cp.business_details ->> 'name' FROM connection_party cp
        WHERE cp.country_code = l.country_code AND cp.party_id = l.party_id ORDER BY cp.role LIMIT 1) AS cpo_name,
      (SELECT s.last_success_started FROM sync_state s WHERE s.connection_id = l.connection_id AND s.module = 'locations') AS data_as_of,
      (SELECT coalesce(json_agg(json_build_object(
          'uid', e.uid, 'evse_id', e.evse_id, 'status', e.status, 'status_changed_at', e.status_changed_at,
          'capabilities', e.capabilities,
          'connectors', (SELECT coalesce(json_agg(json_build_object(
              'id', c.id, 'ocpi_id', c.ocpi_id, 'standard', c.standard, 'format', c.format, 'power_type', c.power_type,
              'max_power_kw', c.max_power_kw, 'declared', coalesce(c.max_electric_power > 0, false), 'tariff_ids', c.tariff_ids,
              'held', (SELECT json_agg(json_build_array(tid, ${currentVersionSql('l.country_code', 'l.party_id', 'tid')}))
                FROM unnest(c.tariff_ids) AS tid))
            ORDER BY c.ocpi_id), '[]') FROM connector c WHERE c.evse_id = e.id)
        ) ORDER BY e.uid), '[]')
        FROM evse e WHERE e.location_id = l.id AND ${evseFilter}) AS evses
    FROM (
      SELECT c.id, c.distance_m, c.sort_m
      FROM (
        SELECT l.id, d.distance_m, d.sort_m
        FROM location l CROSS JOIN LATERAL (SELECT x.distance_m, ${SORT_KEY_SQL} AS sort_m FROM (SELECT ${distance} AS distance_m) x) d
        WHERE ${where.join('\n          AND ')}
        ORDER BY d.sort_m, l.id
        OFFSET 0
      ) c
      -- "A Location without any valid EVSE object can be considered expired and should no longer be displayed"
      -- (mod_locations 2.2.1 §8.1, see location-visibility.ts): at least one EVSE listed and matching the EVSE
      -- filters (AVAILABLE for available_now). Checked on the candidates in distance order, so only until the page is full: OFFSET 0
      -- keeps the planner from pushing this test below the sort, where it would run for every candidate.
      WHERE EXISTS (SELECT 1 FROM evse e WHERE e.location_id = c.id AND ${evseFilter})
      LIMIT ${p.add(limit, '::int')}
    ) page
    JOIN location l ON l.id = page.id
    ORDER BY page.sort_m, page.id`;
  return { text, values: p.values };
}

/**
 * EVSEs (alias e) listed and counted: listed (not REMOVED, not absent), with the capabilities asked for and a matching connector,
 * and AVAILABLE for available_now (free now, once the caller has dropped the Locations closed now): every EVSE filter
 * narrows the EVSEs a result lists in the same way.
 */
function evseFilterSql(q: LocationSearch, p: Params): string {
  const parts = [searchedEvseSql()];
  if (q.availableNow) parts.push(`e.status = 'AVAILABLE'`);
  if (q.capabilities.length > 0) parts.push(`e.capabilities @> ${p.add(q.capabilities, '::text[]')}`);
  const connector: string[] = [];
  if (q.connectorStandards.length > 0) connector.push(`c.standard = ANY(${p.add(q.connectorStandards, '::text[]')})`);
  if (q.powerTypes.length > 0) connector.push(`c.power_type = ANY(${p.add(q.powerTypes, '::text[]')})`);
  if (q.minPowerKw !== null) connector.push(`c.max_power_kw >= ${p.add(q.minPowerKw, '::numeric')}`);
  if (connector.length > 0) parts.push(`EXISTS (SELECT 1 FROM connector c WHERE c.evse_id = e.id AND ${connector.join(' AND ')})`);
  return parts.join(' AND ');
}
