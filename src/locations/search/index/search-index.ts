/**
 * The chargers search answered from memory: every published Location with its EVSEs (not REMOVED) and connectors,
 * the current version of every Tariff, and a grid of cells over latitude/longitude. It answers exactly what the SQL
 * path (search-sql.ts) answers — same candidates, same filters, same haversine distance, same order and keyset
 * cursor (by the distance to the millimetre: V8's and PostgreSQL's sin/cos may differ in the last bit) — and the
 * JSON it writes is byte for byte what JSON.stringify gives for the SQL path's page (search-index.e2e-spec.ts).
 * Filled and kept fresh by SearchIndexService; this folder holds no I/O.
 *
 * Why: a search through PostgreSQL cost ~4.4 ms of database and ~3 ms of Node per request; from memory it costs
 * tens of microseconds (the target: p99 under 50 ms with 50 clients on two cores). What it cost was memory latency
 * (a scattered object per Location, EVSE and connector) and allocation, hence the packed cells (search-grid.ts), the
 * render plans and kept list views (result-renderer.ts) and the one Buffer per response (json-bytes.ts).
 *
 * The parts: indexed-location.ts and indexed-tariff.ts (what is held), search-grid.ts (the cells), search-scan.ts
 * (the candidates of a search), kept-opening.ts (opening states), result-renderer.ts (the JSON).
 *
 * It also holds what a price estimate reads (priceInputs): every connector of a listed EVSE with its Location's
 * party and time zone, and the current tariff versions; the estimate itself is the tariffs domain's.
 */
import type { ConnectorToPrice, VersionInForce } from '../../../tariffs/price-estimate.service';
import { encodeCursor, LocationSearch, queryFingerprint } from '../search-query';
import type { IndexedLocation } from './indexed-location';
import type { IndexedConnector, IndexedEvse } from './packed-evses';
import type { IndexedTariff } from './indexed-tariff';
import { JsonBytes } from './json-bytes';
import { ResultRenderer } from './result-renderer';
import { SearchGrid } from './search-grid';
import { evseMatcher, scanNearest } from './search-scan';

/** What a price estimate needs, from memory: the connector and the versions of its tariffs in force at the start. */
export interface PriceInputs {
  connector: ConnectorToPrice;
  versions: VersionInForce[];
}

export class SearchIndex {
  private readonly locations = new Map<string, IndexedLocation>();
  /**
   * The Location of each connector held, for the price estimate, by connectorKey of our connector id (a small integer:
   * no string kept per connector); a key that two Locations' connectors share holds both (in an array).
   */
  private readonly connectorLocations = new Map<number, IndexedLocation | IndexedLocation[]>();
  private readonly grid = new SearchGrid();
  private readonly renderer = new ResultRenderer();

  /**
   * Deleted tariffs (mod_tariffs §DELETE Method) by tariffKey: when the deletion took effect (the tombstone's valid_from,
   * epoch ms rounded up as HistoryPlace.validFromCeilMs). Before that instant an older version was in force, which only
   * the database holds; from then on none is.
   */
  private readonly deletedFrom = new Map<string, number>();

  /** Puts the current version of a tariff (kept list views are rendered again). */
  setTariff(key: string, tariff: IndexedTariff): void {
    this.deletedFrom.delete(key);
    this.renderer.setTariff(key, tariff);
  }

  /**
   * Drops a tariff whose latest version is the tombstone of a deletion taking effect at `deletedFromCeilMs`: no list-view
   * price line and no estimate from then on (TariffReader.findValidAt finds none in force).
   */
  deleteTariff(key: string, deletedFromCeilMs: number): void {
    this.deletedFrom.set(key, deletedFromCeilMs);
    this.renderer.removeTariff(key);
  }

  /** Replaces the CPO names (business_details.name by country|party); rendered Locations are rendered again only when a name changed. */
  setPartyNames(names: Map<string, string | null>): void {
    this.renderer.setPartyNames(names);
  }

  /** Replaces data_as_of (sync_state.last_success_started of module locations, ISO) by connection id. */
  setDataAsOf(dataAsOf: Map<string, string | null>): void {
    this.renderer.setDataAsOf(dataAsOf);
  }

  get size(): number {
    return this.locations.size;
  }

  get evseCount(): number {
    let n = 0;
    for (const l of this.locations.values()) n += l.evses.count;
    return n;
  }

