/**
 * The chargers search answered from memory: every published Location with its EVSEs (not REMOVED) and connectors,
 * the current version of every Tariff, and a grid of cells over latitude/longitude. It answers exactly what the SQL
 * path (search-sql.ts) answers — same candidates, same filters, same haversine distance, same order and keyset
 * cursor (by the distance to the millimetre: V8's and PostgreSQL's sin/cos may differ in the last bit) — and builds each result with the same pieces (result-parts.ts). Filled and kept fresh by
 * SearchIndexService; this file holds no I/O.
 *
 * Why: a search through PostgreSQL cost ~4.4 ms of database and ~3 ms of Node per request; from memory it costs a
 * few hundred microseconds of Node only (issue 6: p99 under 50 ms with 50 clients on two cores).
 */
import { evseAvailability, type Opening } from '../../availability';
import type { NotFree } from '../../availability';
import { alwaysOpenState, evaluateOpeningHoursUntil } from '../../opening-hours';
import type { Hours } from '../../opening-times.model';
import type { CanonicalTariff } from '../../../tariffs/tariff.model';
import { summariseTariff } from '../../../tariffs/tariff-summary';
import { connectorGroups, listPrice } from '../result-parts';
import { encodeCursor, LocationSearch, queryFingerprint } from '../search-query';
import type { ListPrice, SearchConnector, SearchEvse, SearchPage, SearchResult } from '../search-result';
import { Box, boxesFor, EARTH_RADIUS_M, sortKeyM } from '../search-sql';

/** PostgreSQL's radians(): x * RADIANS_PER_DEGREE (the same double as Math.PI / 180). */
const RADIANS_PER_DEGREE = 0.0174532925199432957692;
/** Grid cell edge, degrees: ~2.2 km north–south; a 2 km radius search reads about a dozen cells. */
const CELL_DEG = 0.02;
const LON_CELLS = Math.ceil(360 / CELL_DEG) + 2;

export interface IndexedConnector {
  id: string;
  ocpiId: string;
  standard: string;
  format: string;
  powerType: string;
  maxPowerKw: number;
  source: 'declared' | 'computed';
  tariffIds: string[];
  /** party|ocpi id of each listed tariff, the key of SearchIndex.tariffs. */
  tariffKeys: string[];
}

export interface IndexedEvse {
  uid: string;
  evseId: string | null;
  status: string;
  statusChangedMs: number;
  statusChangedIso: string;
  capabilities: string[];
  connectors: IndexedConnector[];
}

/** One published Location as the search needs it (EVSEs not REMOVED, in uid order as the SQL path lists them). */
export interface IndexedLocation {
  id: string;
  ocpiId: string;
  countryCode: string;
  partyId: string;
  name: string | null;
  address: string;
  city: string;
  postalCode: string | null;
  country: string;
  latitude: number;
  longitude: number;
  /** cos(radians(latitude)), a factor of every distance to this Location. */
  cosLatitude: number;
  timeZone: string;
  parkingType: string | null;
  facilities: string[];
  is247: boolean;
  openingTimes: Hours | null;
  /** location.always_open_from in epoch ms (-Infinity: always), null when the hours need evaluating. */
  alwaysOpenFrom: number | null;
  operatorName: string | null;
  connectionId: string | null;
  evses: IndexedEvse[];
  /** The opening state last evaluated, kept until it may change (see evaluateOpeningHoursUntil). */
  opening: { state: Opening; from: number; until: number } | null;
}

/** A current tariff version, with its list-view price line per language made once. */
export class IndexedTariff {
  readonly startMs: number | null;
  readonly endMs: number | null;
  private readonly prices = new Map<string, ListPrice | null>();

  constructor(
    readonly versionId: string,
    readonly tariff: CanonicalTariff,
  ) {
    this.startMs = tariff.start_date_time ? new Date(tariff.start_date_time).getTime() : null;
    this.endMs = tariff.end_date_time ? new Date(tariff.end_date_time).getTime() : null;
  }

