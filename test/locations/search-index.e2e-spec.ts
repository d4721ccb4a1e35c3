/**
 * The in-memory search index (src/locations/search/index/) against its oracle, the SQL path, on the real database:
 * for many random searches (radius and bbox, every filter, available_now per mod_locations 2.2.1 §8.4.22 Status and
 * §8.4.14 Hours at instants across days, pages followed by cursor) both answer the same. And the index follows the
 * database: a pull that changes statuses, removes (all EVSEs REMOVED, §8.1), unpublishes (§8.3.1 publish), adds a
 * Location or changes a Tariff (a new version) shows in the next search of the instance that pulled, and within a
 * poll in a second instance on the same database; so does what a complete full pull finds absent (a Location it no
 * longer lists, an EVSE a Location no longer lists: issue 15), which both paths leave out alike.
 */
import { generateLocations, loadFixtureTariffs, mulberry32, type Rng } from '../cpo-simulator';
import { LocationSearchService } from '../../src/locations/search/location-search.service';
import { SearchIndexService } from '../../src/locations/search/index/search-index.service';
import { decodeCursor, LocationSearch, queryFingerprint } from '../../src/locations/search/search-query';
import type { SearchPage } from '../../src/locations/search/search-result';
import { boxCentre } from '../../src/locations/search/search-sql';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { syncAndWait } from '../support/sync-runs';
import { startTestService, TestService } from '../support/test-service';

const mine = { countryCode: 'NL', partyId: 'IDX' };
const other = { countryCode: 'DE', partyId: 'OTH' };
const centre = { latitude: 51.9225, longitude: 4.4792 };

