/**
 * A running pull shows its progress (issue 18): pages and objects received, the CPO's X-Total-Count
 * (transport_and_format 2.2.1 §Pagination, X-Total-Count header), the rate and the time left, in
 * GET …/sync-runs/{runId} and in the list, observed mid-way through a pull whose pages the simulator slows down
 * (mod_locations 2.2.1 §Sender interface).
 */
import { generateLocations } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { finishedRuns, startSync } from '../support/sync-runs';
import { startTestService, TestService } from '../support/test-service';

jest.setTimeout(120_000);

const owner = { countryCode: 'NL', partyId: 'PRG' };
const COUNT = 40;
const PAGE = 5;
const locations = generateLocations({ count: COUNT, seed: 18, center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 4, ...owner });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let service: TestService;
let cpo: RegisteredCpo;
beforeAll(async () => {
  service = await startTestService();
  cpo = await registerCpo(service, { ...owner, locations, tariffs: [], maxPageLimit: PAGE });
});
afterAll(async () => {
  await cpo?.close();
  await service?.stop();
});

it('transport_and_format 2.2.1 §Pagination: mid-way, pages and objects grow toward X-Total-Count with a rate and time left; at the end all of it, nothing left', async () => {
  cpo.simulator.setQuirks({ modules: ['locations'], delayMs: 250, delayAfter: 1 });
  const started = await startSync(service, cpo.connectionId, true);
  const runId = started.runs.find((r: any) => r.module === 'locations').run_id as string;
  const one = async () => (await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs/${runId}`)).body;

  const seen: any[] = [];
  for (let i = 0; i < 200; i++) {
    const run = await one();
    if (run.status !== 'RUNNING') break;
    if (run.progress.pages >= 1) seen.push(run.progress);
    if (seen.length >= 2 && seen.at(-1).pages > seen[0].pages) break;
    await sleep(100);
  }
  const [first, later] = [seen[0], seen.at(-1)];
  expect(first).toMatchObject({ total: COUNT, rate: expect.any(Number), eta_seconds: expect.any(Number) });
  expect(first.objects).toBe(first.pages * PAGE);
  expect(first.objects).toBeLessThan(COUNT);
  expect(later.pages).toBeGreaterThan(first.pages);
  expect(later.objects).toBeGreaterThan(first.objects);
  expect(later.rate).toBeGreaterThan(0);
  expect(later.eta_seconds).toBeGreaterThan(0);

  // The list shows the same progress for the run.
  const listed = (await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body.find((r: any) => r.id === runId);
  expect(listed.progress).toMatchObject({ total: COUNT, pages: expect.any(Number) });

  await finishedRuns(service, cpo.connectionId, started);
  expect((await one()).progress).toMatchObject({ pages: COUNT / PAGE, objects: COUNT, total: COUNT, crawl_objects: COUNT, eta_seconds: 0 });
});

it('a CPO that sends no X-Total-Count: total unknown (null), pages and objects still counted', async () => {
  cpo.simulator.setQuirks({ modules: ['locations'], pagination: { omitTotalCount: true } });
  const started = await startSync(service, cpo.connectionId, true);
  const runId = started.runs.find((r: any) => r.module === 'locations').run_id as string;
  await finishedRuns(service, cpo.connectionId, started);
  const run = (await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs/${runId}`)).body;
  expect(run.progress).toMatchObject({ pages: COUNT / PAGE, objects: COUNT, total: null, eta_seconds: 0 });
});
