/**
 * Resumable and takeover-safe pulls (issue 15), for real: two service instances in child processes of their own
 * against one PostgreSQL and the CPO simulator with a few thousand Locations in small pages. The instance pulling is
 * killed with SIGKILL mid-pull (no shutdown hook, no finally); the other one finds its lease dead within the lease's
 * TTL (its periodic sweep), takes the run over and finishes it from the next page. The Locations stored are then the
 * CPO's list exactly, object by object: nothing missing, nothing twice; no page the killed instance had stored is
 * asked for again. Pulls per mod_locations 2.2.1 §8.2.1 (Sender interface), paginated per transport_and_format 2.2.1
 * §Pagination. Needs a real PostgreSQL server (DATABASE_URL, as in CI): an embedded PGlite belongs to one process.
 */
import { DataSource } from 'typeorm';
import { generateLocations } from '../cpo-simulator';
import { ChildService, startChildService } from '../support/child-service';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

jest.setTimeout(240_000);

const onServer = process.env.DATABASE_URL ? describe : describe.skip;

const COUNT = 3000;
const PAGE = 20;
const TTL_SECONDS = 3;
const LEASE = { SYNC_LEASE_TTL_SECONDS: String(TTL_SECONDS), SYNC_LEASE_RENEW_SECONDS: '1' };
/** Pages the pulling instance stores before it is killed. */
const BEFORE_KILL = 15;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, withinMs: number, probe: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await sleep(100);
  }
}

const owner = { countryCode: 'NL', partyId: 'TKO' };
const locations = generateLocations({ count: COUNT, seed: 31, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 8, ...owner });

onServer('two instances as real processes: one killed mid-pull, the other resumes the pull and finishes it (real PostgreSQL)', () => {
  let observer: TestService;
  let db: DataSource;
  let cpo: RegisteredCpo;
  const children: ChildService[] = [];

  beforeAll(async () => {
    // The test's own instance registers the CPO and reads; it neither pulls nor sweeps.
    observer = await startTestService({ env: { ...LEASE, SYNC_LEASE_SWEEP_SECONDS: '0' } });
    db = observer.app.get(DataSource);
    cpo = await registerCpo(observer, { ...owner, locations, maxPageLimit: PAGE });
  });
  afterAll(async () => {
    for (const child of children) await child.kill('SIGKILL');
    await cpo?.close();
    await observer?.stop();
  });

  it('SIGKILL after some pages: the other instance takes the run over within the lease and stores the list exactly, pages 1…k not asked again', async () => {
    // Pages slow enough to kill the puller mid-way (150 pages); the survivor is served at full speed.
    cpo.simulator.setQuirks({ modules: ['locations'], delayMs: 150 });
    const puller = await startChildService(observer, { ...LEASE, SYNC_LEASE_SWEEP_SECONDS: '1' });
    children.push(puller);
    const survivor = await startChildService(observer, { ...LEASE, SYNC_LEASE_SWEEP_SECONDS: '1' });
    children.push(survivor);

    const started = await puller.ops('POST', `/connections/${cpo.connectionId}/sync?module=locations`);
    expect(started.status).toBe(202);
    const runId: string = started.body.runs.find((r: any) => r.module === 'locations').run_id;
    const runRow = async () => (await db.query(`SELECT * FROM sync_run WHERE id = $1`, [runId]))[0];
    await waitFor(`the puller stores ${BEFORE_KILL} pages`, 60_000, async () => ((await runRow()).pages >= BEFORE_KILL ? true : null));

    await puller.kill('SIGKILL');
    const killedAt = Date.now();
    cpo.simulator.setQuirks({});
    // What the killed instance left: a run still RUNNING, k pages taken, its checkpoint at page k+1.
    const left = await runRow();
    expect(left).toMatchObject({ status: 'RUNNING', takeovers: 0 });
    const taken: number = left.pages;
    expect(taken).toBeLessThan(COUNT / PAGE);
    expect(left.checkpoint).toMatchObject({ catch_up: false, pages: taken, received: taken * PAGE, total_count: COUNT });

    const finished = await waitFor('the survivor resumes and finishes the run', 120_000, async () => {
      const row = await runRow();
      return row.status === 'RUNNING' ? null : row;
    });
    expect(finished).toMatchObject({ status: 'SUCCEEDED', takeovers: 1, error: null, pages: COUNT / PAGE, objects_received: COUNT, objects_stored: COUNT });
    // Taken over within the lease and a few seconds of slack (the sweep runs every second), not at the next schedule.
    expect(new Date(finished.resumed_at).getTime() - killedAt).toBeLessThan((TTL_SECONDS + 5) * 1000);

    // Object by object: the CPO's list, each Location once.
    const stored: Array<{ ocpi_id: string }> = await db.query(`SELECT ocpi_id FROM location WHERE connection_id = $1 ORDER BY ocpi_id`, [cpo.connectionId]);
    expect(stored.map((r) => r.ocpi_id)).toEqual(locations.map((l) => l.id).sort());

    // Every page asked for; again only those the killed instance had in flight (never one it had stored): the crawl
    // reads one page ahead while it writes the previous, so at most two (the page being written and the one read ahead).
    const offsets = cpo.simulator.requests
      .filter((r) => r.method === 'GET' && /\/locations(\?|$)/.test(r.url))
      .map((r) => Number(new URL(r.url, 'http://cpo').searchParams.get('offset') ?? 0));
    const askedTwice = offsets.filter((offset, i) => offsets.indexOf(offset) !== i);
    expect([...new Set(offsets)].sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT / PAGE }, (_, i) => i * PAGE));
    expect(askedTwice.length).toBeLessThanOrEqual(2);
    expect(askedTwice.every((offset) => offset >= taken * PAGE)).toBe(true);
  });
});
