import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import type { CanonicalTariff } from '../../../tariffs/tariff.model';
import type { Hours } from '../../opening-times.model';
import { searchedEvseSql, searchedLocationSql } from '../../location-visibility';
import { ReadQueries } from '../../read-queries';
import type { LocationSearch } from '../search-query';
import { connectorKind } from './indexed-location';
import { IndexedTariff, tariffKey } from './indexed-tariff';
import { IndexedConnector, IndexedEvse, PackedEvses } from './packed-evses';
import { PriceInputs, SearchIndex } from './search-index';

/** Locations read per statement at start-up. */
const BATCH = 2000;
/**
 * Changed Locations read per statement by a refresh: a refresh that finds a large backlog (a pull writes about 1,000
 * Locations a second) reads it in bounded chunks, each dropped before the next is read, so what it holds at once
 * stays small and short-lived (garbage the young generation collects instead of the old one).
 */
const REFRESH_BATCH = 500;

/**
 * Keeps a SearchIndex of this instance in step with the database that every instance shares.
 *
 * - Start-up: reads every published Location in batches (in the background: the service answers from the SQL path
 *   until the index is complete), remembering first the xmin of its snapshot.
 * - Then, every SEARCH_INDEX_POLL_MS (default 1 s): one statement reads which Locations (location_change, kept by
 *   triggers on location, evse and connector) and tariff versions changed in transactions at or after that xmin, and
 *   reads those again; plus the small tables behind data_as_of (sync_state) and the CPO's name (connection_party).
 *   See migration 1796200000000 for why transaction ids make this lossless.
 * - Read-your-writes on the instance that writes: each write (a pull's page, a push) is counted (markDirty), and a
 *   search waits for a refresh that STARTED after the writes it knows of (one refresh, shared by the searches waiting
 *   for it): a refresh already under way, begun before the write committed, may not see it.
 * So another instance's write reaches this one's searches within about one poll interval plus the refresh itself;
 * each result also says how old its statuses are (status_age_seconds) and when its CPO was last pulled (data_as_of).
 */