describe('search index: same answers as the SQL path, and follows the database', () => {
  let first: TestService;
  let second: TestService;
  let cpo: RegisteredCpo;
  let otherCpo: RegisteredCpo;
  const tariffs = loadFixtureTariffs(mine);
  const tariffIds = [...new Set(tariffs.map((t) => String(t.id)))];
  const locations = generateLocations({ count: 400, seed: 31, center: centre, radiusKm: 8, ...mine, tariffIds: [...tariffIds, 'NOT-HELD'] }) as any[];
  const others = generateLocations({ count: 60, seed: 32, center: centre, radiusKm: 8, ...other, timeZone: 'Europe/Berlin' }) as any[];

  const services = (s: TestService) => ({ search: s.app.get(LocationSearchService), index: s.app.get(SearchIndexService) });

  /** Waits until `check` passes (the other instance polls every 200 ms). */
  async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > until) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  beforeAll(async () => {
    first = await startTestService();
    second = await startTestService({ database: first.database, env: { SEARCH_INDEX_POLL_MS: '200' } });
    cpo = await registerCpo(first, { ...mine, locations, tariffs });
    otherCpo = await registerCpo(first, { ...other, locations: others });
    await cpo.sync();
    await otherCpo.sync();
    await eventually(() => Promise.resolve(expect(services(first).index.ready && services(second).index.ready).toBe(true)));
  });
  afterAll(async () => {
    await cpo?.close();
    await otherCpo?.close();
    await second?.stop();
    await first?.stop();
  });

  /** Every page of `q` from both paths, following the cursor; fails at the first difference. */
  async function comparePages(s: TestService, q: LocationSearch, maxPages = 4): Promise<number> {
    const { search, index } = services(s);
    let results = 0;
    for (let page = 0; page < maxPages; page++) {
      const bytes = await index.search(q);
      expect(bytes).not.toBeNull();
      const json = bytes!.toString('utf8');
      const fromSql = await search.searchSql(q);
      const fromIndex = JSON.parse(json) as SearchPage;
      expect({ ...fromIndex, meta: { ...fromIndex.meta, next_cursor: null } }).toEqual({ ...fromSql, meta: { ...fromSql.meta, next_cursor: null } });
      // The index renders the JSON itself: byte for byte what the SQL path's page serialises to (with the index's
      // next_cursor, which may be null where the SQL path's is not: see below).
      expect(json).toBe(JSON.stringify({ ...fromSql, meta: { ...fromSql.meta, next_cursor: fromIndex.meta.next_cursor } }));
      results += fromIndex.data.length;
      const fingerprint = queryFingerprint(q);
      if (fromIndex.meta.next_cursor === null) {
        // The SQL path may offer a cursor it could not rule out (available_now batches): then its next page is empty.
        const sqlRest = fromSql.meta.next_cursor === null ? [] : (await search.searchSql({ ...q, cursor: decodeCursor(fromSql.meta.next_cursor, fingerprint) })).data;
        expect(sqlRest).toEqual([]);
        return results;
      }
      // Same cursor: the distance to the millimetre (search-sql.ts, SORT_KEY_SQL) and id.
      expect(fromIndex.meta.next_cursor).toBe(fromSql.meta.next_cursor);
      const a = decodeCursor(fromIndex.meta.next_cursor, fingerprint);
      q = { ...q, cursor: a };
    }
    return results;
  }

  function randomSearch(rng: Rng): LocationSearch {
    const some = <T>(values: T[], p: number): T[] => (rng.chance(p) ? values.filter(() => rng.chance(0.5)) : []);
    const near = { latitude: centre.latitude + (rng.next() - 0.5) * 0.2, longitude: centre.longitude + (rng.next() - 0.5) * 0.3 };
    let area: LocationSearch['area'];
    let origin = near;
    if (rng.chance(0.5)) {
      area = { kind: 'radius', centre: near, radiusM: rng.pick([100, 500, 1000, 2000, 5000, 20_000, 100_000]) };
    } else if (rng.chance(0.1)) {
      area = { kind: 'bbox', west: 170, south: 40, east: 10, north: 60 }; // across the antimeridian, the long way round
      origin = boxCentre(area);
    } else {
      const w = rng.pick([0.005, 0.02, 0.05, 0.3]);
      area = { kind: 'bbox', west: near.longitude - w, south: near.latitude - w / 2, east: near.longitude + w, north: near.latitude + w / 2 };
      if (rng.chance(0.5)) origin = boxCentre(area);
    }
    return {
      area,
      origin,
      connectorStandards: some(['IEC_62196_T2', 'IEC_62196_T2_COMBO', 'CHADEMO'], 0.3),
      powerTypes: some(['AC_3_PHASE', 'DC', 'AC_1_PHASE'], 0.2),
      minPowerKw: rng.chance(0.2) ? rng.pick([11, 22, 50, 150]) : null,
      parties: some(
        [
          { countryCode: 'NL', partyId: 'IDX' },
          { countryCode: 'DE', partyId: 'OTH' },
        ],
        0.2,
      ),
      capabilities: some(['RESERVABLE', 'CREDIT_CARD_PAYABLE', 'RFID_READER'], 0.2),
      parkingTypes: some(['ON_STREET', 'PARKING_LOT', 'PARKING_GARAGE', 'ALONG_MOTORWAY'], 0.2),
      open247: rng.chance(0.15),
      availableNow: rng.chance(0.5),
      limit: rng.pick([1, 3, 10, 20, 50]),
      withEvses: rng.chance(0.5),
      cursor: null,
      lang: rng.pick(['en', 'nl', 'de']),
      // Within three days either way: shop hours open and closed, exceptional periods, DST-free or not.
      at: new Date(Date.now() + Math.round((rng.next() - 0.5) * 6 * 86_400_000)),
    };
  }

  it('answers 300 random searches (radius, bbox, filters, available_now, 4 pages) exactly as the SQL path', async () => {
    const rng = mulberry32(Number(process.env.SEARCH_INDEX_TEST_SEED ?? 2026));
    let results = 0;
    for (let i = 0; i < 300; i++) results += await comparePages(first, randomSearch(rng));
    expect(results).toBeGreaterThan(1000); // the searches found something to compare
  });

  it('shows a pull at once on the instance that pulled, and within a poll on the other instance', async () => {
    const [charging, removed, unpublished] = locations;
    const now = new Date().toISOString();
    for (const e of charging.evses) Object.assign(e, { status: 'CHARGING', last_updated: now });
    charging.last_updated = now;
    for (const e of removed.evses) Object.assign(e, { status: 'REMOVED', last_updated: now });
    removed.last_updated = now;
    Object.assign(unpublished, { publish: false, last_updated: now });
    const added = { ...locations[5], id: 'LOC-ADDED', coordinates: { latitude: String(centre.latitude), longitude: String(centre.longitude) }, last_updated: now };
    cpo.simulator.setLocations([...locations, added]);
    // A new version of the tariff the added Location's connectors list: the price line follows it.
    const tariff = JSON.parse(JSON.stringify(tariffs.find((t) => String(t.id) === added.evses[0].connectors[0].tariff_ids?.[0]) ?? tariffs[0]));
    tariff.currency = 'CHF';
    tariff.last_updated = now;
    cpo.simulator.setTariffs(tariffs.map((t) => (t.id === tariff.id ? tariff : t)));
    await cpo.sync();

    const q = (): LocationSearch => ({
      area: { kind: 'radius', centre, radiusM: 100_000 },
      origin: centre,
      connectorStandards: [],
      powerTypes: [],
      minPowerKw: null,
      parties: [mine],
      capabilities: [],
      parkingTypes: [],
      open247: false,
      availableNow: false,
      limit: 100,
      withEvses: true,
      cursor: null,
      lang: 'en',
      at: new Date(),
    });
    const check = async (s: TestService) => {
      const page = JSON.parse((await services(s).index.search(q()))!.toString('utf8')) as SearchPage;
      const byId = new Map(page.data.map((r) => [r.location.ocpi_id, r]));
      expect(page.data[0].location.ocpi_id).toBe('LOC-ADDED');
      expect(byId.has(removed.id)).toBe(false);
      expect(byId.has(unpublished.id)).toBe(false);
      expect(byId.get(charging.id)?.evses?.map((e) => e.status)).toEqual(charging.evses.map(() => 'CHARGING'));
      const prices = page.data.flatMap((r) => r.evses!.flatMap((e) => e.connectors)).filter((c) => c.tariff_ids.includes(String(tariff.id)));
      expect(prices.length).toBeGreaterThan(0);
      for (const c of prices) expect(c.price?.currency).toBe('CHF');
      await comparePages(s, q(), 1);
    };
    await check(first); // no waiting: the pull marked the index dirty, the search caught up first
    await eventually(() => check(second));
  });

  it('with the index off (SEARCH_INDEX_POLL_MS=0, as while it loads at start-up) the database answers the same over HTTP', async () => {
    const sqlOnly = await startTestService({ database: first.database, env: { SEARCH_INDEX_POLL_MS: '0' } });
    try {
      expect(services(sqlOnly).index.ready).toBe(false);
      for (const query of [
        `latitude=${centre.latitude}&longitude=${centre.longitude}&radius_m=3000&available_now=true&evses=true`,
        `bbox=4.40,51.88,4.56,51.96&connector_standard=IEC_62196_T2_COMBO&limit=7&lang=nl`,
      ]) {
        const [a, b] = await Promise.all([first.api(`/api/v1/locations?${query}`), sqlOnly.api(`/api/v1/locations?${query}`)]);
        expect([a.status, b.status]).toEqual([200, 200]);
        expect(a.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(b.headers.get('content-type')).toBe('application/json; charset=utf-8');
        // Evaluated a few milliseconds apart: compare what cannot move in that time.
        const view = (body: any) => body.data.map((r: any) => [r.location.id, r.distance_m, r.evse_count, r.free_evse_count, r.connectors]);
        expect(view(a.body)).toEqual(view(b.body));
        expect(a.body.data.length).toBeGreaterThan(0);
        expect(a.body.meta.next_cursor).toBe(b.body.meta.next_cursor);
      }
    } finally {
      await sqlOnly.stop();
    }
  });

  it('follows a Location moved across the map by a pull of the other instance', async () => {
    const moved = locations[10];
    const far = { latitude: '52.3700', longitude: '4.8900' }; // Amsterdam, 60 km north
    const now = new Date().toISOString();
    Object.assign(moved, { coordinates: far, last_updated: now });
    cpo.simulator.setLocations(locations);
    // This time the second instance pulls: the first learns it by polling.
    const outcomes = await syncAndWait(second, cpo.connectionId);
    expect(outcomes.map((o: any) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SKIPPED', 'SKIPPED']); // tariffs, locations; no sessions or cdrs Sender
    const around = (point: { latitude: number; longitude: number }): LocationSearch => ({
      area: { kind: 'radius', centre: point, radiusM: 500 },
      origin: point,
      connectorStandards: [],
      powerTypes: [],
      minPowerKw: null,
      parties: [],
      capabilities: [],
      parkingTypes: [],
      open247: false,
      availableNow: false,
      limit: 20,
      withEvses: false,
      cursor: null,
      lang: 'en',
      at: new Date(),
    });
    const amsterdam = { latitude: 52.37, longitude: 4.89 };
    for (const s of [second, first]) {
      await eventually(async () => {
        const page = JSON.parse((await services(s).index.search(around(amsterdam)))!.toString('utf8')) as SearchPage;
        expect(page.data.map((r) => r.location.ocpi_id)).toEqual([moved.id]);
        await comparePages(s, around(amsterdam), 1);
      });
    }
  });

  it('leaves out, on both paths and both instances, a Location a full pull no longer lists and an EVSE its Location no longer lists (absent)', async () => {
    const gone = locations[20];
    const shrunk = locations.slice(21).find((l) => l.evses.length >= 2);
    const droppedUid = shrunk.evses[shrunk.evses.length - 1].uid;
    cpo.simulator.setLocations(locations.filter((l) => l !== gone).map((l) => (l === shrunk ? { ...shrunk, evses: shrunk.evses.slice(0, -1) } : l)));
    const outcomes = await cpo.sync(true);
    expect(outcomes.map((o: any) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SKIPPED', 'SKIPPED']);
    const near = (point: { latitude: number; longitude: number }, availableNow: boolean): LocationSearch => ({
      area: { kind: 'radius', centre: point, radiusM: 2_000 },
      origin: point,
      connectorStandards: [],
      powerTypes: [],
      minPowerKw: null,
      parties: [mine],
      capabilities: [],
      parkingTypes: [],
      open247: false,
      availableNow,
      limit: 100,
      withEvses: true,
      cursor: null,
      lang: 'en',
      at: new Date(),
    });
    const point = (l: any) => ({ latitude: Number(l.coordinates.latitude), longitude: Number(l.coordinates.longitude) });
    const check = async (s: TestService) => {
      const around = JSON.parse((await services(s).index.search(near(point(gone), false)))!.toString('utf8')) as SearchPage;
      expect(around.data.length).toBeGreaterThan(0);
      expect(around.data.map((r) => r.location.ocpi_id)).not.toContain(gone.id);
      const page = JSON.parse((await services(s).index.search(near(point(shrunk), false)))!.toString('utf8')) as SearchPage;
      const kept = page.data.find((r) => r.location.ocpi_id === shrunk.id)!;
      expect(kept.evse_count).toBe(shrunk.evses.length - 1);
      expect(kept.evses!.map((e) => e.uid)).not.toContain(droppedUid);
      for (const q of [near(point(gone), false), near(point(gone), true), near(point(shrunk), false), near(point(shrunk), true)]) await comparePages(s, q);
    };
    await check(first);
    await eventually(() => check(second));
  });
});
