/**
 * The console's connection actions over HTTP (forms as a browser posts them): each calls the service behind the
 * operations API and comes back with a notice; a CPO that fails us is the page again with what went wrong (502), a
 * refusal in its status; whatever a CPO sent is shown as text, never as markup. Token age: credentials 2.2.1 §PUT
 * (a rotation gives both sides new tokens, so the age starts again).
 */
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { someLocations } from '../support/direct-client';
import { startTestService, TEST_OPERATIONS_API_KEY, TestService } from '../support/test-service';

describe('console actions on one connection: notices, errors in plain words, escaping, token age', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  let cookie: string;

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, {
      countryCode: 'NL',
      partyId: 'ACT',
      businessName: '<script>alert("cpo")</script> Charging',
      locations: someLocations(2, 1, { countryCode: 'NL', partyId: 'ACT' }),
    });
    const login = await fetch(`${service.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: service.url },
      body: new URLSearchParams({ key: TEST_OPERATIONS_API_KEY }).toString(),
    });
    cookie = login.headers.get('set-cookie')!.split(';')[0];
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  const get = (path: string) => fetch(`${service.url}${path}`, { redirect: 'manual', headers: { Cookie: cookie } });
  const post = (path: string, fields: Record<string, string> = {}) =>
    fetch(`${service.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, Origin: service.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const connectionPage = () => `/console/connections/${cpo.connectionId}`;

  it('a business name a CPO sent with markup is shown as text', async () => {
    const page = await (await get(connectionPage())).text();
    expect(page).toContain('&lt;script&gt;alert(&quot;cpo&quot;)&lt;/script&gt; Charging');
    expect(page).not.toContain('<script>');
  });

  it('rotate: back to the page with its notice, and the token age starts again (tokens_changed_at moves)', async () => {
    const before = (await service.ops('GET', `/connections/${cpo.connectionId}`)).body.tokens_changed_at;
    expect(before).toEqual(expect.any(String));
    const response = await post(`${connectionPage()}/rotate`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${connectionPage()}?notice=ROTATED`);
    const after = (await service.ops('GET', `/connections/${cpo.connectionId}`)).body.tokens_changed_at;
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
    expect(await (await get(response.headers.get('location')!)).text()).toContain('Tokens rotated both ways');
  });

  it("a module form with an interval the operations API refuses: 400, the page says why in the API's words", async () => {
    const response = await post(`${connectionPage()}/modules/locations`, { mode: '', interval_minutes: '5000' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('interval_minutes must be at most 1440 (a day)');
  });

  it('unregister without ticking "sure" changes nothing (400)', async () => {
    const response = await post(`${connectionPage()}/unregister`);
    expect(response.status).toBe(400);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}`)).body.status).toBe('REGISTERED');
  });

  it('a CPO that is down: rediscover is the page again with what went wrong, 502, never a 500', async () => {
    await cpo.simulator.close();
    const response = await post(`${connectionPage()}/rediscover`);
    expect(response.status).toBe(502);
    const page = await response.text();
    expect(page).toContain('The CPO failed us:');
    expect(page).toContain('connection refused');
  });

  it('unknown connection 404, malformed id 400, both as console pages', async () => {
    const unknown = await get('/console/connections/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await get('/console/connections/not-a-uuid')).status).toBe(400);
    expect((await get('/console/call-log?kind=NOPE')).status).toBe(400);
  });
});
