/**
 * The chargers search answered from memory: every published Location with its EVSEs (not REMOVED) and connectors,
 * the current version of every Tariff, and a grid of cells over latitude/longitude. It answers exactly what the SQL
 * path (search-sql.ts) answers — same candidates, same filters, same haversine distance, same order and keyset
 * cursor (by the distance to the millimetre: V8's and PostgreSQL's sin/cos may differ in the last bit) — and the
 * JSON it writes is byte for byte what JSON.stringify gives for the SQL path's page (search-index.e2e-spec.ts).
 * Filled and kept fresh by SearchIndexService; this file holds no I/O.
 *
 * Why: a search through PostgreSQL cost ~4.4 ms of database and ~3 ms of Node per request; from memory it costs
 * tens of microseconds (issue 6: p99 under 50 ms with 50 clients on two cores). What it cost was memory latency
 * (a scattered object per Location, EVSE and connector) and allocation, hence the packed cells, the render plans,
 * the kept list views and the one Buffer per response below.
 */
import { evseAvailability, type Opening } from '../../availability';
import type { NotFree } from '../../availability';
import { alwaysOpenState, evaluateOpeningHoursUntil } from '../../opening-hours';
import type { Hours } from '../../opening-times.model';
import type { CanonicalTariff } from '../../../tariffs/tariff.model';
import { activityBoundMs, isActiveBetween } from '../../../tariffs/tariff-activity';
import { summariseTariff } from '../../../tariffs/tariff-summary';
import { listPrice } from '../result-parts';
import { encodeCursor, LocationSearch, queryFingerprint } from '../search-query';
import { Box, boxesFor, EARTH_RADIUS_M, sortKeyM } from '../search-sql';

/** PostgreSQL's radians(): x * RADIANS_PER_DEGREE (the same double as Math.PI / 180). */
const RADIANS_PER_DEGREE = 0.0174532925199432957692;
/**
 * Grid cell edge, degrees: ~1.1 km north–south (~690 m east–west in the Netherlands), ~20 Locations per cell around
 * Amsterdam in the benchmark; a 2 km search there reads the few cells nearest to its centre of ~50 in its box.
 */
const CELL_DEG = 0.01;
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
  /** Its EVSEs and connector groups packed for the list view (see RenderPlan), made on first use; null: too many groups. */
  plan?: RenderPlan | null;
  /** Its last list view, kept while nothing it depends on changes (see renderPlanned). */
  rendered?: RenderedListView;
}

/**
 * A list view rendered in three pieces around what changes with every request (the distance and the status age):
 * valid for one language, opening state, generation of tariffs and CPO names, data_as_of, and span of instants in
 * which no tariff it shows starts or ends.
 */
interface RenderedListView {
  lang: string;
  opening: KeptOpening;
  tariffGeneration: number;
  namesGeneration: number;
  dataAsOf: string | null;
  validFrom: number;
  validUntil: number;
  /** The JSON, UTF-8, with the distance cut out at byte `distanceAt` and the status age at byte `ageAt`. */
  bytes: Buffer;
  distanceAt: number;
  ageAt: number;
  /** The earliest status_changed_at, ms: the oldest status age is measured from it. */
  oldestChangedMs: number;
}

/**
 * What the list view (no EVSE filter, no `evses`) needs of a Location's EVSEs, packed so that rendering touches a few
 * objects instead of every EVSE, connector and tariff list (memory latency, again): per EVSE its status (0 =
 * AVAILABLE, else an index into STATUSES), status time and the groups its connectors fall in (a bit mask).
 * Groups are (connector kind, tariff ids) in order of first appearance; two of them may still merge in a request
 * when their tariffs give the same price line then (see renderPlanned).
 */
interface RenderPlan {
  /** [status, status_changed_at ms, group mask] per EVSE. */
  evses: Float64Array;
  groups: PlanGroup[];
}

interface PlanGroup {
  kind: ConnectorKind;
  tariffKeys: string[];
}

/** Statuses by code; AVAILABLE is 0. */
const STATUSES: string[] = ['AVAILABLE'];
const STATUS_CODES = new Map<string, number>([['AVAILABLE', 0]]);
function statusCode(status: string): number {
  let code = STATUS_CODES.get(status);
  if (code === undefined) {
    code = STATUSES.push(status) - 1;
    STATUS_CODES.set(status, code);
  }
  return code;
}

