/**
 * A scheduled round of pulls is not held up by one CPO (transport_and_format 2.2.1 §Offline behaviour: a party may be
 * unreachable for an undefined time): while the first CPO of the round sits on our request, the next one is pulled.
 */
import { someLocations } from '../support/direct-client';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';
import { SyncScheduler } from '../../src/sync/sync.scheduler';

describe('a scheduled round with a CPO that never answers', () => {
  let service: TestService;
  let hung: RegisteredCpo;
  let healthy: RegisteredCpo;
  beforeAll(async () => {
    // A deadline far beyond the test: the hung CPO stays hung while we look at the other one.
    service = await startTestService({ env: { OCPI_RESPONSE_TIMEOUT_MS: '120000' } });
    const first = { countryCode: 'NL', partyId: 'SLO' };
    const second = { countryCode: 'NL', partyId: 'FST' };
    // Newest first in a round (ConnectionsService.list): the hung CPO, registered last, comes first.
    healthy = await registerCpo(service, { ...second, locations: someLocations(4, 2, second) });
    hung = await registerCpo(service, { ...first, locations: someLocations(3, 2, first) });
  });
  afterAll(async () => {
    // Stopping the service cancels the pull still waiting for the hung CPO.
    await service?.stop();
    await hung?.close();
    await healthy?.close();
  });

  it('pulls the other CPO while the first one hangs (SYNC_MAX_CONCURRENT_CPOS places, one taken by the hung CPO)', async () => {
    hung.simulator.setQuirks({ delayMs: 600_000 });
    void service.app.get(SyncScheduler).tick();
    const held = async () =>
      withClient(service.database.url, async (c) => {
        const { rows } = await c.query(`SELECT connection_id, count(*)::int AS n FROM location GROUP BY connection_id`);
        return Object.fromEntries(rows.map((r) => [r.connection_id, r.n]));
      });
    let counts: Record<string, number> = {};
    for (let i = 0; i < 200 && counts[healthy.connectionId] !== 4; i++) {
      counts = await held();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect({ healthy: counts[healthy.connectionId], hung: counts[hung.connectionId] ?? 0 }).toEqual({ healthy: 4, hung: 0 });
    // The first CPO of the round has our request and sits on it.
    expect(hung.simulator.requests.some((r) => r.url.includes('/tariffs'))).toBe(true);
  });
});
