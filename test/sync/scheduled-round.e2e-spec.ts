/**
 * Scheduled pulls are not held up by one CPO (transport_and_format 2.2.1 §Offline behaviour: a party may be
 * unreachable for an undefined time): while the scheduled pull of one CPO sits on our request, holding one of the
 * SYNC_MAX_CONCURRENT_CPOS places of the `pull` queue, the next CPO that comes due is pulled.
 */
import { someLocations } from '../support/direct-client';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { until } from '../support/scheduled-pulls';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';
import { SyncScheduler } from '../../src/sync/sync.scheduler';

describe('scheduled pulls with a CPO that never answers', () => {
  let service: TestService;
  let hung: RegisteredCpo;
  let healthy: RegisteredCpo;
  beforeAll(async () => {
    // A deadline far beyond the test: the hung CPO stays hung while we look at the other one. The schedules are
    // switched on per CPO below; the service's own once-a-minute look has nothing due meanwhile.
    service = await startTestService({ env: { OCPI_RESPONSE_TIMEOUT_MS: '120000', SYNC_INTERVAL_MINUTES: '0', SYNC_FIRST_PULL_DELAY_SECONDS: '600' } });
    const first = { countryCode: 'NL', partyId: 'SLO' };
    const second = { countryCode: 'NL', partyId: 'FST' };
    healthy = await registerCpo(service, { ...second, locations: someLocations(4, 2, second) });
    hung = await registerCpo(service, { ...first, locations: someLocations(3, 2, first) });
  });
  afterAll(async () => {
    // Stopping the service cancels the pull still waiting for the hung CPO.
    await service?.stop();
    await hung?.close();
    await healthy?.close();
  });

  const schedule = async (cpo: RegisteredCpo) => {
    for (const module of ['tariffs', 'locations']) {
      const { status } = await service.ops('PATCH', `/connections/${cpo.connectionId}/modules/${module}`, { interval_minutes: 15 });
      expect(status).toBe(200);
    }
  };

  it('pulls the other CPO while the first one hangs (SYNC_MAX_CONCURRENT_CPOS places, one taken by the hung CPO)', async () => {
    const scheduler = service.app.get(SyncScheduler);
    // Looks at a later clock, past the first-pull delay; the service's own looks (real clock) find nothing due.
    const at = new Date(Date.now() + 601_000);
    hung.simulator.setQuirks({ delayMs: 600_000 });
    await schedule(hung);
    expect(await scheduler.sendDuePulls(at)).toEqual([{ connectionId: hung.connectionId, modules: ['tariffs', 'locations'] }]);
    // The hung CPO's job has a place and our request: the CPO sits on it.
    await until('the hung CPO to have our request', () => Promise.resolve(hung.simulator.requests.some((r) => r.url.includes('/tariffs')) ? true : undefined));

    await schedule(healthy);
    // Only the healthy CPO is due: one being pulled is not sent more work.
    expect(await scheduler.sendDuePulls(at)).toEqual([{ connectionId: healthy.connectionId, modules: ['tariffs', 'locations'] }]);
    const held = async () =>
      withClient(service.database.url, async (c) => {
        const { rows } = await c.query(`SELECT connection_id, count(*)::int AS n FROM location GROUP BY connection_id`);
        return Object.fromEntries(rows.map((r) => [r.connection_id, r.n]));
      });
    const counts = await until('the healthy CPO to be pulled', async () => {
      const now = await held();
      return now[healthy.connectionId] === 4 ? now : undefined;
    });
    expect({ healthy: counts[healthy.connectionId], hung: counts[hung.connectionId] ?? 0 }).toEqual({ healthy: 4, hung: 0 });
  });
});