/** Plan groups by kind and tariff keys, one object each (shared by every Location: they stay in the CPU caches). */
const planGroups = new Map<string, PlanGroup>();

function planOf(l: IndexedLocation): RenderPlan | null {
  const groups: PlanGroup[] = [];
  const evses = new Float64Array(l.evses.length * 3);
  l.evses.forEach((e, i) => {
    let mask = 0;
    for (const c of e.connectors) {
      const key = `${c.kind.json}#${c.tariffKeys.join(',')}`;
      let group = planGroups.get(key);
      if (!group) planGroups.set(key, (group = { kind: c.kind, tariffKeys: c.tariffKeys }));
      let index = groups.indexOf(group);
      if (index < 0) index = groups.push(group) - 1;
      mask |= 2 ** index;
    }
    evses.set([statusCode(e.status), e.statusChangedMs, mask], i * 3);
  });
  return groups.length > 31 ? null : { evses, groups };
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
    this.startMs = activityBoundMs(tariff.start_date_time);
    this.endMs = activityBoundMs(tariff.end_date_time);
  }

  /** Whether this version is active at `atMs` (epoch ms): tariff-activity.ts on the bounds parsed once. */
  activeAt(atMs: number): boolean {
    return isActiveBetween(this.startMs, this.endMs, atMs);
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

/**
 * The Locations of one grid cell, with what the candidate scan reads kept in typed arrays side by side (latitude,
 * longitude, cos latitude, always_open_from; flags), so a search reads a few contiguous blocks per cell instead of
 * one scattered object per Location: with 69,000 Locations the scan was bound by memory latency, not arithmetic.
 */
class Cell {
  readonly locations: IndexedLocation[] = [];
  /** Per Location: latitude, longitude, cos latitude, always_open_from (NaN: none), flags. */
  numbers = new Float64Array(0);

  constructor(
    readonly row: number,
    readonly col: number,
  ) {}

  /** After a change: the array again (a cell holds a few Locations). */
  rebuild(): void {
    this.numbers = new Float64Array(this.locations.length * NUMBERS);
    this.locations.forEach((l, i) => {
      const flags = (l.anyAvailable ? ANY_AVAILABLE : 0) | (l.is247 ? IS_24_7 : 0);
      this.numbers.set([l.latitude, l.longitude, l.cosLatitude, l.alwaysOpenFrom ?? NaN, flags], i * NUMBERS);
    });
  }
}

const NUMBERS = 5;
const ANY_AVAILABLE = 1;
const IS_24_7 = 2;

/** A candidate on the page: its distance, its sort key (the cursor's, see sortKeyM) and Location. */
interface Hit {
  distanceM: number;
  sortM: number;
  location: IndexedLocation;
}

export class SearchIndex {
  private readonly locations = new Map<string, IndexedLocation>();
  /** Occupied cells by row, then column (small integers: fast map keys). */
  private readonly rows = new Map<number, Map<number, Cell>>();
  private cellCount = 0;
  /** Current tariff versions by tariffKey. */
  private readonly tariffs = new Map<string, IndexedTariff>();
  private tariffGeneration = 0;
  /** sync_state.last_success_started of module locations, ISO, by connection id (a result's data_as_of). */
  dataAsOf = new Map<string, string | null>();
  /** business_details.name of each party (country|party), when the Location names no operator. */
  private partyNames = new Map<string, string | null>();
  private namesGeneration = 0;

  /** Puts the current version of a tariff (kept list views are rendered again). */
  setTariff(key: string, tariff: IndexedTariff): void {
    this.tariffs.set(key, tariff);
    this.tariffGeneration += 1;
  }

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
    const row = cellRow(location.latitude);
    const col = cellCol(location.longitude);
    let cols = this.rows.get(row);
    if (!cols) this.rows.set(row, (cols = new Map()));
    let cell = cols.get(col);
    if (!cell) {
      cols.set(col, (cell = new Cell(row, col)));
      this.cellCount += 1;
    }
    cell.locations.push(location);
    cell.rebuild();
  }

  remove(id: string): void {
    const old = this.locations.get(id);
    if (!old) return;
    this.locations.delete(id);
    const row = cellRow(old.latitude);
    const cols = this.rows.get(row)!;
    const cell = cols.get(cellCol(old.longitude))!;
    cell.locations.splice(cell.locations.indexOf(old), 1);
    cell.rebuild();
    if (cell.locations.length === 0) {
      cols.delete(cell.col);
      this.cellCount -= 1;
      if (cols.size === 0) this.rows.delete(row);
    }
  }

  /**
   * One page, as LocationSearchService.searchSql answers it. next_cursor is set only when another result follows
   * (the SQL path may also set it when the next page turns out empty: its batches cannot know).
   */
  search(q: LocationSearch): Buffer {
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
    const { cells, lowerH, order } = this.cellsNearestFirst(boxes, q.origin, cosOrigin);
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
        if (evseMatches !== null && !l.evses.some((e) => evseMatches(e) && (!q.availableNow || e.status === 'AVAILABLE'))) continue;
        if (q.availableNow && !(numbers[i * NUMBERS + 3] <= atMs) && !this.openingOf(l, q.at, atMs).state.open) continue;
        insertSorted(top, { distanceM: d, sortM: key, location: l }, want);
        if (top.length === want) stopH = havOf(top[want - 1].distanceM + STOP_MARGIN_M);
      }
    }

    const page = top.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor = top.length > q.limit ? encodeCursor({ distanceM: last.sortM, id: last.location.id }, queryFingerprint(q)) : null;
    const meta = JSON.stringify({ count: page.length, evaluated_at: q.at.toISOString(), next_cursor: nextCursor, origin: q.origin });
    // Written straight into one Buffer: kept list views are bytes already (see RenderedListView), so a response
    // costs one allocation and copies, not strings joined, flattened and encoded again (allocation drove the GC).
    const out = new JsonBytes();
    out.add('{"data":[');
    page.forEach((hit, i) => {
      if (i > 0) out.add(',');
      const l = hit.location;
      if (evseMatches === null && !q.withEvses) {
        if (l.plan === undefined) l.plan = planOf(l);
        if (l.plan !== null) return this.renderPlanned(hit, l.plan, q, atMs, out);
      }
      out.add(this.render(hit, q, evseMatches, atMs));
    });
    out.add(`],"meta":${meta}}`);
    return out.toBuffer();
  }

  /**
   * The occupied cells that may hold points of `boxes`, each with a lower bound of the haversine term h of any point
   * in it, nearest first. Few cells (a city-sized search): by cell number; else every occupied cell.
   */
  private cellsNearestFirst(boxes: Box[], origin: { latitude: number; longitude: number }, cosOrigin: number): { cells: Cell[]; lowerH: number[]; order: Int32Array } {
    let count = 0;
    for (const b of boxes) count += (cellRow(b.north) - cellRow(b.south) + 1) * (cellCol(b.east) - cellCol(b.west) + 1);
    const cells: Cell[] = [];
    const lowerH: number[] = [];
    if (count > MAX_CELLS_ENUMERATED || count >= this.cellCount) {
      for (const cols of this.rows.values()) {
        for (const cell of cols.values()) {
          cells.push(cell);
          lowerH.push(lowerBoundH(cell.row, cell.col, origin, cosOrigin));
        }
      }
    } else {
      for (const b of boxes) {
        for (let row = cellRow(b.south); row <= cellRow(b.north); row++) {
          const cols = this.rows.get(row);
          if (!cols) continue;
          for (let col = cellCol(b.west); col <= cellCol(b.east); col++) {
            const cell = cols.get(col);
            if (cell === undefined) continue;
            cells.push(cell);
            lowerH.push(lowerBoundH(row, col, origin, cosOrigin));
          }
        }
      }
    }
    const order = new Int32Array(cells.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => lowerH[a] - lowerH[b]);
    return { cells, lowerH, order };
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
    groups.sort(byPowerThenStandard);
    const connectors = groups.map((g) => `${g.kind.json}${g.evseCount},"free_evse_count":${g.freeCount},"price":${g.tariff ? g.tariff.priceJson(q.lang) : 'null'}}`);
    const dataAsOf = (l.connectionId !== null && this.dataAsOf.get(l.connectionId)) || null;
    return `${this.head(l)}${opening.json}},"distance_m":${Math.round(hit.distanceM)},"evse_count":${count},"free_evse_count":${free},`
      + `"not_free_counts":${countsJson(notFree)},"connectors":[${connectors.join(',')}],"status_age_seconds":${oldest},`
      + `"data_as_of":${dataAsOf === null ? 'null' : `"${dataAsOf}"`}${q.withEvses ? `,"evses":[${evses.join(',')}]` : ''}}`;
  }

  /** render() for the list view without EVSE filters, from the Location's RenderPlan: the same JSON. */
  private renderPlanned(hit: Hit, plan: RenderPlan, q: LocationSearch, atMs: number, out: JsonBytes): void {
    const l = hit.location;
    const opening = this.openingOf(l, q.at, atMs);
    const dataAsOf = (l.connectionId !== null && this.dataAsOf.get(l.connectionId)) || null;
    const kept = l.rendered;
    if (kept !== undefined && kept.opening === opening && kept.lang === q.lang && kept.tariffGeneration === this.tariffGeneration
      && kept.namesGeneration === this.namesGeneration && kept.dataAsOf === dataAsOf && kept.validFrom <= atMs && atMs < kept.validUntil) {
      return withDistanceAndAge(kept, hit.distanceM, atMs, out);
    }
    // Each plan group's price line now; plan groups of one kind and one price line are one group (first one's place).
    const merged: Group[] = [];
    const mergedOf: number[] = [];
    const window = { from: -Infinity, until: Infinity }; // no tariff shown starts or ends within it
    for (const g of plan.groups) {
      const tariff = this.primaryOfKeys(g.tariffKeys, atMs, window);
      let index = merged.findIndex((m) => m.kind === g.kind && m.tariff === tariff);
      if (index < 0) index = merged.push({ kind: g.kind, tariff, evseCount: 0, freeCount: 0, lastEvse: null }) - 1;
      mergedOf.push(index);
    }
    const notFree: Partial<Record<NotFree['reason'], number>> = {};
    let closedReason: NotFree['reason'] | null = null;
    let free = 0;
    let oldestChangedMs = Infinity;
    const { evses } = plan;
    const count = evses.length / 3;
    for (let i = 0; i < count; i++) {
      const code = evses[i * 3];
      if (evses[i * 3 + 1] < oldestChangedMs) oldestChangedMs = evses[i * 3 + 1];
      let isFree = false;
      if (code !== 0) {
        const why = notFreeOfStatus(STATUSES[code], q.at);
        notFree[why.reason] = (notFree[why.reason] ?? 0) + 1;
      } else if (opening.state.open) {
        isFree = true;
        free += 1;
      } else {
        closedReason ??= opening.state.reason === 'UNREADABLE_OPENING_TIMES' ? 'OPENING_TIMES_UNREADABLE' : 'LOCATION_CLOSED';
        notFree[closedReason] = (notFree[closedReason] ?? 0) + 1;
      }
      let mask = evses[i * 3 + 2];
      let seen = 0; // merged groups this EVSE already counts in
      for (let g = 0; mask > 0; g++, mask = Math.floor(mask / 2)) {
        if (mask % 2 === 0) continue;
        const m = mergedOf[g];
        if (seen & (1 << m)) continue;
        seen |= 1 << m;
        merged[m].evseCount += 1;
        if (isFree) merged[m].freeCount += 1;
      }
    }
    if (merged.length > 1) merged.sort(byPowerThenStandard);
    let connectors = '';
    for (const g of merged) {
      connectors += `${connectors === '' ? '' : ','}${g.kind.json}${g.evseCount},"free_evse_count":${g.freeCount},"price":${g.tariff ? g.tariff.priceJson(q.lang) : 'null'}}`;
    }
    // The oldest age is that of the earliest status time (floor and max are monotone).
    const before = `${this.head(l)}${opening.json}},"distance_m":`;
    const after = `,"evse_count":${count},"free_evse_count":${free},"not_free_counts":${countsJson(notFree)},"connectors":[${connectors}],"status_age_seconds":`;
    const rendered: RenderedListView = {
      lang: q.lang, opening, tariffGeneration: this.tariffGeneration, namesGeneration: this.namesGeneration, dataAsOf,
      validFrom: window.from, validUntil: window.until,
      bytes: Buffer.from(`${before}${after},"data_as_of":${dataAsOf === null ? 'null' : `"${dataAsOf}"`}}`),
      distanceAt: Buffer.byteLength(before),
      ageAt: Buffer.byteLength(before) + Buffer.byteLength(after),
      oldestChangedMs, // Infinity without EVSEs: age 0, as Math.max(0) of none
    };
    l.rendered = rendered;
    withDistanceAndAge(rendered, hit.distanceM, atMs, out);
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
    return this.primaryOfKeys(c.tariffKeys, atMs);
  }

  /** primaryOf for a list of tariff keys; narrows `window` to the instants around `atMs` where no tariff read changes activity. */
  private primaryOfKeys(tariffKeys: string[], atMs: number, window?: { from: number; until: number }): IndexedTariff | null {
    if (tariffKeys.length === 0) return null;
    let regular: IndexedTariff | null = null;
    let adHoc: IndexedTariff | null = null;
    let any: IndexedTariff | null = null;
    for (const key of tariffKeys) {
      const t = this.tariffs.get(key);
      if (t && window) {
        for (const edge of [t.startMs, t.endMs]) {
          if (edge === null || Number.isNaN(edge)) continue;
          if (edge <= atMs) window.from = Math.max(window.from, edge);
          else window.until = Math.min(window.until, edge);
        }
      }
      if (!t || !t.activeAt(atMs)) continue;
      const type = t.tariff.type;
      if (!regular && (type === null || type === 'REGULAR')) regular = t;
      if (!adHoc && type === 'AD_HOC_PAYMENT') adHoc = t;
      if (!any) any = t;
    }
    return regular ?? adHoc ?? any;
  }
}

