/**
 * Resumable pulls (issue 15): each page of a pull records on its run, in the page's own transaction, where the crawl
 * stands (the next page). When the pulling instance's lease is known dead, the instance that finds it takes the same
 * run over and goes on from the next page: the pages already taken are not asked for again, and what is stored at the
 * end is the CPO's list, object by object. The old holder, should it wake up, writes nothing more (its lease is fenced).
 * A checkpoint the CPO no longer honours (the next page refused) is dropped: the crawl starts again from the run's
 * date_from, in the same run. Pulls per mod_locations 2.2.1 §8.2.1 (Sender interface), paginated per
 * transport_and_format 2.2.1 §Pagination.
 */
import { DataSource } from 'typeorm';
import { SyncService } from '../../src/sync/sync.service';
import { generateLocations } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

jest.setTimeout(120_000);

const PAGE = 10;
const COUNT = 45;
/** Pages the first holder takes before the CPO holds its next page back. */
const TAKEN = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 100 ms until it returns something; fails with `what` after `withinMs`. */
async function waitFor<T>(what: string, withinMs: number, probe: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await sleep(100);
  }
}

/**
 * The offsets of the Locations list pages the CPO was asked for (the first page has none: 0), sorted: the simulator
 * logs a request when it answers, and the page held back is answered last.
 */
function locationPagesAsked(cpo: RegisteredCpo): number[] {
  return cpo.simulator.requests
    .filter((r) => r.method === 'GET' && /\/locations(\?|$)/.test(r.url))
    .map((r) => Number(new URL(r.url, 'http://cpo').searchParams.get('offset') ?? 0))
    .sort((a, b) => a - b);
}

async function storedLocationIds(db: DataSource, connectionId: string): Promise<string[]> {
  const rows: Array<{ ocpi_id: string }> = await db.query(`SELECT ocpi_id FROM location WHERE connection_id = $1 ORDER BY ocpi_id`, [connectionId]);
  return rows.map((r) => r.ocpi_id);
}

async function runRow(db: DataSource, runId: string): Promise<any> {
  const [row] = await db.query(`SELECT status, pages, objects_received, objects_stored, takeovers, resumed_at, checkpoint, error FROM sync_run WHERE id = $1`, [runId]);
  return row;
}

/** The lease of the run's holder, made to expire now: as if it had stopped renewing it a lease ago. */
async function expireLease(db: DataSource, connectionId: string): Promise<void> {
  await db.query(`UPDATE sync_state SET lease_until = now() - interval '1 second' WHERE connection_id = $1 AND module = 'locations'`, [connectionId]);
}

