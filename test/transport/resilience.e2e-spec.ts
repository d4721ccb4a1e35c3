/**
 * Resilience of one call (transport_and_format 2.2.1 §Offline behaviour: POST/PUT/PATCH are not resent; the same
 * in 2.1.1 and 2.3.0): timeouts per attempt, retries with backoff for GETs only (axios-retry), and Retry-After
 * honoured on 429 (RFC 6585 §4) and 503 (RFC 9110 §10.2.3), in seconds or as an HTTP-date.
 */
import { callError, directClient, registeredSimulator, RegisteredSimulator, someLocations } from '../support/direct-client';

describe('one call to a CPO: timeouts, retries of GETs only, Retry-After', () => {
  let cpo: RegisteredSimulator;
  beforeAll(async () => {
    cpo = await registeredSimulator({ locations: someLocations(2) });
  });
  afterEach(() => cpo.simulator.setQuirks(undefined));
  afterAll(() => cpo.close());

  const attempts = (from: number) => cpo.simulator.requests.slice(from).filter((r) => r.url.includes('/locations'));

  it('503 with Retry-After: 1 (seconds): the retry waits at least one second, then the GET succeeds', async () => {
    cpo.simulator.setQuirks({ failures: { count: 1, httpStatus: 503, retryAfter: '1' } });
    const before = cpo.simulator.requests.length;
    const reply = await directClient().client.request(cpo.call('locations'));
    expect(reply.data).toHaveLength(2);
    const [first, second] = attempts(before);
    expect([first.status, second.status]).toEqual([503, 200]);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('429 with Retry-After as an HTTP-date two seconds ahead: the retry waits until then', async () => {
    // HTTP-dates have whole seconds: the date the CPO names is 3 s ahead, cut to its second.
    const retryAt = new Date(Date.now() + 3000);
    const namedMs = Math.floor(retryAt.getTime() / 1000) * 1000;
    cpo.simulator.setQuirks({ failures: { count: 1, httpStatus: 429, retryAfter: retryAt.toUTCString() } });
    const before = cpo.simulator.requests.length;
    await directClient({ timeoutMs: 5000 }).client.request(cpo.call('locations'));
    const [first, second] = attempts(before);
    expect(first.status).toBe(429);
    // Not before the date named, at least 2 s after the request was made (both are this process's wall clock). Measured
    // from the first attempt the wait shrinks by however late that attempt arrived on a loaded machine, so the date
    // itself is what is checked; a retry that ignored it would come within the backoff's few hundred milliseconds.
    expect(second.receivedAt).toBeGreaterThanOrEqual(namedMs);
  });

  it('a Retry-After longer than one call may wait (maxRetryAfterMs) is not waited for: one attempt, and the reason says so', async () => {
    cpo.simulator.setQuirks({ failures: { count: 5, httpStatus: 503, retryAfter: '120' } });
    const before = cpo.simulator.requests.length;
    const direct = directClient({ tuning: { maxRetryAfterMs: 10_000 } });
    const error = await callError(direct.client.request(cpo.call('locations')));
    expect(attempts(before)).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'HTTP_STATUS', details: { httpStatus: 503, attempts: 1 } });
    expect(error.explanation).toContain('HTTP 503: the CPO is unavailable');
  });

  it('a 500 without Retry-After is retried with exponential backoff until it succeeds', async () => {
    cpo.simulator.setQuirks({ failures: { count: 2, httpStatus: 500 } });
    const before = cpo.simulator.requests.length;
    const reply = await directClient().client.request(cpo.call('locations'));
    expect(reply.httpStatus).toBe(200);
    expect(attempts(before).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('a POST that meets a 503 is not resent (§Offline behaviour), even with Retry-After', async () => {
    cpo.simulator.setQuirks({ modules: ['credentials'], failures: { count: 5, httpStatus: 503, retryAfter: '1', methods: ['POST'] } });
    const before = cpo.simulator.requests.length;
    const error = await callError(directClient().client.request(cpo.call('credentials', { method: 'POST', body: { token: 'x', url: 'http://x', roles: [] } })));
    expect(error).toMatchObject({ kind: 'HTTP_STATUS', details: { httpStatus: 503, attempts: 1 } });
    expect(cpo.simulator.requests.slice(before)).toHaveLength(1);
  });

  it('a POST that times out is not resent either', async () => {
    cpo.simulator.setQuirks({ modules: ['credentials'], delayMs: 800 });
    const before = cpo.simulator.requests.length;
    const error = await callError(directClient({ timeoutMs: 200 }).client.request(cpo.call('credentials', { method: 'POST', body: {} })));
    expect(error).toMatchObject({ kind: 'TRANSPORT', details: { transportCause: 'TIMEOUT', attempts: 1 } });
    expect(cpo.simulator.requests.slice(before)).toHaveLength(1);
  });

  it('each attempt of a GET gets the full timeout: a CPO slower than the timeout once is retried and succeeds', async () => {
    cpo.simulator.setQuirks({ delayMs: 800, delayCount: 1 });
    const before = cpo.simulator.requests.length;
    const reply = await directClient({ timeoutMs: 500 }).client.request(cpo.call('locations'));
    expect(reply.httpStatus).toBe(200);
    expect(attempts(before)).toHaveLength(2);
  });

  it('a GET whose connection is closed without an answer is retried and succeeds', async () => {
    cpo.simulator.setQuirks({ dropConnections: 1 });
    const before = cpo.simulator.requests.length;
    const reply = await directClient().client.request(cpo.call('locations'));
    expect(reply.httpStatus).toBe(200);
    expect(attempts(before).map((r) => r.status)).toEqual([0, 200]);
  });
});
