/**
 * The console's login over plain HTTP (the browser suite drives the same pages): the operations key in a form, a
 * signed expiring session cookie (HttpOnly, SameSite=Strict, Path=/console), every page redirected to the login
 * without a valid one, and state-changing forms refused from another site.
 */
import { consoleSessionKey, signConsoleSession } from '../../src/console/session-cookie';
import { startTestService, TEST_OPERATIONS_API_KEY, TestService } from '../support/test-service';

describe('console login: a signed, expiring session cookie from the operations key', () => {
  let service: TestService;
  let host: string;

  beforeAll(async () => {
    service = await startTestService();
    host = new URL(service.url).host;
  });
  afterAll(async () => {
    await service?.stop();
  });

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const login = (key: string, headers: Record<string, string> = { Origin: service.url }) =>
    fetch(`${service.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: form({ key, next: '/console/call-log' }),
    });
  const page = (path: string, cookie?: string) => fetch(`${service.url}${path}`, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  const sessionOf = (response: Response) => /console_session=([^;]*)/.exec(response.headers.get('set-cookie') ?? '')![1];

  it('a console page without a session is redirected to the login form, which names the page to come back to', async () => {
    const response = await page('/console/connections');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Fconnections');
    const loginForm = await page('/console/login');
    expect(loginForm.status).toBe(200);
    expect(loginForm.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await loginForm.text()).toContain('name="key"');
  });

  it('the wrong key is refused (401, no cookie); the right one sets an HttpOnly SameSite=Strict cookie and goes to the page asked for', async () => {
    const wrong = await login('not-the-key');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('That is not the operations key.');

    const right = await login(TEST_OPERATIONS_API_KEY);
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/console/call-log');
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^console_session=v1\.\d+\.[\w-]+\.[\w-]+; Path=\/console; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    const connections = await page('/console/connections', `console_session=${sessionOf(right)}`);
    expect(connections.status).toBe(200);
    expect(await connections.text()).toContain('<h1>Connections</h1>');
  });

  it('behind a proxy that says the request came over https, the cookie is Secure', async () => {
    const right = await login(TEST_OPERATIONS_API_KEY, { Origin: service.url, 'X-Forwarded-Proto': 'https' });
    expect(right.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('an expired, tampered or foreign-key session is refused like none', async () => {
    const key = consoleSessionKey(TEST_OPERATIONS_API_KEY);
    const expired = signConsoleSession(key, new Date(Date.now() - 1000));
    const valid = sessionOf(await login(TEST_OPERATIONS_API_KEY));
    const [format, expiry, nonce, signature] = valid.split('.');
    const tampered = [format, String(Number(expiry) + 365 * 86400), nonce, signature].join('.');
    const foreign = signConsoleSession(consoleSessionKey('another-operations-key'), new Date(Date.now() + 3600_000));
    for (const value of [expired, tampered, foreign, 'garbage']) {
      const response = await page('/console/connections', `console_session=${value}`);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/console\/login/);
    }
  });

  it('a form POST from another site (or with no Origin nor Referer) is refused 403, even with a valid session', async () => {
    const cookie = `console_session=${sessionOf(await login(TEST_OPERATIONS_API_KEY))}`;
    const post = (headers: Record<string, string>) =>
      fetch(`${service.url}/console/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: '',
      });
    expect((await post({ Origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    expect((await post({ Referer: `http://${host}/console/connections` })).status).toBe(303);
    expect((await login(TEST_OPERATIONS_API_KEY, { Origin: 'https://evil.example' })).status).toBe(403);
  });

  it('login goes back to console pages only: a next naming another site goes to the connections', async () => {
    const response = await fetch(`${service.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: service.url },
      body: form({ key: TEST_OPERATIONS_API_KEY, next: '//evil.example/console/x' }),
    });
    expect(response.headers.get('location')).toBe('/console/connections');
  });

  it('a form body is read under /console only: elsewhere it is still a 415', async () => {
    const response = await fetch(`${service.url}/api/v1/operations/connections/invitations`, {
      method: 'POST',
      headers: { 'X-API-Key': TEST_OPERATIONS_API_KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({ name: 'x' }),
    });
    expect(response.status).toBe(415);
  });
});
