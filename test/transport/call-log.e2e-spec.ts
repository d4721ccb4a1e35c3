/**
 * The per-CPO call log: every failed OCPI call, to a CPO or from one, stored with CPO, module, method,
 * URL, HTTP and OCPI status, duration, request id, bodies (credentials tokens redacted, credentials 2.2.1
 * §Credentials object; truncated to 8 KB) and a one-line explanation; listed and filtered by the operations API.
 */
import { TEST_OPERATIONS_API_KEY } from '../support/test-service';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { someLocations } from '../support/direct-client';
import { startTestService, TestService } from '../support/test-service';
import { startCpoSimulator } from '../cpo-simulator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('call log: failed OCPI calls in both directions, per CPO, through the operations API', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  const log = async (query = '') => {
    const { status, body } = await service.ops('GET', `/call-log${query}`);
    expect(status).toBe(200);
    return body as any[];
  };
  /** Incoming entries are written just after the answer leaves: poll briefly. */
  const eventually = async (query: string, count: number) => {
    for (let i = 0; i < 50; i++) {
      const entries = await log(query);
      if (entries.length >= count) return entries;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`call log never reached ${count} entries for ${query}`);
  };

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, { countryCode: 'NL', partyId: 'LOG', locations: someLocations(4, 1, { countryCode: 'NL', partyId: 'LOG' }) });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('an OCPI error answered with HTTP 200 during a pull: CPO, module, method, URL, statuses, duration, ids, bodies, explanation', async () => {
    cpo.simulator.setQuirks({ modules: ['locations'], envelope: { ocpiError: { statusCode: 3000, message: 'database down' } } });
    const outcomes = await cpo.sync();
    cpo.simulator.setQuirks(undefined);
    expect(outcomes.find((o: any) => o.module === 'locations').message).toContain('OCPI_STATUS');
    const [entry] = await log(`?connection_id=${cpo.connectionId}`);
    expect(entry).toMatchObject({
      connection_id: cpo.connectionId,
      cpo: 'NL*LOG',
      direction: 'OUTGOING',
      module: 'locations',
      method: 'GET',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/ocpi\/cpo\/2\.2\.1\/locations\?limit=100$/),
      kind: 'OCPI_STATUS',
      http_status: 200,
      ocpi_status: 3000,
      duration_ms: expect.any(Number),
      request_id: expect.stringMatching(UUID),
      correlation_id: expect.stringMatching(UUID),
      request_body: null,
      explanation: 'the CPO answered OCPI status 3000 (with HTTP 200): a generic server error at the CPO; retry later and tell the CPO if it persists. CPO said: "database down".',
    });
    expect(JSON.parse(entry.response_body)).toMatchObject({ status_code: 3000, status_message: 'database down' });
    const received = cpo.simulator.requests.filter((r) => r.url.includes('/locations')).at(-1)!;
    expect(received.headers['x-request-id']).toBe(entry.request_id);
  });

  it('response bodies: a token echoed in an HTML error page is redacted, and the body is cut at 8 KB', async () => {
    const page = `<html><p>Authorization: Token c2VjcmV0LXRva2VuLWM= refused</p>${'<p>filler</p>'.repeat(2000)}</html>`;
    cpo.simulator.setQuirks({ modules: ['tariffs'], envelope: { rawBody: { httpStatus: 502, body: page } } });
    await cpo.sync();
    cpo.simulator.setQuirks(undefined);
    const [entry] = await log(`?connection_id=${cpo.connectionId}&module=tariffs`);
    expect(entry).toMatchObject({ kind: 'HTTP_STATUS', http_status: 502, ocpi_status: null });
    expect(entry.explanation).toMatch(/^HTTP 502: .*\(3 attempts\)$/);
    expect(entry.response_body).toContain('Token [REDACTED] refused');
    expect(entry.response_body).not.toContain('c2VjcmV0');
    expect(entry.response_body).toMatch(/… \[truncated: \d+ bytes in total\]$/);
    expect(Buffer.byteLength(entry.response_body)).toBeLessThan(8 * 1024 + 64);
  });

  it('a failed registration: our credentials POST is logged with the token we sent redacted', async () => {
    const refusing = await startCpoSimulator({
      countryCode: 'NL',
      partyId: 'REF',
      quirks: { modules: ['credentials'], envelope: { ocpiError: { statusCode: 3001, message: 'cannot reach you' } } },
    });
    try {
      const { status, body } = await service.ops('POST', '/connections', { name: 'Refusing CPO', versions_url: refusing.versionsUrl, token_a: refusing.tokenA });
      expect(status).toBe(502);
      const [entry] = await log(`?connection_id=${body.connection_id}`);
      expect(entry).toMatchObject({ cpo: 'Refusing CPO', module: 'credentials', method: 'POST', kind: 'OCPI_STATUS', ocpi_status: 3001 });
      expect(entry.explanation).toContain('unable to use our API');
      const sent = JSON.parse(entry.request_body);
      expect(sent.token).toBe('[REDACTED]');
      expect(sent.url).toBe(`${service.url}/ocpi/emsp/versions`);
    } finally {
      await refusing.close();
    }
  });

  it('incoming: a call with an unknown token is logged without a connection, with the request id it carried', async () => {
    const response = await fetch(`${service.url}/ocpi/emsp/versions`, { headers: { Authorization: 'Token d3Jvbmc=', 'X-Request-ID': 'incoming-401' } });
    expect(response.status).toBe(401);
    const [entry] = await eventually('?direction=INCOMING&kind=HTTP_STATUS', 1);
    expect(entry).toMatchObject({
      connection_id: null,
      direction: 'INCOMING',
      module: 'versions',
      method: 'GET',
      url: '/ocpi/emsp/versions',
      http_status: 401,
      ocpi_status: 2000,
      request_id: 'incoming-401',
    });
    expect(entry.explanation).toContain('without a credentials token we know');
  });

  it('incoming: an authenticated CPO asking for a version we do not speak is logged against its connection', async () => {
    const tokenB = cpo.simulator.registration.tokenB!;
    const response = await fetch(`${service.url}/ocpi/emsp/9.9.9`, { headers: { Authorization: `Token ${Buffer.from(tokenB).toString('base64')}` } });
    expect(response.status).toBe(404);
    const [entry] = await eventually(`?direction=INCOMING&connection_id=${cpo.connectionId}`, 1);
    expect(entry).toMatchObject({ cpo: 'NL*LOG', http_status: 404, ocpi_status: 3002, module: 'versions', url: '/ocpi/emsp/9.9.9' });
  });

  it('filters by connection, module, kind, direction, since and limit, newest first; rejects an invalid filter with 400', async () => {
    const all = await log();
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect([...all].sort((a, b) => b.created_at.localeCompare(a.created_at))).toEqual(all);
    expect((await log('?kind=OCPI_STATUS')).every((e) => e.kind === 'OCPI_STATUS')).toBe(true);
    expect((await log('?direction=OUTGOING&module=locations')).every((e) => e.direction === 'OUTGOING' && e.module === 'locations')).toBe(true);
    expect(await log('?limit=2')).toHaveLength(2);
    expect(await log(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    for (const bad of ['?kind=OOPS', '?connection_id=42', '?limit=0', '?since=yesterday', '?unknown=1']) {
      expect((await service.ops('GET', `/call-log${bad}`)).status).toBe(400);
    }
    const unauthorised = await fetch(`${service.url}/api/v1/operations/call-log`, { headers: { 'X-API-Key': `${TEST_OPERATIONS_API_KEY}x` } });
    expect(unauthorised.status).toBe(401);
  });

  it('never stores a credentials token: neither our token C for the CPO nor token B', async () => {
    const everything = JSON.stringify(await log('?limit=500'));
    const { tokenB, tokenC } = cpo.simulator.registration;
    expect(everything).not.toContain(tokenC!);
    expect(everything).not.toContain(tokenB!);
    expect(everything).not.toContain(Buffer.from(tokenC!).toString('base64'));
  });
});
