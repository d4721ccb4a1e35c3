/**
 * Scheduled pulls with several instances on one PostgreSQL (two of them real child processes of their own): the looks
 * for due pulls run on every instance at once, each instance works the `pull` queue, and still each due (CPO, module)
 * is pulled once, not once per instance (mod_locations 2.2.1 §8.2.1, mod_tariffs 2.2.1 §4.2.1: GET list).
 * Needs a real PostgreSQL server (DATABASE_URL, as in CI): an embedded PGlite belongs to a single process.
 */
import { JobQueue } from '../../src/jobs/job-queue';
import { PULL_DUE_CHECK_QUEUE } from '../../src/sync/sync.scheduler';
import { someLocations } from '../support/direct-client';
import { ChildService, startChildService } from '../support/child-service';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { runsByModule, until, untilScheduledPullsEnd } from '../support/scheduled-pulls';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

const onServer = process.env.DATABASE_URL ? describe : describe.skip;

onServer('scheduled pulls across instances (child processes) on one PostgreSQL', () => {
  let service: TestService;
  const children: ChildService[] = [];
  const cpos: RegisteredCpo[] = [];

  beforeAll(async () => {
    // No schedule until one is set per module below (the same for every instance: it is in the database); then the
    // first pull of each is due at once.
    const env = { SYNC_INTERVAL_MINUTES: '0', SYNC_FIRST_PULL_DELAY_SECONDS: '0' };
    service = await startTestService({ env });
    for (const [i, partyId] of ['IN1', 'IN2', 'IN3'].entries()) {
      const owner = { countryCode: 'NL', partyId };
      cpos.push(await registerCpo(service, { ...owner, locations: someLocations(5 + i, 2, owner), maxPageLimit: 2 }));
    }
    children.push(await startChildService(service, env), await startChildService(service, env));
  });
  afterAll(async () => {
    for (const child of children) await child.kill('SIGTERM');
    await service?.stop();
    for (const cpo of cpos) await cpo.close();
  });

  it('of many looks for due pulls sent at once to three instances, each due (CPO, module) is pulled once', async () => {
    // Set through a child instance: the schedule lives in the database, whichever instance sets it.
    for (const cpo of cpos)
      for (const module of ['tariffs', 'locations']) {
        const { status } = await children[0].ops('PATCH', `/connections/${cpo.connectionId}/modules/${module}`, { interval_minutes: 30 });
        expect(status).toBe(200);
      }
    // Looks for due pulls as pg-boss's cron sends them, but many at once (distinct keys, so none collapses): the three
    // instances (this one, two child processes) work them side by side.
    const queue = service.app.get(JobQueue);
    for (let i = 0; i < 12; i++) expect(await queue.send(PULL_DUE_CHECK_QUEUE, {}, { singletonKey: `look-${i}` })).toEqual(expect.any(String));
    await until('every look to be worked', () =>
      withClient(service.database.url, async (c) => {
        const { rows } = await c.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [PULL_DUE_CHECK_QUEUE.name]);
        return rows[0].n === 0 ? true : undefined;
      }),
    );
    await untilScheduledPullsEnd(service.database.url);

    for (const cpo of cpos) expect(await runsByModule(service.database.url, cpo.connectionId)).toEqual({ tariffs: ['SUCCEEDED'], locations: ['SUCCEEDED'] });
    const states = await withClient(service.database.url, (c) => c.query<{ state: string }>(`SELECT DISTINCT state::text AS state FROM pgboss.job WHERE name = 'pull'`));
    // Every pull job sent was worked to its end, none given up or failed.
    expect(states.rows).toEqual([{ state: 'completed' }]);
  });
});
