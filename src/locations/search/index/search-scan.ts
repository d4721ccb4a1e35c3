/**
 * The candidate scan of a search: the grid's cells nearest first, each Location's distance by exactly the SQL path's
 * haversine expression, the filters in the SQL path's terms, and the best `limit + 1` results by (distance to the
 * millimetre, id) after the cursor. The hot path of a search: its loop reads the cells' packed numbers and touches a
 * Location object only once it may be on the page.
 */
import type { LocationSearch } from '../search-query';
import * as searchSql from '../search-sql';
import { Box, boxesFor, sortKeyM } from '../search-sql';
import type { IndexedLocation } from './indexed-location';
import type { IndexedConnector, IndexedEvse } from './packed-evses';
import { openingOf } from './kept-opening';
import * as cellLayout from './search-grid';
import type { SearchGrid } from './search-grid';

// Module-level copies of the constants the scan's loop reads for every candidate: compiled to CommonJS, an imported
// constant is a property read at every use; a constant of this module is not.
const { NUMBERS, ANY_AVAILABLE, IS_24_7, RADIANS_PER_DEGREE } = cellLayout;
const { EARTH_RADIUS_M } = searchSql;

/** Stop margin beyond the last result: the sort key rounds to the millimetre; float error is far below. */
const STOP_MARGIN_M = 0.002;

/** A candidate on the page: its distance, its sort key (the cursor's, see sortKeyM) and Location. */
export interface Hit {
  distanceM: number;
  sortM: number;
  location: IndexedLocation;
}

/**
 * The best `q.limit + 1` candidates of `q` in `grid` at `atMs` (q.at in epoch ms), ascending by (sort key, id), after
 * q.cursor; one more than the page tells whether a next page exists. `evseMatches`: evseMatcher(q).
 */
export function scanNearest(grid: SearchGrid, q: LocationSearch, evseMatches: ((e: IndexedEvse) => boolean) | null, atMs: number): Hit[] {
  const boxes = boxesFor(q.area);
  const { latitude: oLat, longitude: oLon } = q.origin;
  const cosOrigin = Math.cos(oLat * RADIANS_PER_DEGREE);
  const radius = q.area.kind === 'radius' ? q.area.radiusM : Infinity;
  const after = q.cursor && { distanceM: q.cursor.distanceM, id: q.cursor.id.toLowerCase() };
  const parties = q.parties.length > 0 ? new Set(q.parties.map((p) => `${p.countryCode}|${p.partyId}`)) : null;
  const parking = q.parkingTypes.length > 0 ? new Set(q.parkingTypes) : null;
  const want = q.limit + 1; // one more than the page tells whether a next page exists
  const top: Hit[] = []; // best `want` so far, ascending by (distance, id)

  // Cells nearest first (by a lower bound of the distance of any point in them); once the page (plus one) is full,
  // a cell whose bound lies beyond its last result (by more than the millimetre of the sort key) cannot change it.
  let stopH = Infinity;
  const { cells, lowerH, order } = grid.cellsNearestFirst(boxes, q.origin, cosOrigin);
  for (const c of order) {
    if (lowerH[c] > stopH) break;
    const { numbers, locations } = cells[c];
    for (let i = 0; i < locations.length; i++) {
      const flags = numbers[i * NUMBERS + 4];
      if (q.open247 && (flags & IS_24_7) === 0) continue;
      if (q.availableNow && evseMatches === null && (flags & ANY_AVAILABLE) === 0) continue;
      const latitude = numbers[i * NUMBERS];
      const longitude = numbers[i * NUMBERS + 1];
      // Exactly the SQL expression, term by term in the same order (see searchSql).
      const dLat = Math.sin(((latitude - oLat) * RADIANS_PER_DEGREE) / 2);
      const dLon = Math.sin(((longitude - oLon) * RADIANS_PER_DEGREE) / 2);
      const h = dLat * dLat + cosOrigin * numbers[i * NUMBERS + 2] * (dLon * dLon);
      if (h > stopH) continue;
      const d = EARTH_RADIUS_M * 2 * Math.asin(Math.min(1, Math.sqrt(h)));
      if (!(d <= radius) || !inBoxes(boxes, longitude, latitude)) continue;
      const key = sortKeyM(d);
      const l = locations[i]; // the object itself only from here on (mostly for ties, filters and opening hours)
      if (after && (key < after.distanceM || (key === after.distanceM && l.id <= after.id))) continue;
      if (top.length === want && !before(key, l.id, top[want - 1])) continue;
      if (parties && !parties.has(`${l.countryCode}|${l.partyId}`)) continue;
      if (parking && (l.parkingType === null || !parking.has(l.parkingType))) continue;
      if (evseMatches !== null && !l.evses.unpack().some((e) => evseMatches(e) && (!q.availableNow || e.status === 'AVAILABLE'))) continue;
      if (q.availableNow && !(numbers[i * NUMBERS + 3] <= atMs) && !openingOf(l, q.at, atMs).state.open) continue;
      insertSorted(top, { distanceM: d, sortM: key, location: l }, want);
      if (top.length === want) stopH = havOf(top[want - 1].distanceM + STOP_MARGIN_M);
    }
  }
  return top;
}

/** The EVSE filters of the SQL path (evseFilterSql): capabilities all present, one connector matching all three. */
export function evseMatcher(q: LocationSearch): ((e: IndexedEvse) => boolean) | null {
  const caps = q.capabilities;
  const standards = q.connectorStandards.length > 0 ? new Set(q.connectorStandards) : null;
  const powerTypes = q.powerTypes.length > 0 ? new Set(q.powerTypes) : null;
  const minKw = q.minPowerKw;
  const connectorFilter = standards !== null || powerTypes !== null || minKw !== null;
  if (!connectorFilter && caps.length === 0) return null;
  const connectorMatches = (c: IndexedConnector) =>
    (!standards || standards.has(c.standard)) && (!powerTypes || powerTypes.has(c.powerType)) && (minKw === null || c.maxPowerKw >= minKw);
  return (e) => (caps.length === 0 || caps.every((cap) => e.capabilities.includes(cap))) && (!connectorFilter || e.connectors.some(connectorMatches));
}

/** PostgreSQL's `point <@ box`: inclusive on every edge. */
function inBoxes(boxes: Box[], x: number, y: number): boolean {
  for (const b of boxes) if (x >= b.west && x <= b.east && y >= b.south && y <= b.north) return true;
  return false;
}

function before(key: number, id: string, hit: Hit): boolean {
  return key < hit.sortM || (key === hit.sortM && id < hit.location.id);
}

function insertSorted(top: Hit[], hit: Hit, max: number): void {
  let i = top.length;
  while (i > 0 && (hit.sortM < top[i - 1].sortM || (hit.sortM === top[i - 1].sortM && hit.location.id < top[i - 1].location.id))) i--;
  top.splice(i, 0, hit);
  if (top.length > max) top.pop();
}

/** h (the haversine term, sin²(d / 2R)) of a distance d in metres. */
function havOf(distanceM: number): number {
  const s = Math.sin(Math.min(distanceM / (2 * EARTH_RADIUS_M), Math.PI / 2));
  return s * s;
}