  /** isActive (tariff-summary.ts) on the parsed instants: an unparsable date is never active, as there. */
  activeAt(atMs: number): boolean {
    return (this.startMs === null || this.startMs <= atMs) && (this.endMs === null || atMs < this.endMs);
  }

  price(lang: string): ListPrice | null {
    let price = this.prices.get(lang);
    if (price === undefined) {
      price = listPrice(summariseTariff(this.tariff, lang));
      if (this.prices.size < 20) this.prices.set(lang, price);
    }
    return price;
  }
}

export function tariffKey(countryCode: string, partyId: string, ocpiId: string): string {
  return `${countryCode}|${partyId}|${ocpiId}`;
}

/** A candidate on the page: its distance, its sort key (the cursor's, see sortKeyM) and Location. */
interface Hit {
  distanceM: number;
  sortM: number;
  location: IndexedLocation;
}

export class SearchIndex {
  private readonly locations = new Map<string, IndexedLocation>();
  private readonly cells = new Map<number, IndexedLocation[]>();
  /** Current tariff versions by tariffKey. */
  readonly tariffs = new Map<string, IndexedTariff>();
  /** sync_state.last_success_started of module locations, ISO, by connection id (a result's data_as_of). */
  dataAsOf = new Map<string, string | null>();
  /** business_details.name of each party (country|party), when the Location names no operator. */
  partyNames = new Map<string, string | null>();

  get size(): number {
    return this.locations.size;
  }

  get evseCount(): number {
    let n = 0;
    for (const l of this.locations.values()) n += l.evses.length;
    return n;
  }

  /** Puts (or replaces) a Location; one without any EVSE left is dropped, as the search never shows it. */
  put(location: IndexedLocation): void {
    this.remove(location.id);
    if (location.evses.length === 0) return;
    this.locations.set(location.id, location);
    const key = cellOf(location.latitude, location.longitude);
    const cell = this.cells.get(key);
    if (cell) cell.push(location);
    else this.cells.set(key, [location]);
  }

  remove(id: string): void {
    const old = this.locations.get(id);
    if (!old) return;
    this.locations.delete(id);
    const key = cellOf(old.latitude, old.longitude);
    const cell = this.cells.get(key)!;
    const i = cell.indexOf(old);
    cell.splice(i, 1);
    if (cell.length === 0) this.cells.delete(key);
  }

