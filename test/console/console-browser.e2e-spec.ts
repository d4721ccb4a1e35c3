/**
 * The operations console in a real browser (Debian's chromium through playwright-core) against the real service and
 * the CPO simulator: log in, add a CPO from the form and watch it sync, open an error in the call log (a credentials
 * POST a CPO refused, credentials 2.2.1 §Registration; its body with our token redacted, credentials 2.2.1
 * §Credentials object), and a console page asked for without a session lands on the login form.
 * Screenshots of each page go to test-artifacts/console/ (git-ignored), for a look at what operations see.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { startCpoSimulator, CpoSimulator } from '../cpo-simulator';
import { someLocations } from '../support/direct-client';
import { eventually } from '../support/eventually';
import { startTestService, TEST_OPERATIONS_API_KEY, TestService } from '../support/test-service';

const ARTIFACTS = join(__dirname, '../../test-artifacts/console');
const LOCATIONS = 6;

describe('operations console in chromium: login, add a CPO and watch it sync, an error in the call log', () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let cpo: CpoSimulator;
  let refusing: CpoSimulator;

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    service = await startTestService();
    cpo = await startCpoSimulator({ countryCode: 'NL', partyId: 'CON', locations: someLocations(LOCATIONS, 7, { countryCode: 'NL', partyId: 'CON' }) });
    refusing = await startCpoSimulator({
      countryCode: 'NL',
      partyId: 'REF',
      quirks: { modules: ['credentials'], envelope: { ocpiError: { statusCode: 3001, message: 'cannot reach you' } } },
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  });
  afterAll(async () => {
    await browser?.close();
    await cpo?.close();
    await refusing?.close();
    await service?.stop();
  });

  it('a console page without a session lands on the login form; the wrong key is refused, the right one lets us in', async () => {
    await page.goto(`${service.url}/console/connections`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await shot('01-login');

    await page.fill('#key', 'not-the-operations-key');
    await page.click('button[type=submit]');
    expect(await page.textContent('.error')).toContain('That is not the operations key.');
    expect(new URL(page.url()).pathname).toBe('/console/login');

    await page.fill('#key', TEST_OPERATIONS_API_KEY);
    await page.click('button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/console/connections');
    expect(await page.textContent('h1')).toBe('Connections');
    await shot('02-connections-empty');
  });

  it('a CPO that refuses our credentials: the add page says so in plain words and keeps the FAILED connection', async () => {
    await page.click('text=Add a CPO');
    await shot('03-add-cpo');
    await page.fill('#name', 'Refusing CPO');
    await page.fill('#versions_url', refusing.versionsUrl);
    await page.fill('#token_a', refusing.tokenA);
    await page.click('form[action="/console/connections/register"] button');
    const error = await page.textContent('.error');
    expect(error).toContain('The CPO could not be registered');
    expect(error).toContain('cannot reach you');
    expect(await page.textContent('main')).toContain('The connection is kept as FAILED.');
    await shot('04-add-cpo-failed');
  });

  it('opens that error in the call log: what went wrong, whose side, what next, and our credentials with the token redacted', async () => {
    await page.click('nav >> text=Call log');
    await page.selectOption('select[name=connection_id]', { label: 'Refusing CPO' });
    await page.click('form.filters button');
    const rows = page.locator('#call-log tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('credentials');
    await shot('05-call-log');

    await rows.first().locator('a').first().click();
    expect(await page.textContent('#explanation')).toContain('unable to use our API');
    expect(await page.textContent('#side')).toBe('Either side: the bodies say which');
    expect(await page.textContent('#next-step')).toContain('PUBLIC_URL/ocpi/emsp/versions is reachable');
    const sent = JSON.parse((await page.textContent('#request-body'))!);
    expect(sent.token).toBe('[REDACTED]');
    expect(sent.url).toBe(`${service.url}/ocpi/emsp/versions`);
    expect(JSON.parse((await page.textContent('#response-body'))!)).toMatchObject({ status_code: 3001, status_message: 'cannot reach you' });
    await shot('06-call-log-entry');
  });

  it('adds a CPO from the form, presses "Sync now" and sees the stored counts the operations API reports', async () => {
    await page.goto(`${service.url}/console/connections/new`);
    await page.fill('#name', 'Console CPO');
    await page.fill('#versions_url', cpo.versionsUrl);
    await page.fill('#token_a', cpo.tokenA);
    await page.click('form[action="/console/connections/register"] button');
    expect(await page.textContent('.notice')).toContain('Registered');
    expect(await page.textContent('h1')).toBe('Console CPO');
    expect(await page.textContent('dl.facts')).toContain('2.2.1');
    const connectionId = new URL(page.url()).pathname.split('/').at(-1)!;
    await shot('07-connection-registered');

    await page.click('button:text("Sync now")');
    expect(await page.textContent('.notice')).toContain('Pull started');
    // The page reloads itself while a pull runs; read it until the runs have finished.
    await eventually(async () => {
      await page.goto(`${service.url}/console/connections/${connectionId}`);
      expect(await page.textContent('#runs')).not.toContain('RUNNING');
      expect(await page.textContent('[data-count="locations"]')).toBe(String(LOCATIONS));
    }, 30_000);
    const { body: summary } = await service.ops('GET', `/connections/${connectionId}/summary`);
    expect(summary.stored.locations).toBe(LOCATIONS);
    expect(await page.textContent('[data-count="evses"]')).toBe(String(summary.stored.evses));
    expect(await page.textContent('#runs')).toContain('SUCCEEDED');
    await shot('08-connection-synced');

    await page.click('nav >> text=Connections');
    const line = page.locator('tr', { hasText: 'Console CPO' });
    expect(await line.textContent()).toContain('REGISTERED');
    expect(await line.textContent()).toContain('CLOSED');
    await shot('09-connections');
  });

  it('a module set to RECEIVE from its form shows as chosen by the operator', async () => {
    await page.click('text=Console CPO');
    await page.selectOption('#module-tariffs select[name=mode]', 'RECEIVE');
    await page.fill('#module-tariffs input[name=interval_minutes]', 'off');
    await page.click('#module-tariffs button');
    expect(await page.textContent('.notice')).toBe('Module settings saved.');
    const tariffs = await page.textContent('#module-tariffs');
    expect(tariffs).toContain('RECEIVE (operator)');
    expect(tariffs).toContain('off (operator)');
  });

  it('an invitation shows token A and our versions URL once', async () => {
    await page.goto(`${service.url}/console/connections/new`);
    await page.fill('#invite_name', 'Invited CPO');
    await page.click('form[action="/console/connections/invite"] button');
    expect(await page.textContent('#versions-url')).toBe(`${service.url}/ocpi/emsp/versions`);
    expect((await page.textContent('#token-a'))!.length).toBeGreaterThanOrEqual(16);
    await shot('10-invitation');
  });

  it('logging out ends the session: the next page asked for lands on the login form', async () => {
    await page.click('header >> text=Log out');
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.goto(`${service.url}/console/call-log`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console/call-log');
  });
});
