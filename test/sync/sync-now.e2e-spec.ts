/**
 * "Sync now" never waits for a CPO (transport_and_format 2.2.1 §Offline behaviour: a party may be unreachable for an
 * undefined time): POST …/connections/{id}/sync starts the pulls of mod_tariffs, mod_locations, mod_sessions and mod_cdrs
 * (Sender interfaces) and answers 202 at once with each module's run; GET …/sync-runs/{runId} follows one run.
 * The pull itself is bounded by the per-attempt deadlines, and a stopping service cancels it and closes its runs.
 */
import { startCpoSimulator } from '../cpo-simulator';
import { someLocations } from '../support/direct-client';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { finishedRuns, startSync, untilFinished } from '../support/sync-runs';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'HNG' };

/** Resolves once the simulator has received a request whose URL contains `part` (after `from` requests). */
async function received(cpo: RegisteredCpo, part: string, from = 0): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cpo.simulator.requests.slice(from).some((r) => r.url.includes(part))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the CPO never received a request for ${part}`);
}

describe('transport_and_format 2.2.1 §Offline behaviour: POST …/sync against a CPO that never answers', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    service = await startTestService({ env: { OCPI_RESPONSE_TIMEOUT_MS: '400' } });
    cpo = await registerCpo(service, { ...owner, locations: someLocations(3, 2, owner) });
  });
  afterEach(() => cpo.simulator.setQuirks(undefined));
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('answers 202 at once with the run to follow per module; the runs are RUNNING while the CPO hangs, then FAILED naming the deadline', async () => {
    cpo.simulator.setQuirks({ delayMs: 600_000 });
    const before = cpo.simulator.requests.length;
    const { status, body } = await service.ops('POST', `/connections/${cpo.connectionId}/sync`);

    expect(status).toBe(202);
    expect(body).toEqual({
      connection_id: cpo.connectionId,
      runs: [
        { module: 'tariffs', status: 'RUNNING', run_id: expect.any(String), message: null, href: expect.stringMatching(/\/sync-runs\/[0-9a-f-]{36}$/) },
        { module: 'locations', status: 'RUNNING', run_id: expect.any(String), message: null, href: expect.any(String) },
        // This CPO lists no sessions or cdrs Sender interface (both modules are optional for a pull).
        { module: 'sessions', status: 'SKIPPED', run_id: null, message: expect.stringContaining('no sessions SENDER interface'), href: null },
        { module: 'cdrs', status: 'SKIPPED', run_id: null, message: expect.stringContaining('no cdrs SENDER interface'), href: null },
      ],
      // Something is pulled: no sentence about pulling nothing.
      message: null,
    });
    expect(body.runs[0].href).toBe(`/api/v1/operations/connections/${cpo.connectionId}/sync-runs/${body.runs[0].run_id}`);

    // The CPO has the tariffs request and sits on it: the run says so.
    await received(cpo, '/tariffs', before);
    const running = await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs/${body.runs[0].run_id}`);
    expect(running).toMatchObject({ status: 200, body: { id: body.runs[0].run_id, module: 'tariffs', status: 'RUNNING', finished_at: null } });

    const [tariffs, locations] = await finishedRuns(service, cpo.connectionId, body);
    for (const run of [tariffs, locations]) {
      expect(run.status).toBe('FAILED');
      expect(run.message).toContain('(TRANSPORT)');
      expect(run.message).toContain('no answer within OCPI_RESPONSE_TIMEOUT_MS (400 ms) of sending the request');
    }
    // Each GET was tried three times (twice retried), each attempt cut at its deadline.
    expect(cpo.simulator.requests.slice(before).filter((r) => r.url.includes('/tariffs'))).toHaveLength(3);
  });

  it('GET …/sync-runs/{runId}: 404 for a run that does not exist or belongs to another connection; 400 for a malformed id', async () => {
    const started = await startSync(service, cpo.connectionId);
    await finishedRuns(service, cpo.connectionId, started);
    const runId = started.runs[0].run_id;
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs/${runId}`)).status).toBe(200);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await service.ops('GET', `/connections/00000000-0000-4000-8000-000000000000/sync-runs/${runId}`)).status).toBe(404);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs/not-a-uuid`)).status).toBe(400);
  });

  it('POST …/sync for an unknown connection: 404, nothing started', async () => {
    const { status } = await service.ops('POST', '/connections/00000000-0000-4000-8000-000000000000/sync');
    expect(status).toBe(404);
  });

  it('POST …/sync for a FAILED connection (its registration failed): 409 saying why in plain words, no run started, nothing sent (issue 18)', async () => {
    const other = await startCpoSimulator({ countryCode: 'NL', partyId: 'BAD' });
    try {
      const failed = await service.ops('POST', '/connections', { name: 'Wrong token', versions_url: other.versionsUrl, token_a: 'not-the-token' });
      expect(failed.status).toBe(502);
      const id = failed.body.connection_id;
      const before = other.requests.length;
      const { status, body } = await service.ops('POST', `/connections/${id}/sync`);
      expect(status).toBe(409);
      expect(body).toEqual({
        statusCode: 409,
        error: 'NOT_REGISTERED',
        message: 'Nothing was started for "Wrong token": the connection is FAILED, not registered.',
        connection_id: id,
      });
      expect((await service.ops('GET', `/connections/${id}/sync-runs`)).body).toEqual([]);
      expect(other.requests.length).toBe(before);
    } finally {
      await other.close();
    }
  });

  it('pressed again while a pull runs: the module already being pulled is SKIPPED with the reason, the first run carries on', async () => {
    cpo.simulator.setQuirks({ modules: ['tariffs'], delayMs: 600_000 });
    const first = await startSync(service, cpo.connectionId);
    const second = await startSync(service, cpo.connectionId);
    expect(second.runs.map((r: any) => [r.module, r.status])).toEqual([
      ['tariffs', 'SKIPPED'],
      ['locations', 'SKIPPED'],
      ['sessions', 'SKIPPED'],
      ['cdrs', 'SKIPPED'],
    ]);
    expect(second.runs[0].message).toContain('another instance is pulling this module from this CPO right now');
    const outcomes = await finishedRuns(service, cpo.connectionId, first);
    expect(outcomes.map((o) => o.status)).toEqual(['FAILED', 'SUCCEEDED', 'SKIPPED', 'SKIPPED']);
  });
});