@Injectable()
export class SearchIndexService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SearchIndexService.name);
  private index: SearchIndex | null = null;
  /** xmin of the snapshot of the last load or refresh: every transaction below it had ended. */
  private watermark = '0';
  /** Changes already applied whose rows may show again (changed_xid >= watermark): location id → changed_xid. */
  private seen = new Map<string, string>();
  private seenTariffVersions = new Set<string>();
  /** Writes this instance noted (markDirty), and how many of them the last successful load or refresh covers. */
  private writes = 0;
  private caughtUpTo = 0;
  /** The last refresh failed: the index may miss writes, so searches go to the database until one succeeds. */
  private behind = false;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Start-up figures, for logs and the benchmark. */
  loadStats: { locations: number; evses: number; ms: number } | null = null;

  constructor(
    private readonly db: ReadQueries,
    private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.config.env.SEARCH_INDEX_POLL_MS > 0;
  }

  /** True once the start-up load is complete (until then searches use the SQL path). */
  get ready(): boolean {
    return this.index !== null;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.startLoad();
    this.timer = setInterval(() => void (this.index || this.running ? this.refresh() : this.startLoad()), this.config.env.SEARCH_INDEX_POLL_MS);
    this.timer.unref();
  }

  /** The start-up load in the background; one that failed (the database away) is tried again at the next poll. */
  private startLoad(): void {
    if (this.stopped) return;
    this.running = this.load()
      .catch((error: unknown) => this.logger.error(`search index load failed (tried again at the next poll): ${(error as Error).message}`))
      .finally(() => {
        this.running = null;
      });
  }

  /** Stops polling and waits for a read under way, before the database pool closes (at application shutdown). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Data this instance (or any) wrote may be newer than the index: the next search catches up first. */
  markDirty(): void {
    this.writes += 1;
  }

  /** Waits for a load or refresh that started after the writes noted so far (unless the database cannot answer). */
  private async catchUpWithWrites(): Promise<void> {
    const needed = this.writes;
    do await this.refresh();
    while (this.caughtUpTo < needed && this.index && !this.behind && !this.stopped);
  }

  /**
   * One page from memory as JSON (a SearchPage, UTF-8), or null while the index is not loaded (the caller then uses the
   * SQL path).
   * Catches up first when this instance wrote since the last refresh (read-your-writes).
   */
  async search(q: LocationSearch): Promise<Buffer | null> {
    if (!this.index) return null;
    if (this.caughtUpTo < this.writes) await this.catchUpWithWrites();
    // An index that could not catch up is behind a write we know of: the database answers until a refresh succeeds.
    if (this.behind) return null;
    return this.index.search(q);
  }

  /**
   * What a price estimate at our connector `connectorId` starting at `start` needs, from memory (SearchIndex.priceInputs),
   * or null when the database must answer: the index is not loaded or is behind, or memory cannot tell (see there).
   * Catches up first when this instance wrote since the last refresh, as a search does.
   */
  async priceInputs(connectorId: string, start: Date): Promise<PriceInputs | null> {
    if (!this.index) return null;
    if (this.caughtUpTo < this.writes) await this.catchUpWithWrites();
    if (this.behind) return null;
    return this.index.priceInputs(connectorId, start.getTime());
  }

  /** Reads what changed since the watermark; concurrent callers share one run. Never throws (logs). */
  refresh(): Promise<void> {
    if (this.running) {
      // A load or refresh is under way; a write noted meanwhile needs one more after it.
      return this.running.then(() => (this.caughtUpTo < this.writes ? this.refresh() : undefined));
    }
    if (!this.index || this.stopped) return Promise.resolve();
    // Every write noted before this point committed before this refresh's snapshot: it covers them.
    const covers = this.writes;
    this.running = this.catchUp(this.index)
      .then(() => {
        this.behind = false;
        this.caughtUpTo = Math.max(this.caughtUpTo, covers);
      })
      .catch((error: unknown) => {
        this.behind = true;
        if (!this.stopped) this.logger.warn(`search index refresh failed (retried next poll; searches use the database meanwhile): ${(error as Error).message}`);
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /**
   * Drops the index and loads it again from scratch, as at start-up (searches use the SQL path meanwhile); for the
   * benchmark, which reports the load time and the heap the index takes (`onDropped` runs between drop and load).
   */
  async reload(onDropped?: () => void): Promise<{ locations: number; evses: number; ms: number }> {
    await this.running;
    this.index = null;
    onDropped?.();
    this.running = this.load().finally(() => {
      this.running = null;
    });
    await this.running;
    return this.loadStats!;
  }

  private async load(): Promise<void> {
    const t0 = performance.now();
    const covers = this.writes;
    const index = new SearchIndex();
    this.watermark = await this.snapshotXmin();
    for (const t of await this.db.rows<TariffRow>(
      `SELECT DISTINCT ON (v.country_code, v.party_id, v.ocpi_id) ${TARIFF_COLUMNS} FROM tariff_version v
       ORDER BY v.country_code, v.party_id, v.ocpi_id, v.version_no DESC`,
      [],
    )) {
      putTariff(index, t);
    }
    await this.readSmallTables(index);
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      if (this.stopped) return;
      const ids = (await this.db.rows<{ id: string }>(`SELECT id FROM location WHERE id > $1::uuid ORDER BY id LIMIT ${BATCH}`, [after])).map((r) => r.id);
      if (ids.length === 0) break;
      await this.readLocations(index, ids);
      after = ids[ids.length - 1];
    }
    this.index = index;
    this.loadStats = { locations: index.size, evses: index.evseCount, ms: Math.round(performance.now() - t0) };
    this.logger.log(`search index loaded: ${index.size} Locations, ${this.loadStats.evses} EVSEs in ${this.loadStats.ms} ms`);
    await this.catchUp(index);
    this.caughtUpTo = Math.max(this.caughtUpTo, covers);
  }

  /**
   * One refresh: changed Locations and tariffs since the watermark, and the small tables, read in ONE statement
   * (one snapshot, one round trip a second when nothing changed; on PGlite the database runs on this thread).
   */
  private async catchUp(index: SearchIndex): Promise<void> {
    const [changes] = await this.db.rows<{ xmin: string; locations: Array<[string, string]>; tariffs: string[] } & SmallTables>(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
         (SELECT coalesce(json_agg(json_build_array(c.location_id, c.changed_xid::text)), '[]') FROM location_change c
           WHERE c.changed_xid >= $1::xid8) AS locations,
         (SELECT coalesce(json_agg(v.id), '[]') FROM tariff_version v WHERE v.changed_xid >= $1::xid8) AS tariffs,
         ${SMALL_TABLES_SQL}`,
      [this.watermark],
    );
    const changed = changes.locations.filter(([id, xid]) => this.seen.get(id) !== xid);
    const newVersions = changes.tariffs.filter((id) => !this.seenTariffVersions.has(id));
    if (newVersions.length > 0) await this.readTariffs(index, newVersions);
    for (let i = 0; i < changed.length; i += REFRESH_BATCH)
      await this.readLocations(
        index,
        changed.slice(i, i + REFRESH_BATCH).map(([id]) => id),
      );
    applySmallTables(index, changes);
    // Rows at or above the new xmin may be read again next time: remember them to skip them then.
    this.seen = new Map(changes.locations.filter(([, xid]) => BigInt(xid) >= BigInt(changes.xmin)));
    this.seenTariffVersions = new Set(changes.tariffs);
    this.watermark = changes.xmin;
  }

  private async snapshotXmin(): Promise<string> {
    const [row] = await this.db.rows<{ xmin: string }>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`, []);
    return row.xmin;
  }

  /** The current version of each tariff that has one of these new versions (a deletion's tombstone drops it). */
  private async readTariffs(index: SearchIndex, versionIds: string[]): Promise<void> {
    const rows = await this.db.rows<TariffRow>(
      `SELECT DISTINCT ON (v.country_code, v.party_id, v.ocpi_id) ${TARIFF_COLUMNS} FROM tariff_version v
       WHERE (v.country_code, v.party_id, v.ocpi_id) IN (SELECT n.country_code, n.party_id, n.ocpi_id FROM tariff_version n WHERE n.id = ANY($1::uuid[]))
       ORDER BY v.country_code, v.party_id, v.ocpi_id, v.version_no DESC`,
      [versionIds],
    );
    for (const t of rows) putTariff(index, t);
  }

  private async readSmallTables(index: SearchIndex): Promise<void> {
    const [tables] = await this.db.rows<SmallTables>(`SELECT ${SMALL_TABLES_SQL}`, []);
    applySmallTables(index, tables);
  }

  /**
   * Reads these Locations again: put the published ones with listed EVSEs left, drop the others (location-visibility.ts).
   * Locations, EVSEs and connectors are looked up by key, one index lookup per Location and per EVSE: the shape (LATERAL …
   * OFFSET 0, which the planner cannot flatten into a join) makes that the plan whatever the statistics say, where a
   * join on `= ANY(ids)` was planned as sequential scans of evse and connector on every refresh during a first pull
   * (statistics lag it; measured at 50,000 Locations: 60 and 100 ms per 1,100 Locations, against 8–15 and 10–20 ms).
   * Lists come as JSON text, interned by that text (most rows repeat a few lists: no array is built for them).
   */
  private async readLocations(index: SearchIndex, ids: string[]): Promise<void> {
    const [locations, evses, connectors] = await this.db.withoutJit(async (rows) => {
      const locationRows = await rows<LocationRow>(
        `SELECT l.id, l.ocpi_id, l.country_code, l.party_id, l.name, l.address, l.city, l.postal_code, l.country,
           l.latitude, l.longitude, l.time_zone, l.parking_type, array_to_json(l.facilities)::text AS facilities,
           l.is_24_7, l.opening_times::text AS opening_times, extract(epoch FROM l.always_open_from)::float8 * 1000 AS always_open_from_ms,
           l.operator ->> 'name' AS operator_name, l.connection_id
         FROM unnest($1::uuid[]) AS k(id), LATERAL (SELECT * FROM location l WHERE l.id = k.id AND ${searchedLocationSql()} OFFSET 0) l`,
        [ids],
      );
      // Ordered as the SQL path's json_agg orders them (same collation). The status time in epoch ms cut to the
      // millisecond, as node-postgres reads a timestamptz.
      const evseRows = await rows<EvseRow>(
        `SELECT e.id, e.location_id, e.uid, e.evse_id, e.status,
           floor(extract(epoch FROM e.status_changed_at) * 1000)::float8 AS status_changed_ms,
           array_to_json(e.capabilities)::text AS capabilities
         FROM unnest($1::uuid[]) AS k(id),
           LATERAL (SELECT * FROM evse e WHERE e.location_id = k.id AND ${searchedEvseSql()} OFFSET 0) e
         ORDER BY e.location_id, e.uid`,
        [ids],
      );
      // The connectors of the EVSEs just read (listed ones only).
      const connectorRows = await rows<ConnectorRow>(
        `SELECT c.id, c.evse_id, c.ocpi_id, c.standard, c.format, c.power_type, c.max_power_kw, c.max_voltage,
           coalesce(c.max_electric_power > 0, false) AS declared, array_to_json(c.tariff_ids)::text AS tariff_ids
         FROM unnest($1::uuid[]) AS k(id), LATERAL (SELECT * FROM connector c WHERE c.evse_id = k.id OFFSET 0) c
         ORDER BY c.evse_id, c.ocpi_id`,
        [evseRows.map((e) => e.id)],
      );
      return [locationRows, evseRows, connectorRows] as const;
    });
    const byLocation = new Map<string, IndexedEvse[]>();
    const byEvse = new Map<string, IndexedConnector[]>();
    const partyOf = new Map(locations.map((l) => [l.id, `${l.country_code}|${l.party_id}`]));
    const evseLocation = new Map<string, string>();
    for (const e of evses) {
      const connectorsOfEvse: IndexedConnector[] = [];
      byEvse.set(e.id, connectorsOfEvse);
      evseLocation.set(e.id, e.location_id);
      const list = byLocation.get(e.location_id) ?? [];
      byLocation.set(e.location_id, list);
      list.push({
        uid: e.uid,
        evseId: e.evse_id,
        status: intern(e.status),
        statusChangedMs: Number(e.status_changed_ms),
        capabilities: internJsonList(e.capabilities) ?? NO_STRINGS,
        connectors: connectorsOfEvse,
      });
    }
    for (const c of connectors) {
      const party = partyOf.get(evseLocation.get(c.evse_id) ?? '');
      const maxPowerKw = Number(c.max_power_kw);
      byEvse.get(c.evse_id)?.push({
        id: c.id,
        ocpiId: c.ocpi_id,
        standard: intern(c.standard),
        format: intern(c.format),
        powerType: intern(c.power_type),
        maxPowerKw,
        maxVoltage: c.max_voltage,
        source: c.declared ? 'declared' : 'computed',
        tariffIds: internJsonList(c.tariff_ids) as string[],
        tariffKeys: tariffKeysOf(party, c.tariff_ids),
        kind: connectorKind(c.standard, c.format, c.power_type, maxPowerKw),
      });
    }
    const found = new Set<string>();
    for (const l of locations) {
      found.add(l.id);
      const evsesOf = byLocation.get(l.id) ?? [];
      index.put({
        id: l.id,
        ocpiId: l.ocpi_id,
        countryCode: intern(l.country_code),
        partyId: intern(l.party_id),
        name: l.name,
        address: l.address,
        city: l.city,
        postalCode: l.postal_code,
        country: intern(l.country),
        latitude: l.latitude,
        longitude: l.longitude,
        timeZone: intern(l.time_zone),
        parkingType: l.parking_type && intern(l.parking_type),
        facilities: internJsonList(l.facilities) as string[],
        is247: l.is_24_7,
        openingTimes: internOpeningTimes(l.opening_times),
        alwaysOpenFrom: l.always_open_from_ms === null ? null : Number(l.always_open_from_ms),
        operatorName: l.operator_name,
        connectionId: l.connection_id && intern(l.connection_id),
        evses: PackedEvses.pack(evsesOf),
        anyAvailable: evsesOf.some((e) => e.status === 'AVAILABLE'),
        opening: null,
      });
    }
    for (const id of ids) if (!found.has(id)) index.remove(id);
  }
}

/**
 * A tariff version's columns for the index: the canonical tariff and its place in the history (IndexedTariff's
 * HistoryPlace; valid_from also as epoch ms rounded up, from the exact numeric epoch, so that comparing it with a
 * whole-millisecond instant gives what `valid_from <= instant` gives in TariffReader.findValidAt).
 */
const TARIFF_COLUMNS = `v.id, v.tariff, v.version_no, v.valid_from, v.first_seen, v.deleted,
  ceil(extract(epoch FROM v.valid_from) * 1000)::float8 AS valid_from_ceil_ms`;

interface TariffRow {
  id: string;
  tariff: CanonicalTariff;
  version_no: number;
  valid_from: Date;
  first_seen: Date;
  valid_from_ceil_ms: number;
  /** The tombstone of a deletion (TariffHistoryStore.recordDeletion). */
  deleted: boolean;
}

function putTariff(index: SearchIndex, t: TariffRow): void {
  const key = tariffKey(t.tariff.country_code, t.tariff.party_id, t.tariff.id);
  if (t.deleted) return index.deleteTariff(key, Number(t.valid_from_ceil_ms));
  const history = { versionNo: t.version_no, validFrom: new Date(t.valid_from), validFromCeilMs: Number(t.valid_from_ceil_ms), firstSeen: new Date(t.first_seen) };
  index.setTariff(key, new IndexedTariff(t.id, t.tariff, history));
}

/**
 * data_as_of per connection (sync_state.last_success_started of module locations, in epoch ms cut to the
 * millisecond as node-postgres reads a timestamptz) and each party's name as the SQL path picks it (the first
 * connection_party row by role), as JSON columns.
 */
const SMALL_TABLES_SQL = `
  (SELECT coalesce(json_agg(json_build_array(s.connection_id, floor(extract(epoch FROM s.last_success_started) * 1000))), '[]')
    FROM sync_state s WHERE s.module = 'locations') AS data_as_of,
  (SELECT coalesce(json_agg(json_build_array(p.country_code, p.party_id, p.name)), '[]') FROM (
    SELECT DISTINCT ON (country_code, party_id) country_code, party_id, business_details ->> 'name' AS name
    FROM connection_party ORDER BY country_code, party_id, role) p) AS parties`;

interface SmallTables {
  data_as_of: Array<[string, number | null]>;
  parties: Array<[string, string, string | null]>;
}

function applySmallTables(index: SearchIndex, tables: SmallTables): void {
  index.setDataAsOf(new Map(tables.data_as_of.map(([id, ms]) => [id, ms === null ? null : new Date(ms).toISOString()])));
  index.setPartyNames(new Map(tables.parties.map(([cc, pid, name]) => [`${cc}|${pid}`, name])));
}

/** Few distinct values (statuses, standards, parties, zones, tariff keys) repeated 200,000 times: one string each. */
const interned = new Map<string, string>();
function intern(value: string): string {
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size < 100_000) interned.set(value, value);
  return value;
}

