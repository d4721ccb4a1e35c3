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
/**
 * Grid cell edge, degrees: ~560 m north–south (~340 m east–west in the Netherlands), a few Locations per cell in a
 * city; a 2 km search around Amsterdam reads the ~20 cells nearest to its centre out of ~150.
 */
const CELL_DEG = 0.005;
const LON_CELLS = Math.ceil(360 / CELL_DEG) + 2;
/** Above this many cells in the search area, walk the occupied cells instead (a country-sized box). */
const MAX_CELLS_ENUMERATED = 20_000;
/** Stop margin beyond the last result: the sort key rounds to the millimetre; float error is far below. */
const STOP_MARGIN_M = 0.002;

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
  /** The connector kind its list-view group is for (shared by all connectors of that kind). */
  kind: ConnectorKind;
  /** Its JSON up to `"price":`, made on first use. */
  json?: string;
}

/** Standard, format, power type and max kW: a connector group of the list view (with the price line). */
export interface ConnectorKind {
  standard: string;
  maxPowerKw: number;
  /** The group's JSON up to `"evse_count":`. */
  json: string;
}

export interface IndexedEvse {
  uid: string;
  evseId: string | null;
  status: string;
  statusChangedMs: number;
  statusChangedIso: string;
  capabilities: string[];
  connectors: IndexedConnector[];
  /** Its JSON up to `"status_age_seconds":`, and from `"capabilities"` to `"connectors":[`, made on first use. */
  json?: { head: string; capabilities: string };
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
  /** Some EVSE is AVAILABLE (the "available now" candidates when no EVSE filter is given). */
  anyAvailable: boolean;
  /** The opening state last evaluated, kept until it may change (see evaluateOpeningHoursUntil), with its JSON. */
  opening: KeptOpening | null;
  /** Its JSON from `{"cpo":` to `"opening":`, made on first use, for the CPO names of generation `namesGeneration`. */
  json?: { head: string; namesGeneration: number };
}

interface KeptOpening {
  state: Opening;
  json: string;
  from: number;
  until: number;
}

const ALWAYS_OPEN: Record<'TWENTYFOURSEVEN' | 'NO_OPENING_TIMES', KeptOpening> = {
  TWENTYFOURSEVEN: kept(alwaysOpenState({ twentyfourseven: true }), -Infinity, Infinity),
  NO_OPENING_TIMES: kept(alwaysOpenState(null), -Infinity, Infinity),
};

function kept(state: Opening, from: number, until: number): KeptOpening {
  return { state, json: JSON.stringify({ open: state.open, reason: state.reason, changes_at: state.changesAt }), from, until };
}

/** Connector kinds by key, one object each. */
const kinds = new Map<string, ConnectorKind>();

/** The ConnectorKind of a connector: the group key of the SQL path's connectorGroups, minus the price. */
export function connectorKind(standard: string, format: string, powerType: string, maxPowerKw: number): ConnectorKind {
  const key = `${standard}|${format}|${powerType}|${maxPowerKw}`;
  let kind = kinds.get(key);
  if (!kind) {
    const json = JSON.stringify({ standard, format, power_type: powerType, max_power_kw: maxPowerKw });
    kind = { standard, maxPowerKw, json: `${json.slice(0, -1)},"evse_count":` };
    kinds.set(key, kind);
  }
  return kind;
}

/** Why an EVSE with this (non-AVAILABLE) status is not free, and its JSON: the same at every Location and instant. */
const notFreeByStatus = new Map<string, { reason: NotFree['reason']; json: string }>();
function notFreeOfStatus(status: string, at: Date): { reason: NotFree['reason']; json: string } {
  let known = notFreeByStatus.get(status);
  if (!known) {
    const notFree = evseAvailability(status, ALWAYS_OPEN.TWENTYFOURSEVEN.state, at).not_free!;
    known = { reason: notFree.reason, json: JSON.stringify(notFree) };
    if (notFreeByStatus.size < 1000) notFreeByStatus.set(status, known);
  }
  return known;
}

/** A current tariff version, with its list-view price line per language made once. */
export class IndexedTariff {
  readonly startMs: number | null;
  readonly endMs: number | null;
  private readonly prices = new Map<string, string>();

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

