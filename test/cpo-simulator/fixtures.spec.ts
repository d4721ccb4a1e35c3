/**
 * The fixture loader and the fixture set (test/fixtures/ocpi/README.md), and serving them mixed
 * with deliberately bad objects (transport_and_format 2.2.1 §GET: "When a list of objects
 * contains some objects that are correct and some with 'problems' the client should at least
 * process the correct OCPI objects" — so the server side must be able to send such a list).
 */
import { findProjectRoot, loadFixtureFiles, loadFixtureLocations, loadFixtureTariffs, startCpoSimulator, type RawObject } from './index';
import { call, register, startFakeEmsp, walkPages } from './spec-helpers';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const OWNER = { countryCode: 'DE', partyId: 'XYZ' };

function connectorTariffIds(location: RawObject): string[] {
  const evses = location.evses as { connectors: { tariff_ids?: string[] }[] }[];
  return evses.flatMap((e) => e.connectors.flatMap((c) => c.tariff_ids ?? []));
}

describe('fixtures (OCPI 2.2.1 spec examples, not-ok/, odd/)', () => {
  it('finds the project root by walking up to package.json', () => {
    expect(existsSync(join(findProjectRoot(), 'package.json'))).toBe(true);
  });

  it('mod_locations §Location object / mod_tariffs §Tariff object: loads the spec examples owned by the simulator', () => {
    const locations = loadFixtureLocations(OWNER);
    const tariffs = loadFixtureTariffs(OWNER);
    expect(locations).toHaveLength(6);
    expect(tariffs).toHaveLength(17);
    for (const o of [...locations, ...tariffs]) expect(o).toMatchObject({ country_code: 'DE', party_id: 'XYZ' });
    expect(new Set(locations.map((l) => l.id)).size).toBe(5);
    expect(new Set(tariffs.map((t) => t.id)).size).toBe(11);
    expect(
      loadFixtureFiles('tariffs')
        .map((f) => f.file)
        .slice(0, 3),
    ).toEqual(['tariff_1_simple_2hour.json', 'tariff_2_alt_text.json', 'tariff_3_alt_url.json']);
  });

  it('only changes country_code and party_id (each call returns fresh copies)', () => {
    const raw = loadFixtureFiles('locations').find((f) => f.file === 'location_example.json')!.object;
    const owned = loadFixtureLocations(OWNER)[0];
    expect({ ...owned, country_code: raw.country_code, party_id: raw.party_id }).toEqual(raw);
    expect(raw).toMatchObject({ country_code: 'BE', party_id: 'BEC' });
  });

  it('mod_locations §Connector tariff_ids: every reference resolves except "11" in location_example.json', () => {
    const tariffIds = new Set(loadFixtureTariffs(OWNER).map((t) => t.id));
    const dangling = loadFixtureFiles('locations', OWNER).flatMap((f) =>
      connectorTariffIds(f.object)
        .filter((id) => !tariffIds.has(id))
        .map((id) => `${f.file}:${id}`),
    );
    expect(dangling).toEqual(['location_example.json:11']);
  });

  it('transport_and_format §GET: the simulator serves good, not-ok and odd objects side by side', async () => {
    const emsp = await startFakeEmsp();
    const good = loadFixtureLocations(OWNER);
    const bad = loadFixtureFiles('not-ok', OWNER)
      .map((f) => f.object)
      .filter((o) => String(o.id).includes('LOC'));
    const odd = loadFixtureFiles('odd', OWNER)
      .map((f) => f.object)
      .filter((o) => String(o.id).includes('LOC'));
    expect(bad).toHaveLength(5);
    expect(odd).toHaveLength(3);
    const sim = await startCpoSimulator({ ...OWNER, maxPageLimit: 4, locations: [bad[0], ...good, ...bad.slice(1), ...odd, 'not even an object', null] });
    try {
      const tokenC = await register(sim, emsp);
      const pages = await walkPages(`${sim.baseUrl}/2.2.1/locations`, tokenC);
      const served = pages.flatMap((p) => p.body.data as unknown[]);
      expect(served).toHaveLength(good.length + bad.length + odd.length + 2);
      expect(served).toEqual(expect.arrayContaining(good));
      // GET Object still finds a good Location next to malformed neighbours.
      const one = await call(`${sim.baseUrl}/2.2.1/locations/${String(good[0].id)}`, tokenC);
      expect(one.body.data).toEqual(good[0]);
      // With a date filter, objects without a valid last_updated never match.
      const filtered = await call(`${sim.baseUrl}/2.2.1/locations?date_from=2000-01-01T00:00:00Z`, tokenC);
      expect(filtered.headers.get('x-total-count')).toBe(String(good.length + bad.length + odd.length - 1));
    } finally {
      await sim.close();
      await emsp.close();
    }
  });
});
