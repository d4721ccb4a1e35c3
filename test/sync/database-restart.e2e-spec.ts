/**
 * A fault of our own: the database restarts in the middle of a pull (mod_locations 2.2.1 §8.2.1 Sender interface,
 * paginated per transport_and_format 2.2.1 §Pagination). Every connection of the service is cut; the pull waits for
 * the database to come back, carries on from the page it was at, and ends with everything stored once: no page lost,
 * no object twice, the run SUCCEEDED, its lease released. On a PostgreSQL server of the test's own (never the shared
 * one), restarted with pg_ctl.
 */
import { generateLocations } from '../cpo-simulator';
import { PrivatePostgres, startPrivatePostgres } from '../support/private-postgres';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { finishedRuns, startSync, syncAndWait } from '../support/sync-runs';
import { startTestService, TestService } from '../support/test-service';

jest.setTimeout(120_000);

const owner = { countryCode: 'NL', partyId: 'DBR' };
const COUNT = 60;
const PAGE = 10;
const locations = generateLocations({ count: COUNT, seed: 8, center: { latitude: 51.92, longitude: 4.48 }, radiusKm: 4, ...owner });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fault: PostgreSQL restarts during a pull', () => {
  let postgres: PrivatePostgres;
  let service: TestService;
  let cpo: RegisteredCpo;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    service = await startTestService({ database: postgres.database, env: { SYNC_LEASE_TTL_SECONDS: '10', SYNC_LEASE_RENEW_SECONDS: '1' } });
    cpo = await registerCpo(service, { ...owner, locations, maxPageLimit: PAGE });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
    postgres?.stop();
  });

  it.each(['fast', 'immediate'] as const)('restart (%s) after the second page: the pull resumes when the database is back and stores every Location once', async (mode) => {
    cpo.simulator.setQuirks({ modules: ['locations'], delayMs: 400 });
    const started = await startSync(service, cpo.connectionId, true);
    const runs = async () => (await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body.filter((r: any) => r.module === 'locations');
    let running: any;
    for (let i = 0; i < 100 && !running; i++) {
      running = (await runs()).find((r: any) => r.status === 'RUNNING' && r.pages >= 2);
      if (!running) await sleep(100);
    }
    expect(running).toBeDefined();
    postgres.restart(mode);

    // Followed as operations would, through the restart (a 503 meanwhile means: ask again).
    const outcome = (await finishedRuns(service, cpo.connectionId, started)).find((o) => o.module === 'locations');
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', run_id: running.id, pages: COUNT / PAGE, received: COUNT });
    const summary = (await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body;
    expect(summary.stored.locations).toBe(COUNT);
    expect((await runs()).find((r: any) => r.id === running.id)).toMatchObject({ status: 'SUCCEEDED', pages: COUNT / PAGE, error: null });

    // The lease was released: the next pull runs at once.
    cpo.simulator.setQuirks({});
    const again = (await syncAndWait(service, cpo.connectionId)).find((o) => o.module === 'locations')!;
    expect(again.status).toBe('SUCCEEDED');
  });
});
