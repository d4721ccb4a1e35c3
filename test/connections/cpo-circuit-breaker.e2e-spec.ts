/**
 * Polite and fair towards CPOs (transport_and_format 2.2.1 §Offline behaviour: a party may be unreachable for an
 * undefined time; RFC 9110 §10.2.3 and RFC 6585 §4: Retry-After of a 503 or 429): a CPO that keeps failing gets its
 * circuit opened, shared by every instance through the database; calls to it then fail at once (CIRCUIT_OPEN) without
 * reaching it, until the backoff has passed and one probe finds it back; a Retry-After pauses calls to it until then;
 * operations see the circuit on the connection and can close it; other CPOs are pulled meanwhile.
 */
import { someLocations } from '../support/direct-client';
import { callLogEntry } from '../support/call-log';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { finishedRuns, startSync } from '../support/sync-runs';
import { startTestService, TestService } from '../support/test-service';

const failing = { countryCode: 'NL', partyId: 'FLA' };
const healthy = { countryCode: 'NL', partyId: 'HEA' };
const slow = { countryCode: 'NL', partyId: 'SLW' };
const limited = { countryCode: 'NL', partyId: 'LIM' };

/** Functional-module requests the simulator received (registration calls left out). */
function pulls(cpo: RegisteredCpo): number {
  return cpo.simulator.requests.filter((r) => /\/(tariffs|locations|sessions|cdrs)/.test(r.url)).length;
}

async function circuitOf(service: TestService, cpo: RegisteredCpo): Promise<any> {
  const { status, body } = await service.ops('GET', `/connections/${cpo.connectionId}`);
  expect(status).toBe(200);
  return body.circuit;
}

/** The modules pulled (sessions and CDRs are SKIPPED: this simulator has no such Sender interface). */
const pulled = (outcomes: any[]) => outcomes.filter((o) => o.status !== 'SKIPPED');

const spanMs = (circuit: any) => Date.parse(circuit.open_until) - Date.parse(circuit.opened_at);