/**
 * Lists of interned strings (a connector's tariff ids and keys, an EVSE's capabilities, a Location's facilities), one
 * array each: the same few lists recur everywhere. Shared, so never changed in place.
 */
const internedLists = new Map<string, string[]>();
function internList(values: string[], key = JSON.stringify(values)): string[] {
  const known = internedLists.get(key);
  if (known !== undefined) return known;
  if (internedLists.size < 100_000) internedLists.set(key, values);
  return values;
}

const NO_STRINGS: string[] = [];

/**
 * internList of a list given as JSON text (array_to_json), or null for null: the text is the key, so a list seen
 * before costs one lookup and builds nothing.
 */
function internJsonList(json: string | null): string[] | null {
  return json === null ? null : internByText(internedLists, json, (text) => (JSON.parse(text) as string[]).map(intern));
}

/**
 * A Location's opening_times given as JSON text, one object per text: most Locations share a few (24/7 above all),
 * and each parsed copy was a handful of objects and strings (~9 MiB for 50,000 Locations). Shared, so never changed.
 */
const internedHours = new Map<string, Hours>();
function internOpeningTimes(json: string | null): Hours | null {
  return json === null ? null : internByText(internedHours, json, (text) => JSON.parse(text) as Hours);
}

/** The value kept in `known` for this JSON text, else `parse(json)`, kept there (up to 100,000 texts). */
function internByText<T>(known: Map<string, T>, json: string, parse: (json: string) => T): T {
  const kept = known.get(json);
  if (kept !== undefined) return kept;
  const value = parse(json);
  if (known.size < 100_000) known.set(json, value);
  return value;
}