  /**
   * One page, as LocationSearchService.searchSql answers it. next_cursor is set only when another result follows
   * (the SQL path may also set it when the next page turns out empty: its batches cannot know).
   */
  search(q: LocationSearch): SearchPage {
    const atMs = q.at.getTime();
    const boxes = boxesFor(q.area);
    const { latitude: oLat, longitude: oLon } = q.origin;
    const cosOrigin = Math.cos(oLat * RADIANS_PER_DEGREE);
    const radius = q.area.kind === 'radius' ? q.area.radiusM : Infinity;
    const after = q.cursor && { distanceM: q.cursor.distanceM, id: q.cursor.id.toLowerCase() };
    const parties = q.parties.length > 0 ? new Set(q.parties.map((p) => `${p.countryCode}|${p.partyId}`)) : null;
    const parking = q.parkingTypes.length > 0 ? new Set(q.parkingTypes) : null;
    const evseMatches = evseMatcher(q);
    const want = q.limit + 1; // one more than the page tells whether a next page exists
    const top: Hit[] = []; // best `want` so far, ascending by (distance, id)

    for (const cell of this.cellsIn(boxes)) {
      for (const l of cell) {
        if (!inBoxes(boxes, l.longitude, l.latitude)) continue;
        if (parties && !parties.has(`${l.countryCode}|${l.partyId}`)) continue;
        if (parking && (l.parkingType === null || !parking.has(l.parkingType))) continue;
        if (q.open247 && !l.is247) continue;
        // Exactly the SQL expression, term by term in the same order (see searchSql).
        const dLat = Math.sin(((l.latitude - oLat) * RADIANS_PER_DEGREE) / 2);
        const dLon = Math.sin(((l.longitude - oLon) * RADIANS_PER_DEGREE) / 2);
        const d = EARTH_RADIUS_M * 2 * Math.asin(Math.min(1, Math.sqrt(dLat * dLat + cosOrigin * l.cosLatitude * (dLon * dLon))));
        if (!(d <= radius)) continue;
        const key = sortKeyM(d);
        if (after && (key < after.distanceM || (key === after.distanceM && l.id <= after.id))) continue;
        if (top.length === want && !before(key, l.id, top[want - 1])) continue;
        if (!l.evses.some((e) => evseMatches(e) && (!q.availableNow || e.status === 'AVAILABLE'))) continue;
        if (q.availableNow && !this.openingOf(l, q.at, atMs).open) continue;
        insertSorted(top, { distanceM: d, sortM: key, location: l }, want);
      }
    }

    const page = top.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor = top.length > q.limit ? encodeCursor({ distanceM: last.sortM, id: last.location.id }, queryFingerprint(q)) : null;
    return {
      data: page.map((hit) => this.result(hit, q, evseMatches, atMs)),
      meta: { count: page.length, evaluated_at: q.at.toISOString(), next_cursor: nextCursor, origin: q.origin },
    };
  }

  /** The cells that may hold points of `boxes`: by cell number, or every occupied cell when that is fewer. */
  private cellsIn(boxes: Box[]): IndexedLocation[][] {
    let count = 0;
    for (const b of boxes) count += (cellRow(b.north) - cellRow(b.south) + 1) * (cellCol(b.east) - cellCol(b.west) + 1);
    if (count >= this.cells.size) return [...this.cells.values()];
    const out: IndexedLocation[][] = [];
    for (const b of boxes) {
      for (let row = cellRow(b.south); row <= cellRow(b.north); row++) {
        for (let col = cellCol(b.west); col <= cellCol(b.east); col++) {
          const cell = this.cells.get(row * LON_CELLS + col);
          if (cell) out.push(cell);
        }
      }
    }
    return out;
  }

  /** The Location's opening state at `at`, evaluated again only once the kept one may have changed. */
  private openingOf(l: IndexedLocation, at: Date, atMs: number): Opening {
    if (l.alwaysOpenFrom !== null && l.alwaysOpenFrom <= atMs) return alwaysOpenState(l.openingTimes);
    const kept = l.opening;
    if (kept && kept.from <= atMs && atMs < kept.until) return kept.state;
    let opening: { state: Opening; from: number; until: number };
    try {
      const { state, validUntil } = evaluateOpeningHoursUntil(l.openingTimes, l.timeZone, at);
      opening = { state, from: atMs, until: validUntil };
    } catch (error) {
      opening = { state: { open: false, reason: 'UNREADABLE_OPENING_TIMES', changesAt: null, detail: (error as Error).message }, from: -Infinity, until: Infinity };
    }
    l.opening = opening;
    return opening.state;
  }

