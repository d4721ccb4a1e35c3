/**
 * Each module of a CPO (mod_locations 2.2.1 §8.2.1, mod_tariffs 2.2.1 §4.2.1 Sender interfaces: GET list with
 * date_from) is pulled on a schedule of its own: an interval set through the operations API (default from
 * SYNC_INTERVAL_MINUTES), shown in the connection's view with the last run and when it is next due; "off" is never
 * pulled by the schedule (sync now still pulls it), and a module RECEIVEd only is never pulled. The once-a-minute look
 * for due pulls is driven here with a later clock (SyncScheduler.sendDuePulls), no waiting on timers.
 */
import { SyncScheduler } from '../../src/sync/sync.scheduler';
import { someLocations } from '../support/direct-client';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { runsByModule, untilScheduledPullsEnd } from '../support/scheduled-pulls';
import { syncAndWait } from '../support/sync-runs';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

/** Far beyond the test: the service's own looks (real clock) find nothing due while it runs. */
const DELAY_SECONDS = 600;
const MINUTE = 60_000;

describe('pull schedules per CPO and module', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  let registeredAt: number;
  const owner = { countryCode: 'NL', partyId: 'SCH' };

  beforeAll(async () => {
    service = await startTestService({ env: { SYNC_INTERVAL_MINUTES: '15', SYNC_FIRST_PULL_DELAY_SECONDS: String(DELAY_SECONDS) } });
    cpo = await registerCpo(service, { ...owner, locations: someLocations(3, 2, owner) });
    registeredAt = Date.parse((await connection()).registered_at);
  });
  afterAll(async () => {
    await service?.stop();
    await cpo?.close();
  });

  async function connection(): Promise<any> {
    return (await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.connection;
  }
  const patch = (module: string, body: unknown) => service.ops('PATCH', `/connections/${cpo.connectionId}/modules/${module}`, body);
  const scheduler = () => service.app.get(SyncScheduler);

  it('the look for due pulls (every minute) and the call-log pruning (hourly) are cron schedules of the job queue, not timers of an instance', async () => {
    const { rows } = await withClient(service.database.url, (c) => c.query(`SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name`));
    expect(rows).toEqual([
      { name: 'call-log-retention', cron: '0 * * * *', timezone: 'UTC' },
      { name: 'invoice-reconciliation-due-check', cron: '* * * * *', timezone: 'UTC' },
      { name: 'pull-due-check', cron: '* * * * *', timezone: 'UTC' },
    ]);
  });

  it('shows the default schedules: locations and CDRs every SYNC_INTERVAL_MINUTES, sessions a third of it, tariffs four times it', async () => {
    const { modules } = await connection();
    const firstDue = new Date(registeredAt + DELAY_SECONDS * 1000).toISOString();
    expect(modules.locations.schedule).toEqual({ interval_minutes: 15, interval_chosen_by: 'DEFAULT', last_run: null, last_scheduled_at: null, next_due_at: firstDue });
    expect(modules.tariffs.schedule).toMatchObject({ interval_minutes: 60, interval_chosen_by: 'DEFAULT', next_due_at: firstDue });
    // This CPO offers no sessions or CDRs Sender interface: received only, so never due.
    expect(modules.sessions.schedule).toMatchObject({ interval_minutes: 5, next_due_at: null });
    expect(modules.cdrs.schedule).toMatchObject({ interval_minutes: 15, next_due_at: null });
  });

  it('400 naming interval_minutes for an interval out of range, not whole, or not a number; nothing changes', async () => {
    for (const bad of [0, 1441, 2.5, '15', 'never']) {
      const { status, body } = await patch('locations', { interval_minutes: bad });
      expect({ bad, status }).toEqual({ bad, status: 400 });
      expect(JSON.stringify(body.message)).toContain('interval_minutes');
    }
    expect((await connection()).modules.locations.schedule).toMatchObject({ interval_minutes: 15, interval_chosen_by: 'DEFAULT' });
  });

  it('an interval set through the operations API decides when the module is pulled; "off" is never pulled by the schedule', async () => {
    const locations = await patch('locations', { interval_minutes: 30 });
    expect(locations.status).toBe(200);
    expect(locations.body.modules.locations.schedule).toMatchObject({ interval_minutes: 30, interval_chosen_by: 'OPERATOR' });
    const tariffs = await patch('tariffs', { interval_minutes: 'off' });
    expect(tariffs.body.modules.tariffs).toMatchObject({ mode: 'BOTH', schedule: { interval_minutes: null, interval_chosen_by: 'OPERATOR', next_due_at: null } });

    const first = new Date(registeredAt + DELAY_SECONDS * 1000);
    expect(await scheduler().sendDuePulls(first)).toEqual([{ connectionId: cpo.connectionId, modules: ['locations'] }]);
    await untilScheduledPullsEnd(service.database.url);
    expect(await runsByModule(service.database.url, cpo.connectionId)).toEqual({ locations: ['SUCCEEDED'] });
    const shown = (await connection()).modules.locations.schedule;
    expect(shown).toMatchObject({
      last_run: { status: 'SUCCEEDED' },
      last_scheduled_at: first.toISOString(),
      next_due_at: new Date(first.getTime() + 30 * MINUTE).toISOString(),
    });

    // Not due before its 30 minutes, due at them; tariffs (off) never.
    expect(await scheduler().sendDuePulls(new Date(first.getTime() + 29 * MINUTE))).toEqual([]);
    expect(await scheduler().sendDuePulls(new Date(first.getTime() + 30 * MINUTE))).toEqual([{ connectionId: cpo.connectionId, modules: ['locations'] }]);
    await untilScheduledPullsEnd(service.database.url);
    expect(await runsByModule(service.database.url, cpo.connectionId)).toEqual({ locations: ['SUCCEEDED', 'SUCCEEDED'] });

    // A shorter interval counts from the last scheduled pull: due 5 minutes after it.
    await patch('locations', { interval_minutes: 5 });
    expect(await scheduler().sendDuePulls(new Date(first.getTime() + 34 * MINUTE))).toEqual([]);
    expect(await scheduler().sendDuePulls(new Date(first.getTime() + 35 * MINUTE))).toEqual([{ connectionId: cpo.connectionId, modules: ['locations'] }]);
    await untilScheduledPullsEnd(service.database.url);
  });

  it('sync now still pulls a module whose schedule is off', async () => {
    const started = await service.ops('POST', `/connections/${cpo.connectionId}/sync?module=tariffs`);
    expect(started.status).toBe(202);
    await untilScheduledPullsEnd(service.database.url);
    expect((await runsByModule(service.database.url, cpo.connectionId)).tariffs).toEqual(['SUCCEEDED']);
  });

  it('a module in mode RECEIVE is never pulled by its schedule, whatever its interval; back to PULL it is', async () => {
    expect((await patch('locations', { mode: 'RECEIVE', interval_minutes: 1 })).status).toBe(200);
    const before = (await runsByModule(service.database.url, cpo.connectionId)).locations.length;
    expect(await scheduler().sendDuePulls(new Date(registeredAt + 24 * 60 * MINUTE))).toEqual([]);
    expect((await connection()).modules.locations.schedule).toMatchObject({ interval_minutes: 1, next_due_at: null });

    expect((await patch('locations', { mode: 'PULL' })).status).toBe(200);
    expect(await scheduler().sendDuePulls(new Date(registeredAt + 24 * 60 * MINUTE))).toEqual([{ connectionId: cpo.connectionId, modules: ['locations'] }]);
    await untilScheduledPullsEnd(service.database.url);
    expect((await runsByModule(service.database.url, cpo.connectionId)).locations).toHaveLength(before + 1);
  });

  it('null goes back to the default interval; a pull of all modules asked for by operations is not held back by schedules', async () => {
    const { body } = await patch('tariffs', { interval_minutes: null });
    expect(body.modules.tariffs.schedule).toMatchObject({ interval_minutes: 60, interval_chosen_by: 'DEFAULT' });
    const outcomes = await syncAndWait(service, cpo.connectionId);
    expect(outcomes.map((o) => [o.module, o.status])).toEqual([
      ['tariffs', 'SUCCEEDED'],
      ['locations', 'SUCCEEDED'],
      ['sessions', 'SKIPPED'],
      ['cdrs', 'SKIPPED'],
    ]);
  });
});