describe('a service that stops while a CPO hangs: the pull is cancelled without waiting for the CPO and handed over, not failed', () => {
  let database: TestDatabase;
  let first: TestService;
  let second: TestService;
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    database = await createTestDatabase();
    // Deadlines far beyond the test: only the stop can end this pull.
    first = await startTestService({ database, env: { OCPI_RESPONSE_TIMEOUT_MS: '600000' } });
    second = await startTestService({ database });
    cpo = await registerCpo(first, { ...owner, partyId: 'STP', locations: someLocations(3, 2, { ...owner, partyId: 'STP' }) });
  });
  afterAll(async () => {
    await cpo?.close();
    await second?.stop();
    await database?.drop();
  });

  it('every run of the sync is handed over at its checkpoint, its lease released: the other instance resumes and finishes each, none FAILED', async () => {
    cpo.simulator.setQuirks({ delayMs: 600_000 });
    const before = cpo.simulator.requests.length;
    const started = await startSync(first, cpo.connectionId);
    await received(cpo, '/tariffs', before);
    // The call already waiting stays held by the CPO; the other instance's calls are answered at once.
    cpo.simulator.setQuirks(undefined);
    await first.stop();

    const [tariffs, locations] = await Promise.all(started.runs.slice(0, 2).map((r: any) => untilFinished(second, cpo.connectionId, r.run_id)));
    // The tariffs pull was cancelled mid-call, the locations pull before it started: both handed over, neither failed.
    for (const run of [tariffs, locations]) expect(run).toMatchObject({ status: 'SUCCEEDED', error: null, handovers: 1, takeovers: 0 });
    expect(locations).toMatchObject({ objects_received: 3, objects_stored: 3 });

    const outcomes = await finishedRuns(second, cpo.connectionId, await startSync(second, cpo.connectionId));
    expect(outcomes.map((o) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SKIPPED', 'SKIPPED']);
  });
});
