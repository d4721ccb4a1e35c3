/**
 * The same charger offered through two routes: directly by its CPO and relayed by a hub. A hub forwards the CPO's
 * objects with the CPO's own country_code, party_id and id (mod_locations 2.2.1 §8.3.1 Location: "ISO-3166 alpha-2
 * country code of the CPO that 'owns' this Location"; credentials 2.2.1 §CredentialsRole, role HUB), so both copies
 * have one key. The app must see it once; the direct route wins over the hub; the other route is recorded.
 * Two simulators serve the same Location objects: one as the CPO (role CPO), one as a hub (role HUB).
 */
import { generateLocations } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const cpoParty = { countryCode: 'NL', partyId: 'DUP' };
const centre = { latitude: 52.37, longitude: 4.89 };
const near = `/api/v1/locations?latitude=${centre.latitude}&longitude=${centre.longitude}&radius_m=5000&limit=100`;

describe('one charger through two routes (direct CPO and hub) per mod_locations 2.2.1 §8.3.1 and credentials 2.2.1 roles', () => {
  let service: TestService;
  let hub: RegisteredCpo;
  let direct: RegisteredCpo;
  const original = generateLocations({ count: 3, seed: 5, center: centre, radiusKm: 2, ...cpoParty }) as any[];
  const copy = (l: any, name: string, lastUpdated: string) => ({ ...l, name, last_updated: lastUpdated });
  // The hub relays all three, with newer timestamps than the CPO's own copies; the CPO serves the first two.
  const viaHub = original.map((l) => copy(l, `${l.name} (via hub)`, '2025-06-01T00:00:00Z'));
  const directly = original.slice(0, 2).map((l) => copy(l, `${l.name} (direct)`, '2025-01-01T00:00:00Z'));

  const found = async () => (await service.api(near)).body.data as any[];

  beforeAll(async () => {
    service = await startTestService();
    hub = await registerCpo(service, { countryCode: 'NL', partyId: 'HUB', role: 'HUB', locations: viaHub });
    direct = await registerCpo(service, { ...cpoParty, locations: directly });
  });
  afterAll(async () => {
    await hub?.close();
    await direct?.close();
    await service?.stop();
  });

  it('the direct route takes a Location over from the hub (even with an older last_updated); each appears once', async () => {
    await hub.sync();
    expect((await found()).map((r) => r.location.name).sort()).toEqual(viaHub.map((l) => l.name).sort());
    await direct.sync();
    const results = await found();
    expect(results.map((r) => r.location.ocpi_id).sort()).toEqual(original.map((l) => l.id).sort());
    const names = new Map(results.map((r) => [r.location.ocpi_id, r.location.name]));
    expect(names.get(original[0].id)).toBe(directly[0].name);
    expect(names.get(original[1].id)).toBe(directly[1].name);
    expect(names.get(original[2].id)).toBe(viaHub[2].name); // only the hub offers it
  });

  it('the hub cannot take it back, even with a newer copy, and the detail lists both routes, marking the one that holds it', async () => {
    hub.simulator.setLocations(viaHub.map((l) => copy(l, l.name, new Date().toISOString())));
    await hub.sync(true);
    const results = await found();
    expect(results.filter((r) => r.location.ocpi_id === original[0].id)).toHaveLength(1);
    const first = results.find((r) => r.location.ocpi_id === original[0].id);
    expect(first.location.name).toBe(directly[0].name);
    const detail = (await service.api(`/api/v1/locations/${first.location.id}`)).body;
    expect(detail.routes).toEqual([
      expect.objectContaining({ connection_id: direct.connectionId, route: 'DIRECT', holds: true, last_updated: '2025-01-01T00:00:00.000Z' }),
      expect.objectContaining({ connection_id: hub.connectionId, route: 'HUB', holds: false }),
    ]);
  });

  it('operations see where each copy went: the hub connection holds only the Location nobody else offers', async () => {
    const hubSummary = (await service.ops('GET', `/connections/${hub.connectionId}/summary`)).body;
    const directSummary = (await service.ops('GET', `/connections/${direct.connectionId}/summary`)).body;
    expect([hubSummary.stored.locations, directSummary.stored.locations]).toEqual([1, 2]);
  });
});