describe('a CPO that keeps failing: the circuit opens, calls fail fast, operations see and reset it', () => {
  let service: TestService;
  let bad: RegisteredCpo;
  let good: RegisteredCpo;
  beforeAll(async () => {
    // Two unwell calls in a row open the circuit for ten minutes (the test never waits for it); a Retry-After is
    // honoured up to a minute.
    service = await startTestService({
      env: { CPO_CIRCUIT_FAILURES: '2', CPO_CIRCUIT_BACKOFF_MS: '600000', CPO_CIRCUIT_MAX_BACKOFF_MS: '1200000', CPO_RETRY_AFTER_MAX_SECONDS: '60' },
    });
    bad = await registerCpo(service, { ...failing, locations: someLocations(3, 2, failing) });
    good = await registerCpo(service, { ...healthy, locations: someLocations(4, 3, healthy) });
  });
  afterAll(async () => {
    await service?.stop();
    await bad?.close();
    await good?.close();
  });

  it('opens after CPO_CIRCUIT_FAILURES HTTP 500s in a row; the next pull fails fast without a request reaching the CPO, in plain words; another CPO is pulled meanwhile', async () => {
    expect(await circuitOf(service, bad)).toEqual({ state: 'CLOSED', consecutive_failures: 0, open_until: null, opened_at: null, opened_by: null, last_failure: null });
    bad.simulator.setQuirks({ failures: { count: 1000, httpStatus: 500 } });

    const first = pulled(await bad.sync());
    expect(first.map((o) => [o.module, o.status])).toEqual([
      ['tariffs', 'FAILED'],
      ['locations', 'FAILED'],
    ]);
    const circuit = await circuitOf(service, bad);
    expect(circuit).toMatchObject({ state: 'OPEN', consecutive_failures: 2, opened_by: 'FAILURES' });
    expect(circuit.last_failure.explanation).toMatch(/^HTTP_STATUS: HTTP 500/);
    // CPO_CIRCUIT_BACKOFF_MS minus at most 20 % jitter.
    expect(spanMs(circuit)).toBeGreaterThanOrEqual(480_000);
    expect(spanMs(circuit)).toBeLessThanOrEqual(600_000);

    const before = pulls(bad);
    const second = pulled(await bad.sync());
    expect(second.map((o) => o.status)).toEqual(['FAILED', 'FAILED']);
    expect(pulls(bad)).toBe(before);
    expect(second[0].message).toContain('(CIRCUIT_OPEN)');
    expect(second[0].message).toContain(`calls to ${failing.countryCode}*${failing.partyId} are paused until ${circuit.open_until} after 2 failures in a row`);
    expect(second[0].message).toContain('Last failure');
    expect(second[0].message).toContain(`POST /api/v1/operations/connections/${bad.connectionId}/circuit/reset`);
    const logged = await callLogEntry(service, `?connection_id=${bad.connectionId}&kind=CIRCUIT_OPEN`, () => true);
    expect(logged).toMatchObject({ kind: 'CIRCUIT_OPEN', http_status: null, direction: 'OUTGOING' });
    expect(logged.explanation).toContain('paused until');

    const other = pulled(await good.sync());
    expect(other.map((o) => [o.module, o.status, o.stored])).toEqual([
      ['tariffs', 'SUCCEEDED', 0],
      ['locations', 'SUCCEEDED', 4],
    ]);
    expect((await circuitOf(service, good)).state).toBe('CLOSED');
  });

  it('POST {id}/circuit/reset closes it by hand: the next pull reaches the CPO again; 404 for an unknown connection; both endpoints in the OpenAPI document', async () => {
    bad.simulator.setQuirks(undefined);
    const { status, body } = await service.ops('POST', `/connections/${bad.connectionId}/circuit/reset`);
    expect(status).toBe(200);
    expect(body.circuit).toMatchObject({ state: 'CLOSED', consecutive_failures: 0, open_until: null });
    expect(body.circuit.last_failure.explanation).toMatch(/^HTTP_STATUS: HTTP 500/);

    const before = pulls(bad);
    const outcomes = pulled(await bad.sync());
    expect(outcomes.map((o) => [o.module, o.status, o.stored])).toEqual([
      ['tariffs', 'SUCCEEDED', 0],
      ['locations', 'SUCCEEDED', 3],
    ]);
    expect(pulls(bad)).toBeGreaterThan(before);
    expect((await service.ops('POST', '/connections/00000000-0000-4000-8000-000000000000/circuit/reset')).status).toBe(404);
    const doc: any = await (await fetch(`${service.url}/api/docs-json`)).json();
    expect(doc.paths['/api/v1/operations/connections/{id}/circuit/reset'].post.summary).toContain('circuit breaker');
    expect(doc.paths['/api/v1/operations/connections/{id}'].get.summary).toContain('circuit breaker');
  });

  it('HTTP 429 with a Retry-After longer than one call waits: calls to that CPO pause until then (capped at CPO_RETRY_AFTER_MAX_SECONDS), without another request', async () => {
    await service.ops('POST', `/connections/${bad.connectionId}/circuit/reset`);
    bad.simulator.setQuirks({ failures: { count: 1, httpStatus: 429, retryAfter: '120' } });
    const before = pulls(bad);
    const outcomes = pulled(await bad.sync());
    expect(outcomes.map((o) => o.status)).toEqual(['FAILED', 'FAILED']);
    expect(outcomes[0].message).toContain('HTTP 429');
    expect(outcomes[1].message).toContain('(CIRCUIT_OPEN)');
    expect(outcomes[1].message).toContain('it asked us to wait (Retry-After');
    // One request: the 429 (its Retry-After is beyond what one call waits, so it was not retried); nothing since.
    expect(pulls(bad)).toBe(before + 1);
    const circuit = await circuitOf(service, bad);
    expect(circuit).toMatchObject({ state: 'OPEN', opened_by: 'RETRY_AFTER', consecutive_failures: 1 });
    // 120 s asked, 60 s honoured (CPO_RETRY_AFTER_MAX_SECONDS).
    expect(spanMs(circuit)).toBe(60_000);
    await service.ops('POST', `/connections/${bad.connectionId}/circuit/reset`);
  });
});

