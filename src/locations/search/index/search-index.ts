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
 */
import { encodeCursor, LocationSearch, queryFingerprint } from '../search-query';
import type { IndexedLocation } from './indexed-location';
import type { IndexedTariff } from './indexed-tariff';
import { JsonBytes } from './json-bytes';
import { ResultRenderer } from './result-renderer';
import { SearchGrid } from './search-grid';
import { evseMatcher, scanNearest } from './search-scan';

export class SearchIndex {
  private readonly locations = new Map<string, IndexedLocation>();
  private readonly grid = new SearchGrid();
  private readonly renderer = new ResultRenderer();

  /** Puts the current version of a tariff (kept list views are rendered again). */
  setTariff(key: string, tariff: IndexedTariff): void {
    this.renderer.setTariff(key, tariff);
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
    for (const l of this.locations.values()) n += l.evses.length;
    return n;
  }

  /**
   * Puts (or replaces) a Location; one without any EVSE left is dropped, as the search never shows it (expired:
   * location-visibility.ts).
   */
  put(location: IndexedLocation): void {
    this.remove(location.id);
    if (location.evses.length === 0) return;
    this.locations.set(location.id, location);
    this.grid.add(location);
  }

  /** Drops a Location (our id); nothing when it is not held. */
  remove(id: string): void {
    const old = this.locations.get(id);
    if (!old) return;
    this.locations.delete(id);
    this.grid.remove(old);
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
