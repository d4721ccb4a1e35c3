/**
 * A graceful stop hands the pull in flight over (issue 15), for real: two service instances in child processes of
 * their own against one PostgreSQL and the CPO simulator with a few thousand Locations in small pages. The instance
 * pulling gets SIGTERM mid-pull (a deploy, a scale-down): it stores the page it was writing, leaves the run RUNNING
 * at that page's checkpoint, says so on the run (handed over, not failed), releases the lease and asks for the sweep.
 * The other instance, whose periodic sweep is off and whose lease would last minutes, resumes the same run from the
 * next page at once (the hand-over's sweep job) and finishes it: the Locations stored are the CPO's list exactly,
 * object by object; no page the stopped instance had stored is asked for again; no run FAILED. Pulls per
 * mod_locations 2.2.1 §8.2.1 (Sender interface), paginated per transport_and_format 2.2.1 §Pagination. Needs a
 * real PostgreSQL server (DATABASE_URL, as in CI): an embedded PGlite belongs to one process.
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
/**
 * A lease far longer than the test waits for the resume: were the run only resumed once the stopped instance's lease
 * expired (as after a SIGKILL), the test would fail.
 */
const TTL_SECONDS = 600;
/** Sweep off on both: the only thing that may resume the run is the hand-over itself. */
const ENV = { SYNC_LEASE_TTL_SECONDS: String(TTL_SECONDS), SYNC_LEASE_RENEW_SECONDS: '1', SYNC_LEASE_SWEEP_SECONDS: '0' };
/** Pages the pulling instance stores before it is stopped. */
const BEFORE_STOP = 15;

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

const owner = { countryCode: 'NL', partyId: 'HOV' };
const locations = generateLocations({ count: COUNT, seed: 37, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 8, ...owner });

onServer('two instances as real processes: one stopped (SIGTERM) mid-pull hands the run over, the other resumes it at once (real PostgreSQL)', () => {
  let observer: TestService;
  let db: DataSource;
  let cpo: RegisteredCpo;
  const children: ChildService[] = [];

  beforeAll(async () => {
    // The test's own instance registers the CPO and reads; it neither pulls nor sweeps.
    observer = await startTestService({ env: ENV });
    db = observer.app.get(DataSource);
    cpo = await registerCpo(observer, { ...owner, locations, maxPageLimit: PAGE });
  });
  afterAll(async () => {
    for (const child of children) await child.kill('SIGKILL');
    await cpo?.close();
    await observer?.stop();
  });

  it('SIGTERM after some pages: the run is handed over at its checkpoint, not failed; the other instance finishes it with the list exactly', async () => {
    // Pages slow enough to stop the puller mid-way (150 pages); the other instance is served at full speed.
    cpo.simulator.setQuirks({ modules: ['locations'], delayMs: 150 });
    const puller = await startChildService(observer, ENV);
    children.push(puller);
    const survivor = await startChildService(observer, ENV);
    children.push(survivor);

    const started = await puller.ops('POST', `/connections/${cpo.connectionId}/sync?module=locations`);
    expect(started.status).toBe(202);
    const runId: string = started.body.runs.find((r: any) => r.module === 'locations').run_id;
    const runRow = async () => (await db.query(`SELECT * FROM sync_run WHERE id = $1`, [runId]))[0];
    await waitFor(`the puller stores ${BEFORE_STOP} pages`, 60_000, async () => ((await runRow()).pages >= BEFORE_STOP ? true : null));

    // The survivor may resume the run as soon as it is handed over: what the stopped instance left is read from the
    // run's own history (its checkpoint at the hand-over was the last page it stored).
    await puller.kill('SIGTERM');
    cpo.simulator.setQuirks({});

    const finished = await waitFor('the survivor resumes and finishes the run', 120_000, async () => {
      const row = await runRow();
      return row.status === 'RUNNING' ? null : row;
    });
    // Handed over once, never taken over from a dead instance, never failed; every page and object counted once.
    expect(finished).toMatchObject({ status: 'SUCCEEDED', handovers: 1, takeovers: 0, error: null, pages: COUNT / PAGE, objects_received: COUNT, objects_stored: COUNT });
    expect(finished.handed_over_at).not.toBeNull();
    expect(new Date(finished.resumed_at).getTime()).toBeGreaterThanOrEqual(new Date(finished.handed_over_at).getTime());
    const failed = await db.query(`SELECT id, error FROM sync_run WHERE connection_id = $1 AND status = 'FAILED'`, [cpo.connectionId]);
    expect(failed).toEqual([]);
    // Operations see the same history through the API.
    const view = await survivor.ops('GET', `/connections/${cpo.connectionId}/sync-runs/${runId}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'SUCCEEDED', handovers: 1, takeovers: 0 });
    // The lease was released by the hand-over and by the survivor at its end: free, not waiting for its TTL.
    const [state] = await db.query(`SELECT lease_holder FROM sync_state WHERE connection_id = $1 AND module = 'locations'`, [cpo.connectionId]);
    expect(state.lease_holder).toBeNull();

    // Object by object: the CPO's list, each Location once.
    const stored: Array<{ ocpi_id: string }> = await db.query(`SELECT ocpi_id FROM location WHERE connection_id = $1 ORDER BY ocpi_id`, [cpo.connectionId]);
    expect(stored.map((r) => r.ocpi_id)).toEqual(locations.map((l) => l.id).sort());

    // Every page asked for, in order of offsets; again at most the one the stopped instance was reading ahead (its
    // call cancelled by the stop), never one it had stored: the page being written was written before the hand-over.
    const offsets = cpo.simulator.requests
      .filter((r) => r.method === 'GET' && /\/locations(\?|$)/.test(r.url))
      .map((r) => Number(new URL(r.url, 'http://cpo').searchParams.get('offset') ?? 0));
    const askedTwice = offsets.filter((offset, i) => offsets.indexOf(offset) !== i);
    expect([...new Set(offsets)].sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT / PAGE }, (_, i) => i * PAGE));
    expect(askedTwice.length).toBeLessThanOrEqual(1);
    expect(askedTwice.every((offset) => offset >= BEFORE_STOP * PAGE)).toBe(true);
  });
});
