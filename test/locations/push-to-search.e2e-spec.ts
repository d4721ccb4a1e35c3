/**
 * A pushed status change reaches the app's search (mod_locations 2.2.1 §PATCH Method, "a simple status update"): at
 * once on the instance that took the PATCH (read-your-writes), and within a poll of its search index on another
 * instance of the same deployment (one database, two processes' worth of services).
 */
import { locationsFor, ocpiCall } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'PTS' };
const centre = { latitude: 52.09, longitude: 5.12 };

/** Waits until `check` passes. */
async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('mod_locations 2.2.1 §PATCH Method: a pushed EVSE status in the search of every instance', () => {
  let first: TestService;
  let second: TestService;
  let cpo: RegisteredCpo;
  const locations = locationsFor('2.2.1', { count: 3, seed: 77, center: centre, radiusKm: 0.5, ...owner }) as any[];
  // Every EVSE of the first Location free to begin with, so that one push decides whether it is free now.
  const target = { ...locations[0], opening_times: { twentyfourseven: true }, evses: [{ ...locations[0].evses[0], status: 'AVAILABLE' }] };

  beforeAll(async () => {
    first = await startTestService();
    second = await startTestService({ database: first.database, env: { SEARCH_INDEX_POLL_MS: '200' } });
    cpo = await registerCpo(first, { version: '2.2.1', ...owner, locations: [], tariffs: [] });
  });
  afterAll(async () => {
    await cpo?.close();
    await second?.stop();
    await first?.stop();
  });

  const freeIds = async (s: TestService) =>
    (await s.api(`/api/v1/locations?latitude=${centre.latitude}&longitude=${centre.longitude}&radius_m=3000&available_now=true`)).body.data.map((r: any) => r.location.ocpi_id);

  it('PUT then PATCH CHARGING: gone from "free now" at once on the instance pushed to, within a poll on the other', async () => {
    const url = `${first.url}/ocpi/emsp/2.2.1/locations/NL/PTS/${target.id}`;
    const token = cpo.simulator.registration.tokenForClient!;
    expect((await ocpiCall(url, token, { method: 'PUT', body: target })).status).toBe(201);
    expect(await freeIds(first)).toContain(target.id);
    await eventually(async () => expect(await freeIds(second)).toContain(target.id));

    const later = new Date(Date.parse(target.last_updated) + 60_000).toISOString().replace('.000Z', 'Z');
    const patched = await ocpiCall(`${url}/${target.evses[0].uid}`, token, { method: 'PATCH', body: { status: 'CHARGING', last_updated: later } });
    expect(patched).toMatchObject({ status: 200, body: { status_code: 1000 } });
    expect(await freeIds(first)).not.toContain(target.id);
    // How soon is the benchmark's to measure (npm run bench -- --only push); here only that it happens by polling.
    await eventually(async () => expect(await freeIds(second)).not.toContain(target.id));
  });
});
