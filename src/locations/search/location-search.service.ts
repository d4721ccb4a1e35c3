import { Injectable } from '@nestjs/common';
import { evseAvailability } from '../availability';
import { ConnectorTariffsReader, HeldTariff } from '../connector-tariffs.reader';
import { ReadQueries } from '../read-queries';
import type { Hours } from '../opening-times.model';
import { encodeCursor, LocationSearch, queryFingerprint, SearchCursor } from './search-query';
import { SearchConnector, SearchEvse, SearchPage, SearchResult } from './search-result';
import { searchSql } from './search-sql';
import { SearchIndexService } from './index/search-index.service';
import { ageSeconds, connectorGroups, countBy, listPrice, openingNow } from './result-parts';

export { ageSeconds, openingNow } from './result-parts';

/** Largest batch fetched at once while "available now" drops Locations that are closed (see `search`). */
const MAX_BATCH = 500;

/**
 * The chargers search of the internal API, from our own data only (never a call to a CPO): the in-memory index that
 * follows the database (see SearchIndexService), or the database itself.
 * "Free now" (mod_locations 2.2.1 §8.4.22 Status, §8.4.14 Hours): an EVSE whose status is AVAILABLE, not REMOVED,
 * at a published Location that is open now by its opening_times in its own time zone. Status and EVSE/connector
 * filters are SQL; opening hours are evaluated here, and only for the Locations whose hours have a real schedule
 * (location.always_open_from tells which: most are 24/7 or give no hours).
 */
@Injectable()
export class LocationSearchService {
  constructor(
    private readonly db: ReadQueries,
    private readonly tariffs: ConnectorTariffsReader,
    private readonly index: SearchIndexService,
  ) {}

  /**
   * One page of Locations, nearest to `q.origin` first (ties by id), after `q.cursor`: from the in-memory index
   * (search-index.ts) once it is loaded, else from the database (searchSql). Both answer the same.
   */
  async search(q: LocationSearch): Promise<SearchPage> {
    return JSON.parse((await this.searchJson(q)).toString('utf8')) as SearchPage;
  }

  /** The same page as JSON (UTF-8): what the controllers send (the index renders it directly, see SearchIndex.search). */
  async searchJson(q: LocationSearch): Promise<Buffer> {
    return (await this.index.search(q)) ?? Buffer.from(JSON.stringify(await this.searchSql(q)));
  }

  /**
   * The same page from the database: the path while the index loads at start-up, and the oracle of its tests.
   * With availableNow, SQL returns Locations with an AVAILABLE matching EVSE and this drops those closed now,
   * fetching further batches (growing) until the page is full or the area is exhausted.
   */
  async searchSql(q: LocationSearch): Promise<SearchPage> {
    const fingerprint = queryFingerprint(q);
    const results: SearchResult[] = [];
    const held = new Map<SearchConnector, HeldTariff[]>(); // which listed tariffs we hold, kept out of the answer
    let after: SearchCursor | null = q.cursor;
    let nextCursor: SearchCursor | null = null;
    // With available_now some rows fall to opening hours (a fifth of Locations keep shop hours, closed at night):
    // over-fetch by half so one round trip usually fills the page.
    let batch = q.availableNow ? q.limit + Math.max(5, Math.ceil(q.limit / 2)) : q.limit + 1;
    for (;;) {
      const { text, values } = searchSql(q, after, batch);
      const rows = await this.db.rows<Row>(text, values);
      let index = 0;
      for (; index < rows.length && results.length < q.limit; index++) {
        const result = toResult(rows[index], q.at, held);
        if (!q.availableNow || result.free_evse_count > 0) results.push(result);
      }
      const last = rows[index - 1];
      if (results.length === q.limit) {
        // Full: there is a next page if this batch holds more rows or may continue beyond itself.
        if (index < rows.length || rows.length === batch) nextCursor = { distanceM: Number(last.sort_m), id: last.id };
        break;
      }
      if (rows.length < batch) break; // the area is exhausted
      after = { distanceM: Number(last.sort_m), id: last.id };
      batch = Math.min(batch * 2, MAX_BATCH);
    }
    await this.attachPrices(results, held, q.lang, q.at);
    for (const result of results) {
      result.connectors = connectorGroups(result.evses!);
      if (!q.withEvses) delete result.evses;
    }
    return {
      data: results,
      meta: {
        count: results.length,
        evaluated_at: q.at.toISOString(),
        next_cursor: nextCursor && encodeCursor(nextCursor, fingerprint),
        origin: q.origin,
      },
    };
  }