describe('resumable pulls: a pull whose lease died is taken over and resumed from its next page', () => {
  let service: TestService;
  let db: DataSource;
  let sync: SyncService;

  beforeAll(async () => {
    // No sweep of its own: the test calls it when the lease is dead.
    service = await startTestService({ env: { SYNC_LEASE_TTL_SECONDS: '30', SYNC_LEASE_RENEW_SECONDS: '1', SYNC_LEASE_SWEEP_SECONDS: '0' } });
    db = service.app.get(DataSource);
    sync = service.app.get(SyncService);
  });
  afterAll(async () => {
    await service?.stop();
  });

  /** Starts a pull of `cpo` that takes TAKEN pages, then waits 4 s for the next one; returns once those are stored. */
  async function stalledPull(cpo: RegisteredCpo) {
    cpo.simulator.setQuirks({ modules: ['locations'], delayMs: 4_000, delayAfter: TAKEN, delayCount: 1 });
    const first = await sync.start(cpo.connectionId, { modules: ['locations'] });
    const runId = first.runs[0].run_id!;
    await waitFor(`the first holder stores ${TAKEN} pages`, 30_000, async () => ((await runRow(db, runId)).pages >= TAKEN ? true : null));
    return { runId, done: first.done };
  }

  it('the sweep takes the run over after page k and asks only for pages k+1…: every Location stored once; the old holder writes nothing more', async () => {
    const owner = { countryCode: 'NL', partyId: 'RSM' };
    const locations = generateLocations({ count: COUNT, seed: 21, center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 4, ...owner });
    const cpo = await registerCpo(service, { ...owner, locations, maxPageLimit: PAGE });
    try {
      const stalled = await stalledPull(cpo);
      const checkpoint = (await runRow(db, stalled.runId)).checkpoint;
      expect(checkpoint).toMatchObject({ catch_up: false, date_from: null, pages: TAKEN, received: TAKEN * PAGE, total_count: COUNT });
      expect(new URL(checkpoint.next_url).searchParams.get('offset')).toBe(String(TAKEN * PAGE));

      await expireLease(db, cpo.connectionId);
      const sweep = await sync.resumeAbandoned();
      expect(sweep).toMatchObject({ resumed: [stalled.runId], closed: 0 });
      const [resumed] = await sweep.done;
      expect(resumed).toMatchObject({ status: 'SUCCEEDED', run_id: stalled.runId, pages: 5, received: COUNT, stored: COUNT });

      // The old holder's page arrives late: its lease is gone, so its run is not touched (no page, no FAILED).
      const [old] = await stalled.done;
      expect(old).toMatchObject({ status: 'FAILED', message: expect.stringContaining('lease') });
      const run = await runRow(db, stalled.runId);
      expect(run).toMatchObject({ status: 'SUCCEEDED', pages: 5, objects_received: COUNT, objects_stored: COUNT, takeovers: 1, error: null });
      expect(run.resumed_at).not.toBeNull();

      // Pages 1…k asked once; page k+1 twice (the old holder's, never taken, and the resumed one); then the rest.
      expect(locationPagesAsked(cpo)).toEqual([0, 10, 20, 20, 30, 40]);
      expect(await storedLocationIds(db, cpo.connectionId)).toEqual(locations.map((l) => l.id).sort());
      // The run was complete and full: what the CPO lists is all there, nothing marked absent.
      const [{ absent }] = await db.query(`SELECT count(*)::int AS absent FROM location WHERE connection_id = $1 AND absent_since IS NOT NULL`, [cpo.connectionId]);
      expect(absent).toBe(0);
    } finally {
      await cpo.close();
    }
  });

  it('the next pull of the module takes the run over too; a next page the CPO refuses (HTTP 400) is dropped and the crawl starts again from date_from', async () => {
    const owner = { countryCode: 'NL', partyId: 'RSX' };
    const locations = generateLocations({ count: COUNT, seed: 22, center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 4, ...owner });
    const cpo = await registerCpo(service, { ...owner, locations, maxPageLimit: PAGE });
    try {
      const stalled = await stalledPull(cpo);
      await expireLease(db, cpo.connectionId);
      // The CPO no longer honours the next page's URL (an expired cursor): its first request fails with HTTP 400.
      cpo.simulator.setQuirks({ modules: ['locations'], failures: { count: 1, httpStatus: 400 } });
      const [outcome] = await sync.syncConnection(cpo.connectionId, { modules: ['locations'] });
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', run_id: stalled.runId, stored: COUNT + TAKEN * PAGE });
      await stalled.done;

      expect(locationPagesAsked(cpo)).toEqual([0, 0, 10, 10, 20, 20, 20, 30, 40]);
      expect(await runRow(db, stalled.runId)).toMatchObject({ status: 'SUCCEEDED', pages: TAKEN + 5, takeovers: 1 });
      expect(await storedLocationIds(db, cpo.connectionId)).toEqual(locations.map((l) => l.id).sort());
    } finally {
      await cpo.close();
    }
  });

  it('a list that changed a lot since the checkpoint (X-Total-Count 45 → 20) is crawled again from date_from, in the same run', async () => {
    const owner = { countryCode: 'NL', partyId: 'RST' };
    const locations = generateLocations({ count: COUNT, seed: 23, center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 4, ...owner });
    const cpo = await registerCpo(service, { ...owner, locations, maxPageLimit: PAGE });
    try {
      const stalled = await stalledPull(cpo);
      await expireLease(db, cpo.connectionId);
      // The CPO dropped its first 25 Locations, the 20 taken among them.
      const now = locations.slice(25);
      cpo.simulator.setLocations(now);
      const sweep = await sync.resumeAbandoned();
      const [outcome] = await sweep.done;
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', run_id: stalled.runId });
      await stalled.done;

      // The resumed page (offset 20) is read and set aside (not taken, not a re-read); the list is read again from its
      // first page, by a fresh crawl.
      expect(locationPagesAsked(cpo)).toEqual([0, 0, 10, 10, 20, 20]);
      const [run] = await db.query(`SELECT pages, pages_reread FROM sync_run WHERE id = $1`, [stalled.runId]);
      expect(run).toEqual({ pages: TAKEN + 2, pages_reread: 0 });
      const stored = await storedLocationIds(db, cpo.connectionId);
      expect(stored).toEqual(expect.arrayContaining(now.map((l) => l.id)));
      // The pages the first holder took stay, and count as listed by the run: nothing is marked absent from a mixed view
      // (those 20 are marked by the next full pull).
      expect(stored).toHaveLength(now.length + TAKEN * PAGE);
      const [{ absent }] = await db.query(`SELECT count(*)::int AS absent FROM location WHERE connection_id = $1 AND absent_since IS NOT NULL`, [cpo.connectionId]);
      expect(absent).toBe(0);
    } finally {
      await cpo.close();
    }
  });
});