  /** The list-view price line in `lang`, as JSON. */
  priceJson(lang: string): string {
    let price = this.prices.get(lang);
    if (price === undefined) {
      price = JSON.stringify(listPrice(summariseTariff(this.tariff, lang)));
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
  private partyNames = new Map<string, string | null>();
  private namesGeneration = 0;

  /** Replaces the CPO names; rendered Locations are rendered again only when a name changed. */
  setPartyNames(names: Map<string, string | null>): void {
    if (names.size === this.partyNames.size && [...names].every(([k, v]) => this.partyNames.get(k) === v)) return;
    this.partyNames = names;
    this.namesGeneration += 1;
  }

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
  search(q: LocationSearch): string {
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

    // Cells nearest first (by a lower bound of the distance of any point in them); once the page (plus one) is full,
    // a cell whose bound lies beyond its last result (by more than the millimetre of the sort key) cannot change it.
    let stopH = Infinity;
    for (const { locations, lowerH } of this.cellsNearestFirst(boxes, q.origin, cosOrigin)) {
      if (lowerH > stopH) break;
      for (const l of locations) {
        if (!inBoxes(boxes, l.longitude, l.latitude)) continue;
        if (parties && !parties.has(`${l.countryCode}|${l.partyId}`)) continue;
        if (parking && (l.parkingType === null || !parking.has(l.parkingType))) continue;
        if (q.open247 && !l.is247) continue;
        // Exactly the SQL expression, term by term in the same order (see searchSql).
        const dLat = Math.sin(((l.latitude - oLat) * RADIANS_PER_DEGREE) / 2);
        const dLon = Math.sin(((l.longitude - oLon) * RADIANS_PER_DEGREE) / 2);
        const h = dLat * dLat + cosOrigin * l.cosLatitude * (dLon * dLon);
        if (h > stopH) continue;
        const d = EARTH_RADIUS_M * 2 * Math.asin(Math.min(1, Math.sqrt(h)));
        if (!(d <= radius)) continue;
        const key = sortKeyM(d);
        if (after && (key < after.distanceM || (key === after.distanceM && l.id <= after.id))) continue;
        if (top.length === want && !before(key, l.id, top[want - 1])) continue;
        if (evseMatches === null ? q.availableNow && !l.anyAvailable : !l.evses.some((e) => evseMatches(e) && (!q.availableNow || e.status === 'AVAILABLE'))) continue;
        if (q.availableNow && !this.openingOf(l, q.at, atMs).state.open) continue;
        insertSorted(top, { distanceM: d, sortM: key, location: l }, want);
        if (top.length === want) stopH = havOf(top[want - 1].distanceM + STOP_MARGIN_M);
      }
    }

    const page = top.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor = top.length > q.limit ? encodeCursor({ distanceM: last.sortM, id: last.location.id }, queryFingerprint(q)) : null;
    const meta = JSON.stringify({ count: page.length, evaluated_at: q.at.toISOString(), next_cursor: nextCursor, origin: q.origin });
    return `{"data":[${page.map((hit) => this.render(hit, q, evseMatches, atMs)).join(',')}],"meta":${meta}}`;
  }

  /**
   * The occupied cells that may hold points of `boxes`, each with a lower bound of the haversine term h of any point
   * in it, nearest first. Few cells (a city-sized search): by cell number; else every occupied cell.
   */
  private cellsNearestFirst(boxes: Box[], origin: { latitude: number; longitude: number }, cosOrigin: number): Array<{ locations: IndexedLocation[]; lowerH: number }> {
    let count = 0;
    for (const b of boxes) count += (cellRow(b.north) - cellRow(b.south) + 1) * (cellCol(b.east) - cellCol(b.west) + 1);
    const out: Array<{ locations: IndexedLocation[]; lowerH: number }> = [];
    const bound = (row: number, col: number) => lowerBoundH(row, col, origin, cosOrigin);
    if (count > MAX_CELLS_ENUMERATED || count >= this.cells.size) {
      for (const [key, locations] of this.cells) {
        const row = Math.floor(key / LON_CELLS);
        out.push({ locations, lowerH: bound(row, key - row * LON_CELLS) });
      }
    } else {
      for (const b of boxes) {
        for (let row = cellRow(b.south); row <= cellRow(b.north); row++) {
          for (let col = cellCol(b.west); col <= cellCol(b.east); col++) {
            const locations = this.cells.get(row * LON_CELLS + col);
            if (locations) out.push({ locations, lowerH: bound(row, col) });
          }
        }
      }
    }
    return out.sort((a, b) => a.lowerH - b.lowerH);
  }

  /** The Location's opening state at `at`, evaluated again only once the kept one may have changed. */
  private openingOf(l: IndexedLocation, at: Date, atMs: number): KeptOpening {
    if (l.alwaysOpenFrom !== null && l.alwaysOpenFrom <= atMs) return ALWAYS_OPEN[l.openingTimes?.twentyfourseven === true ? 'TWENTYFOURSEVEN' : 'NO_OPENING_TIMES'];
    const previous = l.opening;
    if (previous && previous.from <= atMs && atMs < previous.until) return previous;
    let opening: KeptOpening;
    try {
      const { state, validUntil } = evaluateOpeningHoursUntil(l.openingTimes, l.timeZone, at);
      opening = kept(state, atMs, validUntil);
    } catch (error) {
      opening = kept({ open: false, reason: 'UNREADABLE_OPENING_TIMES', changesAt: null, detail: (error as Error).message }, -Infinity, Infinity);
    }
    l.opening = opening;
    return opening;
  }

  /**
   * The list view of one Location as JSON, byte for byte what JSON.stringify gives for the SQL path's result
   * (toResult + attachPrices + connectorGroups): the same keys in the same order. Only ages, free counts, the
   * opening state and price lines vary per request; the rest is rendered once per Location, EVSE and connector.
   */
  private render(hit: Hit, q: LocationSearch, evseMatches: ((e: IndexedEvse) => boolean) | null, atMs: number): string {
    const l = hit.location;
    const opening = this.openingOf(l, q.at, atMs);
    let closedJson: string | null = null; // not_free of an AVAILABLE EVSE while the Location is closed
    let free = 0;
    let count = 0;
    let oldest = 0;
    const notFree: Partial<Record<NotFree['reason'], number>> = {};
    const groups: Group[] = [];
    const evses: string[] = [];
    const primaries = new Map<IndexedConnector, IndexedTariff | null>();
    for (const e of l.evses) {
      if (evseMatches !== null && !evseMatches(e)) continue;
      count += 1;
      const age = Math.max(0, Math.floor((atMs - e.statusChangedMs) / 1000));
      if (age > oldest) oldest = age;
      let isFree = false;
      let notFreeJson = 'null';
      if (e.status !== 'AVAILABLE') {
        const why = notFreeOfStatus(e.status, q.at);
        notFree[why.reason] = (notFree[why.reason] ?? 0) + 1;
        notFreeJson = why.json;
      } else if (opening.state.open) {
        isFree = true;
        free += 1;
      } else {
        closedJson ??= JSON.stringify(evseAvailability(e.status, opening.state, q.at).not_free);
        const reason = opening.state.reason === 'UNREADABLE_OPENING_TIMES' ? 'OPENING_TIMES_UNREADABLE' : 'LOCATION_CLOSED';
        notFree[reason] = (notFree[reason] ?? 0) + 1;
        notFreeJson = closedJson;
      }
      for (const c of e.connectors) {
        const tariff = this.primaryOf(c, atMs);
        primaries.set(c, tariff);
        let group = groups.find((g) => g.kind === c.kind && g.tariff === tariff);
        if (!group) {
          group = { kind: c.kind, tariff, evseCount: 0, freeCount: 0, lastEvse: null };
          groups.push(group);
        }
        if (group.lastEvse === e) continue; // an EVSE counts once per group
        group.lastEvse = e;
        group.evseCount += 1;
        if (isFree) group.freeCount += 1;
      }
      if (q.withEvses) evses.push(this.renderEvse(e, age, isFree, notFreeJson, primaries, q.lang));
    }
    groups.sort((a, b) => b.kind.maxPowerKw - a.kind.maxPowerKw || a.kind.standard.localeCompare(b.kind.standard));
    const connectors = groups.map((g) => `${g.kind.json}${g.evseCount},"free_evse_count":${g.freeCount},"price":${g.tariff ? g.tariff.priceJson(q.lang) : 'null'}}`);
    const dataAsOf = (l.connectionId !== null && this.dataAsOf.get(l.connectionId)) || null;
    return `${this.head(l)}${opening.json}},"distance_m":${Math.round(hit.distanceM)},"evse_count":${count},"free_evse_count":${free},`
      + `"not_free_counts":${JSON.stringify(notFree)},"connectors":[${connectors.join(',')}],"status_age_seconds":${oldest},`
      + `"data_as_of":${dataAsOf === null ? 'null' : `"${dataAsOf}"`}${q.withEvses ? `,"evses":[${evses.join(',')}]` : ''}}`;
  }

  /** `{"cpo":{…},"location":{…` up to `"opening":`. */
  private head(l: IndexedLocation): string {
    if (l.json && l.json.namesGeneration === this.namesGeneration) return l.json.head;
    const cpo = { country_code: l.countryCode, party_id: l.partyId, name: l.operatorName ?? this.partyNames.get(`${l.countryCode}|${l.partyId}`) ?? null };
    const location = JSON.stringify({
      id: l.id, ocpi_id: l.ocpiId, name: l.name, address: l.address, city: l.city, postal_code: l.postalCode, country: l.country,
      coordinates: { latitude: l.latitude, longitude: l.longitude }, time_zone: l.timeZone, parking_type: l.parkingType,
      facilities: l.facilities, is_24_7: l.is247,
    });
    const head = `{"cpo":${JSON.stringify(cpo)},"location":${location.slice(0, -1)},"opening":`;
    l.json = { head, namesGeneration: this.namesGeneration };
    return head;
  }

  /** One EVSE of `evses=true`, as the SQL path's SearchEvse. */
  private renderEvse(e: IndexedEvse, age: number, free: boolean, notFreeJson: string, primaries: Map<IndexedConnector, IndexedTariff | null>, lang: string): string {
    e.json ??= {
      head: `${JSON.stringify({ uid: e.uid, evse_id: e.evseId, status: e.status, status_changed_at: e.statusChangedIso }).slice(0, -1)},"status_age_seconds":`,
      capabilities: `,"capabilities":${JSON.stringify(e.capabilities)},"connectors":[`,
    };
    const connectors = e.connectors.map((c) => {
      c.json ??= `${JSON.stringify({
        id: c.id, ocpi_id: c.ocpiId, standard: c.standard, format: c.format, power_type: c.powerType, max_power_kw: c.maxPowerKw,
        max_power_source: c.source, tariff_ids: c.tariffIds,
      }).slice(0, -1)},"price":`;
      const tariff = primaries.get(c) ?? null;
      return `${c.json}${tariff ? tariff.priceJson(lang) : 'null'}}`;
    });
    return `${e.json.head}${age},"free":${free},"not_free":${notFreeJson}${e.json.capabilities}${connectors.join(',')}]}`;
  }

  /** The connector's tariff for the list view: its first active tariff for all sessions (primaryTariff), current version. */
  private primaryOf(c: IndexedConnector, atMs: number): IndexedTariff | null {
    if (c.tariffKeys.length === 0) return null;
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
    return regular ?? adHoc ?? any;
  }
}

/** A connector group being counted: kind and price line, EVSEs (each once), free ones. */
interface Group {
  kind: ConnectorKind;
  tariff: IndexedTariff | null;
  evseCount: number;
  freeCount: number;
  lastEvse: IndexedEvse | null;
}

/** The EVSE filters of the SQL path (evseFilterSql): capabilities all present, one connector matching all three. */
function evseMatcher(q: LocationSearch): ((e: IndexedEvse) => boolean) | null {
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
  while (i > 0 && before(hit.sortM, hit.location.id, top[i - 1])) i--;
  top.splice(i, 0, hit);
  if (top.length > max) top.pop();
}

/** h (the haversine term, sin²(d / 2R)) of a distance d in metres. */
function havOf(distanceM: number): number {
  const s = Math.sin(Math.min(distanceM / (2 * EARTH_RADIUS_M), Math.PI / 2));
  return s * s;
}

/**
 * A lower bound of h for any point of cell (row, col) seen from `origin`: h = hav(Δφ) + cos φ0 · cos φ · hav(Δλ) grows
 * with |Δφ|, with |Δλ| (around the circle) and with cos φ, so their least values over the cell bound it. Made a hair
 * smaller against rounding (a point may also sit a rounding error outside its cell's nominal edges).
 */
function lowerBoundH(row: number, col: number, origin: { latitude: number; longitude: number }, cosOrigin: number): number {
  const south = row * CELL_DEG - 90;
  const north = south + CELL_DEG;
  const west = col * CELL_DEG - 180;
  const east = west + CELL_DEG;
  const dLatDeg = origin.latitude < south ? south - origin.latitude : origin.latitude > north ? origin.latitude - north : 0;
  let dLonDeg = 0;
  if (origin.longitude < west || origin.longitude > east) {
    const around = (x: number) => {
      const d = Math.abs(x - origin.longitude) % 360;
      return Math.min(d, 360 - d);
    };
    dLonDeg = Math.min(around(west), around(east));
  }
  const cosMin = Math.max(0, Math.min(Math.cos(Math.max(-90, south) * RADIANS_PER_DEGREE), Math.cos(Math.min(90, north) * RADIANS_PER_DEGREE)));
  const hLat = Math.sin((Math.max(0, dLatDeg - 1e-9) * RADIANS_PER_DEGREE) / 2) ** 2;
  const hLon = Math.sin((Math.max(0, dLonDeg - 1e-9) * RADIANS_PER_DEGREE) / 2) ** 2;
  return (hLat + cosOrigin * cosMin * hLon) * (1 - 1e-9);
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