  private async attachPrices(results: SearchResult[], held: Map<SearchConnector, HeldTariff[]>, lang: string, at: Date): Promise<void> {
    const connectors = results.flatMap((r) => r.evses!.flatMap((e) => e.connectors.map((c) => ({ result: r, connector: c }))));
    const withTariffs = connectors.filter((c) => c.connector.tariff_ids.length > 0);
    const tariffs = await this.tariffs.forConnectors(
      withTariffs.map(({ result, connector }) => ({
        countryCode: result.cpo.country_code,
        partyId: result.cpo.party_id,
        tariffIds: connector.tariff_ids,
        held: held.get(connector) ?? [],
      })),
      lang,
      at,
    );
    withTariffs.forEach(({ connector }, i) => (connector.price = listPrice(tariffs[i].price)));
  }
}

/** A row of searchSql. */
interface Row {
  distance_m: number;
  /** The distance to the millimetre: the order and the cursor (see sortKeyM). */
  sort_m: number;
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
  facilities: string[];
  is_24_7: boolean;
  opening_times: Hours | null;
  always_open: boolean;
  operator_name: string | null;
  cpo_name: string | null;
  data_as_of: Date | null;
  evses: Array<{
    uid: string;
    evse_id: string | null;
    status: string;
    status_changed_at: string;
    capabilities: string[];
    connectors: Array<{
      id: string;
      ocpi_id: string;
      standard: string;
      format: string;
      power_type: string;
      max_power_kw: number;
      declared: boolean;
      tariff_ids: string[];
      held: Array<[string, string | null]> | null;
    }>;
  }>;
}

function toResult(row: Row, at: Date, held: Map<SearchConnector, HeldTariff[]>): SearchResult {
  const opening = openingNow(row.opening_times, row.time_zone, row.always_open, at);
  const evses = row.evses.map((e): SearchEvse => {
    const availability = evseAvailability(e.status, opening, at);
    return {
      uid: e.uid,
      evse_id: e.evse_id,
      status: e.status,
      status_changed_at: new Date(e.status_changed_at).toISOString(),
      status_age_seconds: ageSeconds(e.status_changed_at, at),
      ...availability,
      capabilities: e.capabilities,
      connectors: e.connectors.map((c): SearchConnector => {
        const connector: SearchConnector = {
          id: c.id,
          ocpi_id: c.ocpi_id,
          standard: c.standard,
          format: c.format,
          power_type: c.power_type,
          max_power_kw: Number(c.max_power_kw),
          max_power_source: c.declared ? 'declared' : 'computed',
          tariff_ids: c.tariff_ids,
          price: null,
        };
        held.set(
          connector,
          (c.held ?? []).filter((h): h is HeldTariff => h[1] !== null),
        );
        return connector;
      }),
    };
  });
  return {
    cpo: { country_code: row.country_code, party_id: row.party_id, name: row.operator_name ?? row.cpo_name },
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
      parking_type: row.parking_type,
      facilities: row.facilities,
      is_24_7: row.is_24_7,
      opening: { open: opening.open, reason: opening.reason, changes_at: opening.changesAt },
    },
    distance_m: Math.round(Number(row.distance_m)),
    evse_count: evses.length,
    free_evse_count: evses.filter((e) => e.free).length,
    not_free_counts: countBy(evses.flatMap((e) => (e.not_free ? [e.not_free.reason] : []))),
    connectors: [],
    status_age_seconds: Math.max(0, ...evses.map((e) => e.status_age_seconds)),
    data_as_of: row.data_as_of ? new Date(row.data_as_of).toISOString() : null,
    evses,
  };
}
