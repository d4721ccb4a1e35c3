/**
 * Objects a CPO stops listing (issue 15), pulled from a 2.2.1 Sender interface (mod_locations 2.2.1 §8.2.1 and
 * mod_tariffs 2.2.1 §4.2.1, GET list, transport_and_format 2.2.1 §Pagination): only a complete full pull (no date_from,
 * every page read, the run SUCCEEDED) marks the Locations and Tariffs it did not list absent (kept, with since when);
 * an EVSE a Location no longer lists (mod_locations 2.2.1 §8.3.1: the Location lists its EVSEs) is marked, not deleted;
 * whatever is listed again loses the mark. Absent Locations and EVSEs are never free and left out of the search; an
 * absent Tariff prices no new estimate. An incremental pull, and a pull that fails on a later page, mark nothing.
 */
import { generateLocations } from '../cpo-simulator';
import { simpleTariffs } from '../cdrs/support/cdr-cpo';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'ABS' };
const center = { latitude: 52.37, longitude: 4.9 };

describe('Objects a CPO stops listing, across three full pulls (mod_locations 2.2.1 §8.2.1, mod_tariffs 2.2.1 §4.2.1)', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  const tariffs = simpleTariffs(owner); // AC-KWH, AC-TIME
  const all = generateLocations({ count: 6, seed: 15, center, radiusKm: 2, ...owner, tariffIds: tariffs.map((t) => t.id as string) }) as any[];
  // The Location that loses an EVSE: one with at least two.
  const shrinking = all.find((l) => l.evses.length >= 2);
  const [dropped] = all.filter((l) => l !== shrinking);
  const [, , laterDropped] = all.filter((l) => l !== shrinking);
  const droppedEvse = shrinking.evses[shrinking.evses.length - 1];
  const withoutEvse = { ...shrinking, evses: shrinking.evses.slice(0, -1) };

  const query = <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => withClient(service.database.url, async (c) => (await c.query(sql, params)).rows as T[]);
  const locationRow = async (l: any) => (await query(`SELECT id, absent_since FROM location WHERE party_id = $1 AND ocpi_id = $2`, [owner.partyId, l.id]))[0];
  const evseRow = async (l: any, uid: string) =>
    (
      await query(`SELECT e.absent_since FROM evse e JOIN location l ON l.id = e.location_id WHERE l.party_id = $1 AND l.ocpi_id = $2 AND e.uid = $3`, [owner.partyId, l.id, uid])
    )[0];
  const tariffRow = async (id: string) => (await query(`SELECT absent_since, deleted_at FROM tariff WHERE party_id = $1 AND ocpi_id = $2`, [owner.partyId, id]))[0];
  const search = async (extra = '') => {
    const { status, body } = await service.api(
      `/api/v1/locations?latitude=${center.latitude}&longitude=${center.longitude}&radius_m=10000&party=${owner.countryCode}*${owner.partyId}&limit=100${extra}`,
    );
    expect(status).toBe(200);
    return new Map<string, any>(body.data.map((r: any) => [r.location.ocpi_id, r]));
  };
  const detail = async (l: any) => {
    const { status, body } = await service.api(`/api/v1/locations/${(await locationRow(l)).id}`);
    expect(status).toBe(200);
    return body;
  };
  const absentCounts = async () => (await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.absent;
  const estimatedTariffs = async () => {
    const [connector] = await query(
      `SELECT c.id FROM connector c JOIN evse e ON e.id = c.evse_id JOIN location l ON l.id = e.location_id
       WHERE l.party_id = $1 AND l.ocpi_id = $2 ORDER BY e.uid, c.ocpi_id LIMIT 1`,
      [owner.partyId, shrinking.id],
    );
    const { status, body } = await service.api(`/api/v1/connectors/${connector.id}/price-estimate?energy_kwh=5&duration_minutes=60`);
    expect(status).toBe(200);
    return { timeTariffPriced: body.estimates.some((e: any) => e.tariff_id === 'AC-TIME'), missing: body.missing_tariff_ids };
  };
  const statuses = (outcomes: any[]) => Object.fromEntries(outcomes.map((o) => [o.module, o.status]));

  beforeAll(async () => {
    service = await startTestService();
    // Pages of 2: every pull here reads several pages (and can fail on a later one).
    cpo = await registerCpo(service, { ...owner, maxPageLimit: 2, locations: all, tariffs });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('first full pull: everything listed, nothing absent', async () => {
    expect(statuses(await cpo.sync(true))).toMatchObject({ tariffs: 'SUCCEEDED', locations: 'SUCCEEDED' });
    expect(await absentCounts()).toEqual({ locations: 0, evses: 0, tariffs: 0 });
    expect([...(await search()).keys()].sort()).toEqual(all.map((l) => l.id).sort());
    expect(await estimatedTariffs()).toEqual({ timeTariffPriced: true, missing: [] });
  });

  it('second full pull: a dropped Location and Tariff are marked absent with a time and kept; a dropped EVSE is kept, marked, never free', async () => {
    cpo.simulator.setLocations(all.filter((l) => l !== dropped).map((l) => (l === shrinking ? withoutEvse : l)));
    cpo.simulator.setTariffs(tariffs.filter((t) => t.id !== 'AC-TIME'));
    const before = Date.now();
    expect(statuses(await cpo.sync(true))).toMatchObject({ tariffs: 'SUCCEEDED', locations: 'SUCCEEDED' });

    const location = await locationRow(dropped);
    expect(location.absent_since).toEqual(expect.any(Date));
    expect(location.absent_since.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await evseRow(shrinking, droppedEvse.uid)).absent_since).toEqual(expect.any(Date));
    expect(await tariffRow('AC-TIME')).toMatchObject({ absent_since: expect.any(Date), deleted_at: null });
    expect(await absentCounts()).toEqual({ locations: 1, evses: 1, tariffs: 1 });

    // The app: the absent Location is not searched (not even among free ones), its detail shows the mark, no EVSE free.
    const found = await search();
    expect(found.has(dropped.id)).toBe(false);
    expect((await search('&available_now=true')).has(dropped.id)).toBe(false);
    const gone = await detail(dropped);
    expect(gone.absent_since).toBe(location.absent_since.toISOString());
    expect(gone.evses.length).toBe(dropped.evses.length);
    for (const e of gone.evses) expect(e).toMatchObject({ free: false, not_free: { reason: 'ABSENT' } });

    // The EVSE: left out of the search's counts, in the detail with its mark, never free.
    expect(found.get(shrinking.id).evse_count).toBe(shrinking.evses.length - 1);
    const kept = await detail(shrinking);
    expect(kept.absent_since).toBeNull();
    expect(kept.evses.find((e: any) => e.uid === droppedEvse.uid)).toMatchObject({ absent_since: expect.any(String), free: false, not_free: { reason: 'ABSENT' } });
    expect(kept.evses.filter((e: any) => e.absent_since === null).map((e: any) => e.uid)).toEqual(withoutEvse.evses.map((e: any) => e.uid).sort());

    // The Tariff: no new estimate uses it.
    expect(await estimatedTariffs()).toEqual({ timeTariffPriced: false, missing: ['AC-TIME'] });
  });

  it('an incremental pull (date_from) marks nothing, whatever it does not list', async () => {
    cpo.simulator.setLocations(all.filter((l) => l !== dropped && l !== laterDropped).map((l) => (l === shrinking ? withoutEvse : l)));
    expect(statuses(await cpo.sync(false))).toMatchObject({ tariffs: 'SUCCEEDED', locations: 'SUCCEEDED' });
    const runs = (await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body;
    expect(runs.find((r: any) => r.module === 'locations').date_from).toEqual(expect.any(String));
    expect((await locationRow(laterDropped)).absent_since).toBeNull();
    expect(await absentCounts()).toEqual({ locations: 1, evses: 1, tariffs: 1 });
  });

  it('a full pull that fails on a later page marks nothing', async () => {
    cpo.simulator.setQuirks({ modules: ['locations'], failures: { count: 100, httpStatus: 500, after: 1 } });
    try {
      expect(statuses(await cpo.sync(true))).toMatchObject({ tariffs: 'SUCCEEDED', locations: 'FAILED' });
    } finally {
      cpo.simulator.setQuirks(undefined);
    }
    expect((await locationRow(laterDropped)).absent_since).toBeNull();
    expect(await absentCounts()).toEqual({ locations: 1, evses: 1, tariffs: 1 });
    expect((await search()).has(laterDropped.id)).toBe(true);
    expect(await query(`SELECT * FROM sync_run_seen`)).toEqual([]);
  });

  it('third full pull: what is listed again loses its mark (Location, EVSE, Tariff) and is searched and priced again', async () => {
    cpo.simulator.setLocations(all);
    cpo.simulator.setTariffs(tariffs);
    expect(statuses(await cpo.sync(true))).toMatchObject({ tariffs: 'SUCCEEDED', locations: 'SUCCEEDED' });
    expect((await locationRow(dropped)).absent_since).toBeNull();
    expect((await locationRow(laterDropped)).absent_since).toBeNull();
    expect((await evseRow(shrinking, droppedEvse.uid)).absent_since).toBeNull();
    expect((await tariffRow('AC-TIME')).absent_since).toBeNull();
    expect(await absentCounts()).toEqual({ locations: 0, evses: 0, tariffs: 0 });
    const found = await search();
    expect([...found.keys()].sort()).toEqual(all.map((l) => l.id).sort());
    expect(found.get(shrinking.id).evse_count).toBe(shrinking.evses.length);
    expect((await detail(dropped)).absent_since).toBeNull();
    expect(await estimatedTariffs()).toEqual({ timeTariffPriced: true, missing: [] });
    expect(await query(`SELECT * FROM sync_run_seen`)).toEqual([]);
  });
});