/** A kept list view with this request's distance and oldest status age put in. */
function withDistanceAndAge(r: RenderedListView, distanceM: number, atMs: number, out: JsonBytes): void {
  const age = Math.max(0, Math.floor((atMs - r.oldestChangedMs) / 1000));
  out.addBytes(r.bytes, 0, r.distanceAt);
  out.add(String(Math.round(distanceM)));
  out.addBytes(r.bytes, r.distanceAt, r.ageAt);
  out.add(String(age));
  out.addBytes(r.bytes, r.ageAt, r.bytes.length);
}

/** A response body put together from strings and byte ranges, then written into one Buffer. */
class JsonBytes {
  private readonly parts: Array<string | Buffer | number> = []; // a string, or a Buffer with its start and end
  private length = 0;

  add(text: string): void {
    this.parts.push(text);
    this.length += Buffer.byteLength(text);
  }

  addBytes(bytes: Buffer, start: number, end: number): void {
    this.parts.push(bytes, start, end);
    this.length += end - start;
  }

  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    let at = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i];
      if (typeof part === 'string') {
        at += out.write(part, at);
      } else if (Buffer.isBuffer(part)) {
        at += part.copy(out, at, this.parts[i + 1] as number, this.parts[i + 2] as number);
        i += 2;
      }
    }
    return out;
  }
}

/** JSON.stringify of a count per reason (reasons are plain identifiers: nothing to escape). */
function countsJson(counts: Partial<Record<string, number>>): string {
  let json = '';
  for (const reason in counts) json += `${json === '' ? '' : ','}"${reason}":${counts[reason]}`;
  return `{${json}}`;
}

/** connectorGroups' order: most powerful first, then by standard (localeCompare, remembered per pair). */
const standardOrder = new Map<string, number>();
function byPowerThenStandard(a: Group, b: Group): number {
  const byPower = b.kind.maxPowerKw - a.kind.maxPowerKw;
  if (byPower !== 0) return byPower;
  const key = `${a.kind.standard}\n${b.kind.standard}`;
  let order = standardOrder.get(key);
  if (order === undefined) {
    order = a.kind.standard.localeCompare(b.kind.standard);
    if (standardOrder.size < 10_000) standardOrder.set(key, order);
  }
  return order;
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
  while (i > 0 && (hit.sortM < top[i - 1].sortM || (hit.sortM === top[i - 1].sortM && hit.location.id < top[i - 1].location.id))) i--;
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