describe('the backoff passes: one probe call closes the circuit, or opens it again for twice as long', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    service = await startTestService({ env: { CPO_CIRCUIT_FAILURES: '2', CPO_CIRCUIT_BACKOFF_MS: '2000', CPO_CIRCUIT_MAX_BACKOFF_MS: '10000' } });
    cpo = await registerCpo(service, { ...failing, locations: someLocations(3, 2, failing) });
  });
  afterAll(async () => {
    await service?.stop();
    await cpo?.close();
  });

  /** Waits (on the condition, not a fixed time) until the open circuit's open_until has passed. */
  async function untilDue(circuit: any): Promise<void> {
    while (Date.now() <= Date.parse(circuit.open_until)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('an unwell probe reopens it with the doubled backoff; when the CPO is back, the probe closes it and the pull goes on', async () => {
    cpo.simulator.setQuirks({ failures: { count: 1000, httpStatus: 503 } });
    await cpo.sync();
    const opened = await circuitOf(service, cpo);
    expect(opened).toMatchObject({ state: 'OPEN', consecutive_failures: 2 });
    expect(spanMs(opened)).toBeLessThanOrEqual(2000);
    await untilDue(opened);

    const before = pulls(cpo);
    const probed = pulled(await cpo.sync());
    // The tariffs pull is the probe (one call, still failing); the locations pull finds the circuit open again.
    expect(probed.map((o) => o.status)).toEqual(['FAILED', 'FAILED']);
    expect(probed[0].message).toContain('HTTP 503');
    expect(probed[1].message).toContain('(CIRCUIT_OPEN)');
    expect(pulls(cpo)).toBe(before + 3); // one call: three attempts (axios-retry)
    const reopened = await circuitOf(service, cpo);
    expect(reopened).toMatchObject({ state: 'OPEN', consecutive_failures: 3 });
    // The second opening in a row: 4 s minus at most 20 % jitter, longer than any first one. Backoffs of seconds, not
    // milliseconds: the locations pull must find the circuit still open after the probe, however loaded the machine.
    expect(spanMs(reopened)).toBeGreaterThanOrEqual(3200);
    expect(spanMs(reopened)).toBeLessThanOrEqual(4000);

    cpo.simulator.setQuirks(undefined);
    await untilDue(reopened);
    const back = pulled(await cpo.sync());
    expect(back.map((o) => [o.module, o.status, o.stored])).toEqual([
      ['tariffs', 'SUCCEEDED', 0],
      ['locations', 'SUCCEEDED', 3],
    ]);
    const closed = await circuitOf(service, cpo);
    expect(closed).toMatchObject({ state: 'CLOSED', consecutive_failures: 0, open_until: null, opened_at: null });
    expect(closed.last_failure.explanation).toMatch(/^HTTP_STATUS: HTTP 503/);
  });
});

