/**
 * The console's health, map, rejected-objects, pull-progress and charge-story pages (issue 18) in a real headless
 * browser, against a CPO simulator (OCPI 2.2.1) that was pulled and then pushed to our Receiver interfaces:
 * mod_locations 2.2.1 §Receiver Interface PUT and PATCH (EVSE status), mod_sessions 2.2.1 §Receiver Interface PUT,
 * transport_and_format 2.2.1 §Pagination (X-Total-Count) for the progress of a slow pull. Each figure is checked
 * against what the operations API, the Receiver GET or the pushes made say. Screenshots: test-artifacts/console/.
 */
import type { Page } from 'playwright-core';
import { pushClientFor, type PushAnswer, type PushClient } from '../cpo-simulator/push-client';
import { openConsole, ConsoleBrowser } from '../support/console-browser';
import { eventually } from '../support/eventually';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';
import { aToken, tokensApi } from '../tokens/support/tokens-api';

const owner = { countryCode: 'NL', partyId: 'CON' };
const SESSION_ID = 'CONSOLE-SESSION-1';
/** The colour the map must give each OCPI EVSE status (see the map's legend). */
const COLOUR_OF_STATUS: Record<string, string> = {
  AVAILABLE: '#2e9d57',
  CHARGING: '#1f6fd1',
  OUTOFORDER: '#c0392b',
  INOPERATIVE: '#c0392b',
  REMOVED: '#9aa3ad',
  BLOCKED: '#e0a100',
  RESERVED: '#e0a100',
  PLANNED: '#e0a100',
  UNKNOWN: '#e0a100',
};

let service: TestService;
let cpo: RegisteredCpo;
let client: PushClient;
let console_: ConsoleBrowser;
let page: Page;
let locations: Array<Record<string, any>>;
const answers: PushAnswer[] = [];
let broken: Record<string, unknown>;

const accepted = (a: PushAnswer) => a.httpStatus > 0 && a.httpStatus < 400 && (a.ocpiStatus ?? 1000) < 2000;
const sumOf = (values: string[]) => values.reduce((n, v) => n + Number(v), 0);

beforeAll(async () => {
  service = await startTestService();
  expect((await tokensApi(service).import([aToken('CONSOLE-TOKEN')])).body).toMatchObject({ rejected: [] });
  locations = locationsFor('2.2.1', { count: 20, seed: 18, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 5, ...owner }) as any[];
  cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations, tariffs: [] });
  await cpo.sync();
  client = pushClientFor(cpo.simulator);
  const party = { countryCode: owner.countryCode, partyId: owner.partyId };
  const now = new Date().toISOString();
  // Two EVSEs change status (mod_locations §PATCH on an EVSE), a broken Location is refused, a Session starts.
  answers.push(
    await client.send({ module: 'locations', method: 'PATCH', party, ids: [locations[0].id, locations[0].evses[0].uid], body: { status: 'CHARGING', last_updated: now } }),
  );
  answers.push(
    await client.send({ module: 'locations', method: 'PATCH', party, ids: [locations[1].id, locations[1].evses[0].uid], body: { status: 'OUTOFORDER', last_updated: now } }),
  );
  const { coordinates: _dropped, ...withoutCoordinates } = locations[2];
  broken = { ...withoutCoordinates, id: 'BROKEN-LOC-1', last_updated: now };
  answers.push(await client.send({ module: 'locations', method: 'PUT', party, ids: ['BROKEN-LOC-1'], body: broken }));
  const session = {
    country_code: owner.countryCode,
    party_id: owner.partyId,
    id: SESSION_ID,
    start_date_time: now,
    kwh: 0,
    cdr_token: { country_code: 'NL', party_id: 'EMS', uid: 'CONSOLE-TOKEN', type: 'RFID', contract_id: 'NL-TST-CCONSOLE-TOKEN' },
    auth_method: 'WHITELIST',
    location_id: locations[3].id,
    evse_uid: locations[3].evses[0].uid,
    connector_id: locations[3].evses[0].connectors[0].id,
    currency: 'EUR',
    status: 'ACTIVE',
    last_updated: now,
  };
  answers.push(await client.send({ module: 'sessions', method: 'PUT', party, ids: [SESSION_ID], body: session }));
  expect(answers.map((a) => (accepted(a) ? 'taken' : a.message))).toEqual(['taken', 'taken', expect.stringContaining('coordinates'), 'taken']);
  console_ = await openConsole(service);
  page = console_.page;
}, 120_000);

afterAll(async () => {
  await console_?.close();
  await cpo?.close();
  await service?.stop();
});

