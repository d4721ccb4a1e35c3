/**
 * "Sync now" for one module, and a pull of an explicit window (transport_and_format 2.2.1 §Paginated Request: date_from
 * and date_to; mod_locations 2.2.1 §Sender Interface), through the operations API: only that module is pulled, the
 * window is sent to the CPO as asked, and the connection's incremental starting point stays where it was.
 */
import { loadFixtureTariffs } from '../cpo-simulator';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { untilFinished } from '../support/sync-runs';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'WIN' };
let service: TestService;
let cpo: RegisteredCpo;

beforeAll(async () => {
  service = await startTestService();
  const locations = locationsFor('2.2.1', { count: 4, seed: 12, center: { latitude: 52.2, longitude: 5.2 }, radiusKm: 2, ...owner });
  cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations, tariffs: loadFixtureTariffs(owner) });
  await cpo.sync();
});
afterAll(async () => {
  await cpo?.close();
  await service?.stop();
});

/** The simulator's GETs of a module's Sender interface from `since` (an index into its request log) on. */
function getsOf(module: string, since: number): URL[] {
  return cpo.simulator.requests
    .slice(since)
    .filter((r) => r.method === 'GET' && new URL(r.url, 'http://x').pathname.endsWith(`/${module}`))
    .map((r) => new URL(r.url, 'http://x'));
}

async function lastSuccessStarted(module: string): Promise<string | null> {
  return withClient(service.database.url, async (c) => {
    const { rows } = await c.query(`SELECT last_success_started FROM sync_state WHERE connection_id = $1 AND module = $2`, [cpo.connectionId, module]);
    return rows[0]?.last_success_started ? new Date(rows[0].last_success_started).toISOString() : null;
  });
}

describe('POST …/connections/{id}/sync with module and a window', () => {
  it('module=tariffs: only the tariffs are pulled (one run, one module asked of the CPO)', async () => {
    const since = cpo.simulator.requests.length;
    const started = await service.ops('POST', `/connections/${cpo.connectionId}/sync?module=tariffs`);
    expect(started.status).toBe(202);
    expect(started.body.runs.map((r: any) => [r.module, r.status])).toEqual([['tariffs', 'RUNNING']]);
    const run = await untilFinished(service, cpo.connectionId, started.body.runs[0].run_id);
    expect(run).toMatchObject({ module: 'tariffs', status: 'SUCCEEDED', window_requested: false });
    expect(getsOf('tariffs', since).length).toBeGreaterThan(0);
    expect(getsOf('locations', since)).toEqual([]);
  });

  it('a window: date_from and date_to sent as asked, the run says so, the incremental starting point unchanged', async () => {
    const before = await lastSuccessStarted('locations');
    expect(before).not.toBeNull();
    const since = cpo.simulator.requests.length;
    const [from, to] = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'];
    const started = await service.ops('POST', `/connections/${cpo.connectionId}/sync?module=locations&date_from=${from}&date_to=${to}`);
    expect(started.status).toBe(202);
    const run = await untilFinished(service, cpo.connectionId, started.body.runs[0].run_id);
    expect(run).toMatchObject({ module: 'locations', status: 'SUCCEEDED', window_requested: true });
    expect(new Date(run.date_from).toISOString()).toBe(from);
    expect(new Date(run.date_to).toISOString()).toBe(to);
    const [first] = getsOf('locations', since);
    expect([first.searchParams.get('date_from'), first.searchParams.get('date_to')]).toEqual([from, to]);
    expect(await lastSuccessStarted('locations')).toBe(before);
  });

  it('answers 400 naming the parameter for an unknown module, a malformed date, date_to alone or before date_from, a window with full=true', async () => {
    const sync = (query: string) => service.ops('POST', `/connections/${cpo.connectionId}/sync?${query}`);
    const answers = await Promise.all(
      [
        'module=chargers',
        'date_from=yesterday',
        'date_to=2026-02-01T00:00:00Z',
        'date_from=2026-02-01T00:00:00Z&date_to=2026-01-01T00:00:00Z',
        'full=true&date_from=2026-01-01T00:00:00Z',
      ].map(sync),
    );
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400]);
    const messages = answers.map((a) => JSON.stringify(a.body.message));
    expect(messages[0]).toMatch(/module must be one of tariffs, locations, sessions, cdrs/);
    expect(messages[1]).toMatch(/date_from must be an ISO 8601 date-time/);
    expect(messages[2]).toMatch(/date_to needs date_from/);
    expect(messages[3]).toMatch(/date_to .* must be after date_from/);
    expect(messages[4]).toMatch(/full=true reads everything/);
  });
});
