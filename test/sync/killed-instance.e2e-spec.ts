/**
 * An instance killed with SIGKILL in the middle of a pull (a real child process, no shutdown hook) holds its CPO only
 * for as long as its lease lasts: the lease is renewed by a heartbeat while the pull runs, whatever its pages do,
 * and ends SYNC_LEASE_TTL_SECONDS after its holder's death. The killed run is then taken over, by the next pull of
 * that module or by the periodic sweep, and resumed from its checkpoint (the page after the last one it stored): the
 * pages it took are not asked for again (issue 15). Pulls per mod_locations 2.2.1 §8.2.1 (Sender interface,
 * paginated per transport_and_format 2.2.1 §Pagination).
 */
import { generateLocations } from '../cpo-simulator';
import { ChildService, startChildService } from '../support/child-service';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { finishedRuns, startSync, syncAndWait } from '../support/sync-runs';
import { startTestService, TestService } from '../support/test-service';

jest.setTimeout(120_000);

const TTL_SECONDS = 3;
const LEASE = { SYNC_LEASE_TTL_SECONDS: String(TTL_SECONDS), SYNC_LEASE_RENEW_SECONDS: '1' };
/** A page that takes three times as long as the lease lasts: only a heartbeat keeps the lease alive through it. */
const SLOW_PAGE_MS = 3 * TTL_SECONDS * 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 300 ms until it returns something; fails with `what` after `withinMs`. */
async function waitFor<T>(what: string, withinMs: number, probe: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await sleep(300);
  }
}

/** How often the CPO was asked for the first page of its Locations (no offset, or 0). */
function firstPagesAsked(cpo: RegisteredCpo): number {
  return cpo.simulator.requests.filter((r) => r.method === 'GET' && /\/locations(\?|$)/.test(r.url) && Number(new URL(r.url, 'http://cpo').searchParams.get('offset') ?? 0) === 0)
    .length;
}

async function locationRuns(service: TestService, cpo: RegisteredCpo): Promise<any[]> {
  return (await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body.filter((r: any) => r.module === 'locations');
}

/** Starts a child instance, has it pull `cpo` (locations slow after the first page), returns it once a page is stored. */
async function childMidPull(survivor: TestService, cpo: RegisteredCpo): Promise<{ child: ChildService; runId: string }> {
  cpo.simulator.setQuirks({ modules: ['locations'], delayMs: SLOW_PAGE_MS, delayAfter: 1 });
  const child = await startChildService(survivor, LEASE);
  // Answered 202 at once; the child then pulls in the background until it is killed.
  void child.ops('POST', `/connections/${cpo.connectionId}/sync`).catch(() => undefined);
  const run = await waitFor('the child stores its first locations page', 30_000, async () =>
    (await locationRuns(survivor, cpo)).find((r) => r.status === 'RUNNING' && r.pages >= 1),
  );
  return { child, runId: run.id };
}

const owner = { countryCode: 'NL', partyId: 'KIL' };
const locations = generateLocations({ count: 40, seed: 5, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 4, ...owner });

describe('sync lease: a killed instance (SIGKILL mid-pull) blocks its CPO only until its lease expires', () => {
  let survivor: TestService;
  let cpo: RegisteredCpo;
  let child: ChildService | null = null;

  beforeAll(async () => {
    // No sweep on the survivor: here the next pull itself must close the dead instance's run.
    survivor = await startTestService({ env: { ...LEASE, SYNC_LEASE_SWEEP_SECONDS: '0' } });
    cpo = await registerCpo(survivor, { ...owner, locations, maxPageLimit: 10 });
  });
  afterAll(async () => {
    await child?.kill('SIGKILL');
    await cpo?.close();
    await survivor?.stop();
  });

  it('the lease outlives a page slower than the lease (heartbeat); after SIGKILL the survivor pulls within seconds, taking the killed run over from its second page', async () => {
    const midPull = await childMidPull(survivor, cpo);
    child = midPull.child;
    // The child now waits for a page that takes 3 × the lease: its heartbeat must keep the lease all that time.
    await sleep(TTL_SECONDS * 1000 + 1500);
    const during = (await startSync(survivor, cpo.connectionId)).runs.find((o: any) => o.module === 'locations');
    expect(during).toMatchObject({ status: 'SKIPPED', message: expect.stringContaining('another instance') });

    await child.kill('SIGKILL');
    const killedAt = Date.now();
    cpo.simulator.setQuirks({});
    const pulled = await waitFor('the survivor pulls locations', 30_000, async () => {
      const started = await startSync(survivor, cpo.connectionId);
      if (started.runs.find((o: any) => o.module === 'locations').status === 'SKIPPED') return null;
      return (await finishedRuns(survivor, cpo.connectionId, started)).find((o) => o.module === 'locations');
    });
    const waitedMs = Date.now() - killedAt;
    // The killed run itself, taken over: the child's page and the survivor's three.
    expect(pulled).toMatchObject({ status: 'SUCCEEDED', run_id: midPull.runId, pages: 4, received: locations.length, stored: locations.length });
    // Within the lease and a few seconds of slack, not minutes.
    expect(waitedMs).toBeLessThan((TTL_SECONDS + 5) * 1000);

    const killed = (await locationRuns(survivor, cpo)).find((r) => r.id === midPull.runId);
    expect(killed).toMatchObject({ status: 'SUCCEEDED', takeovers: 1, resumed_at: expect.any(String), finished_at: expect.any(String), error: null });
    expect(firstPagesAsked(cpo)).toBe(1);
    expect((await locationRuns(survivor, cpo)).filter((r) => r.status === 'RUNNING')).toEqual([]);
  });
});

describe('sync lease: the periodic sweep resumes the run of a killed instance even when nothing pulls', () => {
  let survivor: TestService;
  let cpo: RegisteredCpo;
  let child: ChildService | null = null;

  beforeAll(async () => {
    survivor = await startTestService({ env: { ...LEASE, SYNC_LEASE_SWEEP_SECONDS: '1' } });
    const party = { countryCode: 'NL', partyId: 'KIS' };
    cpo = await registerCpo(survivor, {
      ...party,
      locations: generateLocations({ count: 40, seed: 6, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 4, ...party }),
      maxPageLimit: 10,
    });
  });
  afterAll(async () => {
    await child?.kill('SIGKILL');
    await cpo?.close();
    await survivor?.stop();
  });

  it('a run left RUNNING by a SIGKILLed instance is taken over by the sweep within seconds and finished from its second page', async () => {
    const midPull = await childMidPull(survivor, cpo);
    child = midPull.child;
    // The page the child waits for stays slow; the survivor asks for it again, answered at once.
    cpo.simulator.setQuirks({});
    await child.kill('SIGKILL');
    const killedAt = Date.now();
    const finished = await waitFor('the sweep resumes and finishes the killed run', 30_000, async () =>
      (await locationRuns(survivor, cpo)).find((r) => r.id === midPull.runId && r.status !== 'RUNNING'),
    );
    expect(Date.now() - killedAt).toBeLessThan((TTL_SECONDS + 5) * 1000);
    expect(finished).toMatchObject({ status: 'SUCCEEDED', pages: 4, objects_received: 40, objects_stored: 40, takeovers: 1, error: null });
    expect(firstPagesAsked(cpo)).toBe(1);

    const outcomes = await syncAndWait(survivor, cpo.connectionId);
    expect(outcomes.find((o) => o.module === 'locations')).toMatchObject({ status: 'SUCCEEDED' });
  });
});