describe('console health of a CPO that was pulled and pushed to', () => {
  it('lists the CPO on the health overview, not gone quiet', async () => {
    await page.goto(`${service.url}/console/health`);
    const row = page.locator(`tr[data-connection="${cpo.connectionId}"]`);
    expect(await row.locator('td').first().textContent()).toContain('NL*CON');
    expect(await row.locator('.quiet').count()).toBe(0);
    await console_.screenshot('health-overview');
  });

  it('shows per module what the operations API holds, and the pushes per hour in the chart (flushed within seconds)', async () => {
    const summary = (await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body;
    const refused = answers.filter((a) => !accepted(a)).length;
    await eventually(async () => {
      await page.goto(`${service.url}/console/health/${cpo.connectionId}`);
      expect(await page.textContent('.pushes-day')).toBe(String(answers.length));
    }, 15_000);
    expect(await page.textContent('.pushes-hour')).toBe(String(answers.length));
    const locationsRow = page.locator('tr[data-module="locations"]');
    expect(await locationsRow.locator('td.held').textContent()).toBe(`${summary.stored.locations} (${summary.stored.evses} EVSEs)`);
    expect(summary.stored.locations).toBe(20);
    const rejectedLocations = summary.rejected.filter((r: { module: string }) => r.module === 'locations').length;
    expect(rejectedLocations).toBe(1);
    expect(await locationsRow.locator('td.rejected').textContent()).toBe(String(rejectedLocations));
    expect(await page.locator('tr[data-module="sessions"] td.held').textContent()).toBe(String(summary.stored.sessions));
    // The chart: the bars' values add up to the pushes made, taken and refused.
    const acceptedBars = await page.$$eval('rect.bar.accepted', (rects) => rects.map((r) => r.getAttribute('data-value') ?? ''));
    const refusedBars = await page.$$eval('rect.bar.refused', (rects) => rects.map((r) => r.getAttribute('data-value') ?? ''));
    expect(sumOf(acceptedBars)).toBe(answers.length - refused);
    expect(sumOf(refusedBars)).toBe(refused);
    // The last pull of locations succeeded moments ago: a lag in seconds, no error.
    expect(await locationsRow.locator('td.lag').textContent()).toMatch(/^\s*\d+ s\s*$/);
    await console_.screenshot('health');
  });

  it("counts on the overview the same pushes and failed calls as the CPO's own page (totals without the hours)", async () => {
    await page.goto(`${service.url}/console/health/${cpo.connectionId}`);
    const detail = { hour: await page.textContent('.pushes-hour'), day: await page.textContent('.pushes-day'), errors: await page.textContent('.errors-day') };
    expect(detail.day).toBe(String(answers.length));
    await page.goto(`${service.url}/console/health`);
    const row = page.locator(`tr[data-connection="${cpo.connectionId}"]`);
    expect({
      hour: await row.locator('td.pushes-hour').textContent(),
      day: await row.locator('td.pushes-day').textContent(),
      errors: await row.locator('td.errors-day').textContent(),
    }).toEqual(detail);
  });

  it('draws every EVSE of its Locations on the map in the colour of the status the Receiver GET answers', async () => {
    const expected: string[] = [];
    for (const location of locations) {
      const held = await client.send({ module: 'locations', method: 'GET', party: owner, ids: [location.id] });
      expect(held.httpStatus).toBe(200);
      for (const evse of (held.data as { evses: Array<{ uid: string; status: string }> }).evses) expected.push(`${location.id}|${evse.uid}|${COLOUR_OF_STATUS[evse.status]}`);
    }
    await page.goto(`${service.url}/console/health/${cpo.connectionId}/map`);
    const drawn = await page.$$eval('g.location circle.evse', (circles) =>
      circles.map((c) => `${c.closest('g')!.getAttribute('data-location-id')}|${c.getAttribute('data-evse-uid')}|${c.getAttribute('fill')}`),
    );
    expect(drawn.sort()).toEqual(expected.sort());
    expect(await page.locator('g.location').count()).toBe(20);
    // The two EVSEs the CPO changed by PATCH: charging (blue) and out of order (red).
    expect(await page.getAttribute(`g[data-location-id="${locations[0].id}"] circle[data-evse-uid="${locations[0].evses[0].uid}"]`, 'fill')).toBe('#1f6fd1');
    expect(await page.getAttribute(`g[data-location-id="${locations[1].id}"] circle[data-evse-uid="${locations[1].evses[0].uid}"]`, 'fill')).toBe('#c0392b');
    await console_.screenshot('map');
  });

  it("opens a rejected object's raw payload: the Location exactly as the CPO pushed it, with why it was refused", async () => {
    await page.goto(`${service.url}/console/health/${cpo.connectionId}/rejected`);
    const row = page.locator('tr.rejection', { hasText: 'BROKEN-LOC-1' });
    expect(await row.count()).toBe(1);
    expect(await row.locator('td.reason').textContent()).toMatch(/coordinates/);
    const payload = row.locator('details.raw pre');
    expect(await payload.isVisible()).toBe(false);
    await row.locator('details.raw summary').click();
    expect(await payload.isVisible()).toBe(true);
    expect(JSON.parse((await payload.textContent())!)).toEqual(broken);
    await console_.screenshot('rejected');
  });

  it("opens a charge's timeline from its session id through the search form", async () => {
    await page.goto(`${service.url}/console/charge-story`);
    await page.selectOption('select[name=key]', 'session_id');
    await page.fill('input[name=value]', SESSION_ID);
    await Promise.all([page.waitForURL(/value=CONSOLE-SESSION-1/), page.click('form.story-search button[type=submit]')]);
    expect(await page.textContent('code.session-id')).toBe(SESSION_ID);
    const update = page.locator('ol.timeline li.event[data-kind="SESSION_UPDATE"]').first();
    expect(await update.count()).toBe(1);
    await update.locator('details.raw summary').click();
    expect(JSON.parse((await update.locator('details.raw pre').textContent())!)).toMatchObject({ id: SESSION_ID, status: 'ACTIVE' });
    await console_.screenshot('charge-story');
    // Nothing by that key: the form again, 404, saying so.
    const missing = await page.goto(`${service.url}/console/charge-story?key=session_id&value=NO-SUCH-SESSION`);
    expect(missing!.status()).toBe(404);
    expect(await page.textContent('.error')).toContain('NO-SUCH-SESSION');
  });

  it('flags the CPO gone quiet once nothing came from it for hours (its pulls and pushes moved 5 h back)', async () => {
    await withClient(service.database.url, async (c) => {
      await c.query(`UPDATE sync_run SET started_at = started_at - interval '5 hours', finished_at = finished_at - interval '5 hours' WHERE connection_id = $1`, [
        cpo.connectionId,
      ]);
      await c.query(`UPDATE push_hourly SET hour = hour - interval '5 hours' WHERE connection_id = $1`, [cpo.connectionId]);
    });
    await page.goto(`${service.url}/console/health`);
    expect(await page.locator(`tr[data-connection="${cpo.connectionId}"] .quiet`).count()).toBe(1);
    await page.goto(`${service.url}/console/health/${cpo.connectionId}`);
    expect(await page.textContent('.pushes-hour')).toBe('0');
    expect(await page.locator('.last-heard .quiet').count()).toBe(1);
  });
});

describe('console progress of a slow pull', () => {
  let slow: RegisteredCpo;
  afterAll(() => slow?.close());

  it('moves on the page of the run (it reloads itself) from the first pages to all 40 Locations of X-Total-Count', async () => {
    const party = { countryCode: 'NL', partyId: 'SLW' };
    slow = await registerCpo(service, {
      version: '2.2.1',
      ...party,
      locations: locationsFor('2.2.1', { count: 40, seed: 3, center: { latitude: 52.0, longitude: 5.0 }, radiusKm: 3, ...party }),
      tariffs: [],
      maxPageLimit: 5,
    });
    slow.simulator.setQuirks({ modules: ['locations'], delayMs: 600 });
    const started = await service.ops('POST', `/connections/${slow.connectionId}/sync?module=locations`);
    expect(started.status).toBe(202);
    const runId = started.body.runs[0].run_id as string;
    await page.goto(`${service.url}/console/health/${slow.connectionId}/sync-runs/${runId}`);
    const seen: Array<{ status: string; objects: number }> = [];
    const deadline = Date.now() + 40_000;
    let shot = false;
    while (Date.now() < deadline && seen.at(-1)?.status !== 'SUCCEEDED') {
      // The page navigates by itself every second: a read in the middle of a reload is simply tried again.
      const read = await page
        .evaluate(() => {
          const { document } = globalThis as unknown as { document: { querySelector(selector: string): { textContent: string | null } | null } };
          return { status: document.querySelector('dd.status')?.textContent ?? '', objects: document.querySelector('.objects')?.textContent ?? '' };
        })
        .catch(() => null);
      if (read?.objects) seen.push({ status: read.status.split(' ')[0].trim(), objects: Number(read.objects) });
      if (!shot && read?.status.startsWith('RUNNING') && Number(read.objects) > 0) {
        shot = true;
        await console_.screenshot('sync-progress').catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const running = [...new Set(seen.filter((s) => s.status === 'RUNNING').map((s) => s.objects))];
    // Seen at several points on its way, never going back, then done.
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(running).toEqual([...running].sort((a, b) => a - b));
    expect(running.some((n) => n > 0 && n < 40)).toBe(true);
    expect(seen.at(-1)).toEqual({ status: 'SUCCEEDED', objects: 40 });
    expect(await page.textContent('.total')).toBe('40');
    await console_.screenshot('sync-finished');
  }, 60_000);
});
