/**
 * Pulling Locations and Tariffs from a 2.1.1 and a 2.3.0 CPO (mod_locations 2.1.1 §2.1 CPO Interface,
 * mod_locations 2.3.0 §Sender Interface): the version differences end in the adapters, the canonical rows
 * say where a time zone came from and keep what 2.3.0 added; Tariffs are read by each version's mapper
 * (2.1.1 ones under the connection's party).
 */
import { loadFixtureTariffs, toOcpi211Tariff } from '../cpo-simulator';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

async function rows(sql: string, params: unknown[]): Promise<any[]> {
  return withClient(service.database.url, async (c) => (await c.query(sql, params)).rows);
}

describe('mod_locations 2.1.1 §3.1 Location object, pulled from a 2.1.1 CPO', () => {
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    const owner = { countryCode: 'BE', partyId: 'OLD' };
    const locations = locationsFor('2.1.1', { count: 6, seed: 7, center: { latitude: 50.85, longitude: 4.35 }, radiusKm: 3, ...owner });
    // Half of them without time_zone, as 2.1.1 allows.
    locations.forEach((l, i) => i % 2 === 0 && delete l.time_zone);
    const tariffs = loadFixtureTariffs(owner)
      .slice(0, 3)
      .map((t) => toOcpi211Tariff(t));
    cpo = await registerCpo(service, { version: '2.1.1', ...owner, locations, tariffs });
  });
  afterAll(() => cpo?.close());

  it("stores every Location under the connection's party, with time zones taken or derived from the coordinates", async () => {
    const [tariffs, locations] = await cpo.sync();
    expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 6, rejected: 0 });
    const stored = await rows(`SELECT country_code, party_id, ocpi_version, time_zone, time_zone_source FROM location WHERE connection_id = $1 ORDER BY ocpi_id`, [
      cpo.connectionId,
    ]);
    expect(stored.map((r) => [r.country_code, r.party_id, r.ocpi_version, r.time_zone, r.time_zone_source])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => ['BE', 'OLD', '2.1.1', 'Europe/Brussels', i % 2 === 0 ? 'COORDINATES' : 'CPO']),
    );
    expect(tariffs).toMatchObject({ status: 'SUCCEEDED', rejected: 0 });
  });

  it("mod_tariffs 2.1.1: each Tariff is stored under the connection's party (2.1.1 Tariffs name no owner)", async () => {
    const stored = await rows(`SELECT country_code, party_id, ocpi_version FROM tariff WHERE connection_id = $1`, [cpo.connectionId]);
    expect(stored.length).toBeGreaterThan(0);
    for (const r of stored) expect(r).toEqual({ country_code: 'BE', party_id: 'OLD', ocpi_version: '2.1.1' });
    const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=tariffs`)).body;
    expect(rejected).toEqual([]);
  });

  it('the chargers search serves 2.1.1 Locations like any other, opening hours evaluated in the derived zone', async () => {
    const { status, body } = await service.api('/api/v1/chargers/nearby?latitude=50.85&longitude=4.35&radius_m=5000&limit=10');
    expect(status).toBe(200);
    const old = body.data.filter((r: any) => r.cpo.party_id === 'OLD');
    expect(old).toHaveLength(6);
    for (const r of old) {
      expect(r.location.time_zone).toBe('Europe/Brussels');
      expect(r.location.opening).toHaveProperty('open');
    }
  });
});

describe('mod_locations 2.3.0 §Location object, pulled from a 2.3.0 CPO', () => {
  it('stores help_phone, parking_places, EVSE parking and accepted_service_providers, Connector capabilities', async () => {
    const owner = { countryCode: 'NL', partyId: 'NEW' };
    const locations = locationsFor('2.3.0', { count: 4, seed: 8, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 3, ...owner });
    const cpo = await registerCpo(service, { version: '2.3.0', ...owner, locations, tariffs: loadFixtureTariffs(owner).slice(0, 2) });
    try {
      const [tariffs, pulled] = await cpo.sync();
      expect(pulled).toMatchObject({ status: 'SUCCEEDED', stored: 4, rejected: 0 });
      expect(tariffs).toMatchObject({ status: 'SUCCEEDED', rejected: 0 });
      const [location] = await rows(`SELECT id, help_phone, parking_places FROM location WHERE connection_id = $1 AND ocpi_id = $2`, [cpo.connectionId, locations[0].id]);
      expect(location.help_phone).toBe(locations[0].help_phone);
      expect(location.parking_places).toEqual(locations[0].parking_places);
      const evses = await rows(`SELECT uid, parking, accepted_service_providers FROM evse WHERE location_id = $1 ORDER BY uid`, [location.id]);
      expect(evses[0]).toMatchObject({ parking: [{ parking_id: 'P1', evse_position: 'LEFT' }], accepted_service_providers: ['Open eMSP', 'Example Mobility'] });
      const dc = await rows(
        `SELECT c.capabilities FROM connector c JOIN evse e ON e.id = c.evse_id JOIN location l ON l.id = e.location_id WHERE l.connection_id = $1 AND c.power_type = 'DC'`,
        [cpo.connectionId],
      );
      for (const c of dc) expect(c.capabilities).toEqual(['ISO_15118_2_PLUG_AND_CHARGE']);
    } finally {
      await cpo.close();
    }
  });
});
