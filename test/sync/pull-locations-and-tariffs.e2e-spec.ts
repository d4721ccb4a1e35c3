/**
 * mod_locations 2.2.1 §8.2.1 and mod_tariffs 2.2.1 §4.2.1 (Sender interface, GET list), pulled through
 * transport_and_format 2.2.1 §Pagination: every object stored once, invalid ones kept raw with a reason.
 */
import { generateLocations, loadFixtureFiles, loadFixtureTariffs } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'PUL' };

describe('mod_locations / mod_tariffs 2.2.1 Sender interface: paginated pull into the normalised tables', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  const tariffs = loadFixtureTariffs(owner);
  const locations = generateLocations({ count: 137, seed: 42, center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 5, ...owner, tariffIds: tariffs.map((t) => (t as any).id) });
  const invalidLocations = loadFixtureFiles('not-ok', owner)
    .map((f) => f.object)
    .filter((o: any) => !('elements' in o) && !('currency' in o));

  beforeAll(async () => {
    service = await startTestService();
    // 137 good + the invalid ones spread over pages of 25: several pages hold both.
    const mixed = [...locations.slice(0, 30), ...invalidLocations, ...locations.slice(30)];
    cpo = await registerCpo(service, { ...owner, maxPageLimit: 25, locations: mixed, tariffs });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('walks every page via Link and stores every valid Location, EVSE and Connector exactly once', async () => {
    const outcomes = await cpo.sync();
    const pulled = outcomes.find((o) => o.module === 'locations');
    expect(pulled).toMatchObject({ status: 'SUCCEEDED', received: 137 + invalidLocations.length, stored: 137, rejected: invalidLocations.length });
    expect(pulled.pages).toBe(Math.ceil((137 + invalidLocations.length) / 25));

    const counts = await countRows(service.database.url);
    expect(counts).toEqual({
      locations: 137,
      evses: locations.reduce((n, l: any) => n + l.evses.length, 0),
      connectors: locations.reduce((n, l: any) => n + l.evses.reduce((m: number, e: any) => m + e.connectors.length, 0), 0),
    });
  });

  it('keeps each invalid object raw with its reason, filed against the CPO, without sinking its page', async () => {
    const { body } = await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=locations`);
    expect(body).toHaveLength(invalidLocations.length);
    for (const rejected of body) {
      expect(rejected.reason).toEqual(expect.any(String));
      expect(rejected.reason.length).toBeGreaterThan(5);
      expect(invalidLocations).toContainEqual(rejected.raw);
    }
    const missingCoordinates = body.find((r: any) => r.raw.coordinates === undefined);
    expect(missingCoordinates.reason).toContain('coordinates');
  });

  it('keeps the raw payload of every stored Location', async () => {
    const [row] = await withClient(service.database.url, (c) => c.query(`SELECT raw FROM location WHERE ocpi_id = $1`, [(locations[5] as any).id]).then((r) => r.rows));
    expect(row.raw).toEqual(locations[5]);
  });

  it('stores tariffs with their elements and price components as decimals, one row per distinct id', async () => {
    const distinct = new Set(tariffs.map((t: any) => t.id)).size;
    const [counts] = await withClient(service.database.url, (c) =>
      c.query(`SELECT (SELECT count(*) FROM tariff)::int AS tariffs, (SELECT count(*) FROM price_component WHERE price::text LIKE '%e%')::int AS floaty`).then((r) => r.rows),
    );
    expect(counts).toEqual({ tariffs: distinct, floaty: 0 });
  });

  it('a second pull is incremental (date_from) and idempotent: no duplicates, same counts', async () => {
    const before = await countRows(service.database.url);
    const requestsBefore = cpo.simulator.requests.length;
    const outcomes = await cpo.sync();
    expect(outcomes.map((o) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SKIPPED', 'SKIPPED']);
    expect(await countRows(service.database.url)).toEqual(before);
    const locationCalls = cpo.simulator.requests.slice(requestsBefore).filter((r) => r.url.includes('/locations'));
    expect(locationCalls[0].url).toContain('date_from=');
  });

  it('a full re-pull picks up changes: a status change, and an EVSE the CPO no longer lists kept and marked absent', async () => {
    const changed = structuredClone(locations) as any[];
    changed[0].evses[0].status = 'OUTOFORDER';
    changed[0].evses[0].last_updated = '2026-11-01T10:00:00Z';
    changed[0].last_updated = '2026-11-01T10:00:00Z';
    // The EVSE dropped is one of several at its Location, so the Location itself stays (and its other EVSEs with it).
    const shrunk = changed.find((l, i) => i > 0 && l.evses.length > 1);
    expect(shrunk).toBeDefined();
    const droppedUid = shrunk.evses.pop().uid;
    shrunk.last_updated = '2026-11-01T10:00:00Z';
    cpo.simulator.setLocations(changed);
    await cpo.sync(true);
    const rows = await withClient(service.database.url, (c) =>
      c
        .query(`SELECT e.uid, e.status, e.status_changed_at, e.absent_since FROM evse e JOIN location l ON l.id = e.location_id WHERE l.ocpi_id = ANY($1)`, [
          [changed[0].id, shrunk.id],
        ])
        .then((r) => r.rows),
    );
    const first = rows.find((r: any) => r.uid === changed[0].evses[0].uid);
    expect(first.status).toBe('OUTOFORDER');
    expect(new Date(first.status_changed_at).toISOString()).toBe('2026-11-01T10:00:00.000Z');
    // Kept, not deleted (issue 15): marked absent with since when; the listed ones carry no mark.
    const absent = rows.filter((r: any) => r.absent_since !== null).map((r: any) => r.uid);
    expect(absent).toEqual([droppedUid]);
    expect(rows.filter((r: any) => r.absent_since === null).map((r: any) => r.uid)).toEqual(expect.arrayContaining(shrunk.evses.map((e: any) => e.uid)));
  });

  it('a CPO that goes away mid-life fails the run with a plain-words reason on the run and the connection', async () => {
    await cpo.simulator.close();
    const outcomes = await cpo.sync();
    expect(outcomes.map((o) => o.status)).toEqual(['FAILED', 'FAILED', 'SKIPPED', 'SKIPPED']);
    expect(outcomes[0].message).toMatch(/TRANSPORT.*connection refused/);
    const { body } = await service.ops('GET', '/connections');
    expect(body.find((c: any) => c.id === cpo.connectionId).last_error).toContain('connection refused');
    const runs = (await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body;
    expect(runs[0]).toMatchObject({ status: 'FAILED', error: expect.stringContaining('connection refused') });
  });
});

async function countRows(url: string) {
  const [row] = await withClient(url, (c) =>
    c
      .query(`SELECT (SELECT count(*) FROM location)::int AS locations, (SELECT count(*) FROM evse)::int AS evses, (SELECT count(*) FROM connector)::int AS connectors`)
      .then((r) => r.rows),
  );
  return row;
}