  /** The list view of one Location, built as the SQL path's toResult + attachPrices + connectorGroups build it. */
  private result(hit: Hit, q: LocationSearch, evseMatches: (e: IndexedEvse) => boolean, atMs: number): SearchResult {
    const l = hit.location;
    const opening = this.openingOf(l, q.at, atMs);
    const evses: SearchEvse[] = [];
    let free = 0;
    let oldest = 0;
    const notFree: Partial<Record<NotFree['reason'], number>> = {};
    for (const e of l.evses) {
      if (!evseMatches(e)) continue;
      const availability = evseAvailability(e.status, opening, q.at);
      const age = Math.max(0, Math.floor((atMs - e.statusChangedMs) / 1000));
      if (availability.free) free += 1;
      if (availability.not_free) notFree[availability.not_free.reason] = (notFree[availability.not_free.reason] ?? 0) + 1;
      if (age > oldest) oldest = age;
      evses.push({
        uid: e.uid,
        evse_id: e.evseId,
        status: e.status,
        status_changed_at: e.statusChangedIso,
        status_age_seconds: age,
        free: availability.free,
        not_free: availability.not_free,
        capabilities: e.capabilities,
        connectors: e.connectors.map((c): SearchConnector => ({
          id: c.id, ocpi_id: c.ocpiId, standard: c.standard, format: c.format, power_type: c.powerType,
          max_power_kw: c.maxPowerKw, max_power_source: c.source, tariff_ids: c.tariffIds,
          price: c.tariffKeys.length === 0 ? null : this.priceOf(c, q.lang, atMs),
        })),
      });
    }
    const result: SearchResult = {
      cpo: { country_code: l.countryCode, party_id: l.partyId, name: l.operatorName ?? this.partyNames.get(`${l.countryCode}|${l.partyId}`) ?? null },
      location: {
        id: l.id,
        ocpi_id: l.ocpiId,
        name: l.name,
        address: l.address,
        city: l.city,
        postal_code: l.postalCode,
        country: l.country,
        coordinates: { latitude: l.latitude, longitude: l.longitude },
        time_zone: l.timeZone,
        parking_type: l.parkingType,
        facilities: l.facilities,
        is_24_7: l.is247,
        opening: { open: opening.open, reason: opening.reason, changes_at: opening.changesAt },
      },
      distance_m: Math.round(hit.distanceM),
      evse_count: evses.length,
      free_evse_count: free,
      not_free_counts: notFree,
      connectors: connectorGroups(evses),
      status_age_seconds: oldest,
      data_as_of: (l.connectionId !== null && this.dataAsOf.get(l.connectionId)) || null,
    };
    if (q.withEvses) result.evses = evses;
    return result;
  }

  /** The connector's price line: its first active tariff for all sessions (primaryTariff), current version. */
  private priceOf(c: IndexedConnector, lang: string, atMs: number): ListPrice | null {
    let regular: IndexedTariff | null = null;
    let adHoc: IndexedTariff | null = null;
    let any: IndexedTariff | null = null;
    for (const key of c.tariffKeys) {
      const t = this.tariffs.get(key);
      if (!t || !t.activeAt(atMs)) continue;
      const type = t.tariff.type;
      if (!regular && (type === null || type === 'REGULAR')) regular = t;
      if (!adHoc && type === 'AD_HOC_PAYMENT') adHoc = t;
      if (!any) any = t;
    }
    const primary = regular ?? adHoc ?? any;
    return primary ? primary.price(lang) : null;
  }
}

/** The EVSE filters of the SQL path (evseFilterSql): capabilities all present, one connector matching all three. */
function evseMatcher(q: LocationSearch): (e: IndexedEvse) => boolean {
  const caps = q.capabilities;
  const standards = q.connectorStandards.length > 0 ? new Set(q.connectorStandards) : null;
  const powerTypes = q.powerTypes.length > 0 ? new Set(q.powerTypes) : null;
  const minKw = q.minPowerKw;
  const connectorFilter = standards !== null || powerTypes !== null || minKw !== null;
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
  while (i > 0 && before(hit.sortM, hit.location.id, top[i - 1])) i--;
  top.splice(i, 0, hit);
  if (top.length > max) top.pop();
}

function cellRow(latitude: number): number {
  return Math.floor((latitude + 90) / CELL_DEG);
}

function cellCol(longitude: number): number {
  return Math.floor((longitude + 180) / CELL_DEG);
}

function cellOf(latitude: number, longitude: number): number {
  return cellRow(latitude) * LON_CELLS + cellCol(longitude);
}