  /**
   * Puts (or replaces) a Location; one without any EVSE left is dropped, as the search never shows it (expired:
   * location-visibility.ts).
   */
  put(location: IndexedLocation): void {
    this.remove(location.id);
    if (location.evses.count === 0) return;
    this.locations.set(location.id, location);
    this.grid.add(location);
    for (const id of location.evses.connectorIds()) {
      const key = connectorKey(id);
      const held = this.connectorLocations.get(key);
      if (held === undefined) this.connectorLocations.set(key, location);
      else if (Array.isArray(held)) {
        if (!held.includes(location)) held.push(location);
      } else if (held !== location) this.connectorLocations.set(key, [held, location]);
    }
  }

  /** Drops a Location (our id); nothing when it is not held. */
  remove(id: string): void {
    const old = this.locations.get(id);
    if (!old) return;
    this.locations.delete(id);
    this.grid.remove(old);
    for (const id of old.evses.connectorIds()) {
      const key = connectorKey(id);
      const held = this.connectorLocations.get(key);
      if (held === old) this.connectorLocations.delete(key);
      else if (Array.isArray(held)) {
        const rest = held.filter((l) => l !== old);
        this.connectorLocations.set(key, rest.length === 1 ? rest[0] : rest);
      }
    }
  }

  /**
   * What PriceEstimateService.estimateWith needs for a charge at connector `connectorId` (our id) starting at `startMs`
   * (epoch ms): the same connector facts LocationReader.connector reads and, of each tariff it lists, the version
   * TariffReader.findValidAt finds. Null when memory cannot tell: a connector not held here (of an unpublished
   * Location or a REMOVED EVSE, or unknown), or a listed tariff whose current version (or deletion) took effect after
   * the start (an older version may have been in force: the database keeps the history). A start at or after every current
   * version's valid_from, in the past or the future, is answered here: no later version is known anywhere.
   */
  priceInputs(connectorId: string, startMs: number): PriceInputs | null {
    const held = this.connectorLocations.get(connectorKey(connectorId));
    if (held === undefined) return null;
    for (const location of Array.isArray(held) ? held : [held]) {
      for (const evse of location.evses.unpack()) {
        for (const c of evse.connectors) if (c.id === connectorId) return this.priceInputsOf(location, evse, c, startMs);
      }
    }
    return null;
  }

  private priceInputsOf(l: IndexedLocation, e: IndexedEvse, c: IndexedConnector, startMs: number): PriceInputs | null {
    const versions: VersionInForce[] = [];
    for (let i = 0; i < c.tariffKeys.length; i++) {
      const tariff = this.renderer.tariff(c.tariffKeys[i]);
      // A tariff deleted after the start: the version in force then is an older one, in the database only.
      if (tariff === undefined && (this.deletedFrom.get(c.tariffKeys[i]) ?? -Infinity) > startMs) return null;
      if (tariff === undefined || c.tariffKeys.indexOf(c.tariffKeys[i]) < i) continue; // not held (or deleted), or listed twice
      const version = tariff.inForceAt(startMs);
      if (version === null) return null;
      versions.push(version);
    }
    const connector: ConnectorToPrice = {
      id: c.id,
      ocpi_id: c.ocpiId,
      evse_uid: e.uid,
      location_id: l.id,
      country_code: l.countryCode,
      party_id: l.partyId,
      power_type: c.powerType,
      max_voltage: c.maxVoltage,
      max_power_kw: c.maxPowerKw,
      tariff_ids: c.tariffIds,
      time_zone: l.timeZone,
    };
    return { connector, versions };
  }

  /**
   * One page, as LocationSearchService.searchSql answers it. next_cursor is set only when another result follows
   * (the SQL path may also set it when the next page turns out empty: its batches cannot know).
   */
  search(q: LocationSearch): Buffer {
    const atMs = q.at.getTime();
    const evseMatches = evseMatcher(q);
    const top = scanNearest(this.grid, q, evseMatches, atMs);

    const page = top.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor = top.length > q.limit ? encodeCursor({ distanceM: last.sortM, id: last.location.id }, queryFingerprint(q)) : null;
    const meta = JSON.stringify({ count: page.length, evaluated_at: q.at.toISOString(), next_cursor: nextCursor, origin: q.origin });
    // Written straight into one Buffer: kept list views are bytes already (see RenderedListView), so a response
    // costs one allocation and copies, not strings joined, flattened and encoded again (allocation drove the GC).
    const out = new JsonBytes();
    out.add('{"data":[');
    this.renderer.writeResults(page, q, evseMatches, atMs, out);
    out.add(`],"meta":${meta}}`);
    return out.toBuffer();
  }
}

/**
 * The key of a connector in SearchIndex.connectorLocations: 31 bits of our id (a UUID, random in its first 8 hex
 * digits), a small integer for V8 (no heap number, no string kept); the Locations under a key are searched for the id.
 */
function connectorKey(connectorId: string): number {
  return parseInt(connectorId.slice(0, 8), 16) >>> 1;
}