describe('two instances on one database see one circuit, and only one of them sends the probe', () => {
  let first: TestService;
  let second: TestService;
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    const env = { CPO_CIRCUIT_FAILURES: '2', CPO_CIRCUIT_BACKOFF_MS: '2000', CPO_CIRCUIT_MAX_BACKOFF_MS: '10000' };
    first = await startTestService({ env });
    second = await startTestService({ database: first.database, env });
    cpo = await registerCpo(first, { ...failing, locations: someLocations(3, 2, failing) });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await cpo?.close();
  });

  it('opened through one instance, it is open on the other; when it is due, pulls started on both at once make one call', async () => {
    cpo.simulator.setQuirks({ failures: { count: 1000, httpStatus: 503 } });
    await cpo.sync();
    const opened = await circuitOf(second, cpo);
    expect(opened).toMatchObject({ state: 'OPEN', consecutive_failures: 2 });
    while (Date.now() <= Date.parse(opened.open_until)) await new Promise((resolve) => setTimeout(resolve, 20));

    const before = pulls(cpo);
    const start = async (service: TestService, module: string) => {
      const { status, body } = await service.ops('POST', `/connections/${cpo.connectionId}/sync?module=${module}`);
      expect(status).toBe(202);
      return finishedRuns(service, cpo.connectionId, body);
    };
    const [[tariffs], [locations]] = await Promise.all([start(first, 'tariffs'), start(second, 'locations')]);
    const messages = [tariffs.message ?? '', locations.message ?? ''].sort((a, b) => Number(a.includes('CIRCUIT_OPEN')) - Number(b.includes('CIRCUIT_OPEN')));
    expect(messages[0]).toContain('HTTP 503');
    expect(messages[1]).toContain('(CIRCUIT_OPEN)');
    // The probe: one call of three attempts (axios-retry); the other instance sent nothing.
    expect(pulls(cpo)).toBe(before + 3);
    expect((await circuitOf(first, cpo)).state).toBe('OPEN');
  });
});

describe('one slow CPO holds none of the others, and gets at most OCPI_MAX_CALLS_PER_CPO calls at a time', () => {
  let service: TestService;
  let hung: RegisteredCpo;
  let quick: RegisteredCpo;
  let busy: RegisteredCpo;
  beforeAll(async () => {
    service = await startTestService({ env: { OCPI_MAX_CALLS_PER_CPO: '1', OCPI_RESPONSE_TIMEOUT_MS: '120000' } });
    hung = await registerCpo(service, { ...slow, locations: someLocations(3, 2, slow) });
    quick = await registerCpo(service, { ...healthy, locations: someLocations(4, 3, healthy) });
    busy = await registerCpo(service, { ...limited, locations: someLocations(5, 4, limited) });
  });
  afterAll(async () => {
    // Stopping the service cancels the pull still waiting for the hung CPO.
    await service?.stop();
    await hung?.close();
    await quick?.close();
    await busy?.close();
  });

  it('while one CPO sits on our request, another CPO is pulled to the end', async () => {
    hung.simulator.setQuirks({ delayMs: 600_000 });
    const started = await startSync(service, hung.connectionId);
    const outcomes = pulled(await quick.sync());
    expect(outcomes.map((o) => [o.module, o.status, o.stored])).toEqual([
      ['tariffs', 'SUCCEEDED', 0],
      ['locations', 'SUCCEEDED', 4],
    ]);
    const { body } = await service.ops('GET', `/connections/${hung.connectionId}/sync-runs/${started.runs[0].run_id}`);
    expect(body.status).toBe('RUNNING');
  });

  it('two pulls of one CPO at once (tariffs and locations, each started on its own) reach it one call at a time, and both finish', async () => {
    busy.simulator.setQuirks({ delayMs: 150 });
    const start = async (module: string) => {
      const { status, body } = await service.ops('POST', `/connections/${busy.connectionId}/sync?module=${module}`);
      expect(status).toBe(202);
      return body;
    };
    const [tariffs, locations] = await Promise.all([start('tariffs'), start('locations')]);
    const outcomes = pulled([...(await finishedRuns(service, busy.connectionId, tariffs)), ...(await finishedRuns(service, busy.connectionId, locations))]);
    expect(outcomes.map((o) => [o.module, o.status, o.stored])).toEqual([
      ['tariffs', 'SUCCEEDED', 0],
      ['locations', 'SUCCEEDED', 5],
    ]);
    expect(busy.simulator.peakConcurrentRequests).toBe(1);
  });
});
