/**
 * Several instances against one database: a pull of one module from one CPO never runs twice at once.
 * Two service instances share a database; both are asked to pull the same CPO at the same moment.
 */
import { generateLocations } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { finishedRuns, startSync, syncAndWait } from '../support/sync-runs';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'TWO' };

describe('scheduled work across instances: one pull per (CPO, module) at a time', () => {
  let first: TestService;
  let second: TestService;
  let cpo: RegisteredCpo;

  beforeAll(async () => {
    first = await startTestService();
    second = await startTestService({ database: first.database });
    const locations = generateLocations({ count: 300, seed: 9, center: { latitude: 51.44, longitude: 5.47 }, radiusKm: 5, ...owner });
    cpo = await registerCpo(first, { ...owner, locations, maxPageLimit: 20 });
  });
  afterAll(async () => {
    await cpo?.close();
    await second?.stop();
    await first?.stop();
  });

  it('of two simultaneous pulls of the same module, one runs and the other is SKIPPED with a reason; both answer at once', async () => {
    const [a, b] = await Promise.all([startSync(first, cpo.connectionId), startSync(second, cpo.connectionId)]);
    const [outcomesA, outcomesB] = await Promise.all([finishedRuns(first, cpo.connectionId, a), finishedRuns(second, cpo.connectionId, b)]);
    const locationOutcomes = [outcomesA, outcomesB].map((outcomes) => outcomes.find((o) => o.module === 'locations')!);
    const statuses = locationOutcomes.map((o) => o.status).sort();
    expect(statuses).toEqual(['SKIPPED', 'SUCCEEDED']);
    expect(locationOutcomes.find((o) => o.status === 'SKIPPED')!.message).toContain('another instance');
    const runs = (await first.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body;
    expect(runs.filter((r: any) => r.module === 'locations')).toHaveLength(1);
  });

  it('after the lease is released, the other instance can pull', async () => {
    const outcomes = await syncAndWait(second, cpo.connectionId);
    // This CPO offers no sessions or cdrs Sender interface: both SKIPPED (mod_sessions and mod_cdrs are optional).
    expect(outcomes.map((o: any) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SKIPPED', 'SKIPPED']);
  });
});