/** A connector's tariffKeys (party and OCPI id of each listed tariff; none when its Location is not read), by party and list. */
const tariffKeyLists = new Map<string, string[]>();
function tariffKeysOf(party: string | undefined, tariffIdsJson: string | null): string[] {
  if (party === undefined || tariffIdsJson === null) return NO_STRINGS;
  const key = `${party}\n${tariffIdsJson}`;
  const known = tariffKeyLists.get(key);
  if (known !== undefined) return known;
  const keys = internList((JSON.parse(tariffIdsJson) as string[]).map((id) => intern(`${party}|${id}`)));
  if (tariffKeyLists.size < 100_000) tariffKeyLists.set(key, keys);
  return keys;
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
  parking_type: string | null;
  /** JSON text. */
  facilities: string;
  is_24_7: boolean;
  /** JSON text. */
  opening_times: string | null;
  always_open_from_ms: number | string | null;
  operator_name: string | null;
  connection_id: string | null;
}

interface EvseRow {
  id: string;
  location_id: string;
  uid: string;
  evse_id: string | null;
  status: string;
  status_changed_ms: number | string;
  /** JSON text. */
  capabilities: string | null;
}

interface ConnectorRow {
  id: string;
  evse_id: string;
  ocpi_id: string;
  standard: string;
  format: string;
  power_type: string;
  max_power_kw: string;
  max_voltage: number;
  declared: boolean;
  /** JSON text. */
  tariff_ids: string | null;
}
