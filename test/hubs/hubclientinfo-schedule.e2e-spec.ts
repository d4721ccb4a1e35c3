/**
 * A Hub's ClientInfo list (mod_hub_client_info 2.2.1 §Sender Interface, §Pull model) on a schedule of its own (issue
 * 15): module `hubclientinfo` has a mode and an interval like the other modules, set through the operations API with
 * a default from SYNC_INTERVAL_MINUTES; "sync now" pulls it alone; the schedule sends it as a `pull` job, pulled under
 * the module's lease as a sync run of its own with its counts; a party the Hub's full list no longer names is
 * forgotten. A CPO that is no Hub has no such pull. Over real HTTP, the CPO simulator playing a 2.2.1 Hub.
 */
import { SyncScheduler } from '../../src/sync/sync.scheduler';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { runsByModule, untilScheduledPullsEnd } from '../support/scheduled-pulls';
import { finishedRuns, syncAndWait } from '../support/sync-runs';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

/** Far beyond the test: the service's own looks (real clock) find nothing due while it runs. */
const DELAY_SECONDS = 600;
const MINUTE = 60_000;

const clientInfo = (partyId: string, status: string) => ({ country_code: 'NL', party_id: partyId, role: 'CPO', status, last_updated: '2026-11-01T10:00:00Z' });

describe("a Hub's ClientInfo list on a schedule of its own", () => {
  let service: TestService;
  let hub: RegisteredCpo;
  let plainCpo: RegisteredCpo;
  let registeredAt: number;

  beforeAll(async () => {
    service = await startTestService({ env: { SYNC_INTERVAL_MINUTES: '15', SYNC_FIRST_PULL_DELAY_SECONDS: String(DELAY_SECONDS) } });
    hub = await registerCpo(service, {
      version: '2.2.1',
      countryCode: 'DE',
      partyId: 'HSC',
      roles: [{ role: 'HUB', countryCode: 'DE', partyId: 'HSC', businessName: 'Scheduled Hub' }],
      locations: [],
      tariffs: [],
      hubClientInfo: [clientInfo('SC1', 'CONNECTED'), clientInfo('SC2', 'CONNECTED')],
    });
    plainCpo = await registerCpo(service, { countryCode: 'NL', partyId: 'NHB', locations: [], tariffs: [] });
    registeredAt = Date.parse((await view(hub.connectionId)).registered_at);
  });
  afterAll(async () => {
    await service?.stop();
    await hub?.close();
    await plainCpo?.close();
  });

  const view = async (id: string) => (await service.ops('GET', `/connections/${id}/summary`)).body.connection;
  const held = async () => ((await service.ops('GET', `/connections/${hub.connectionId}/hub-clients`)).body as Array<{ party_id: string }>).map((c) => c.party_id).sort();
  const patch = (body: unknown) => service.ops('PATCH', `/connections/${hub.connectionId}/modules/hubclientinfo`, body);
  const clientInfoCalls = () => hub.simulator.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/ocpi/cpo/2.2.1/hubclientinfo')).length;

  it('the Hub shows module hubclientinfo pulled and received (it lists a Sender interface), every SYNC_INTERVAL_MINUTES by default, first due after the first-pull delay', async () => {
    const { modules } = await view(hub.connectionId);
    expect(modules.hubclientinfo).toMatchObject({ mode: 'BOTH', chosen_by: 'DEFAULT', sender_offered: true, pulled: true, received: true });
    expect(modules.hubclientinfo.schedule).toEqual({
      interval_minutes: 15,
      interval_chosen_by: 'DEFAULT',
      last_run: null,
      last_scheduled_at: null,
      next_due_at: new Date(registeredAt + DELAY_SECONDS * 1000).toISOString(),
    });
    // Pulled at registration already (the Pull model's "start-up"), outside any run.
    expect(await held()).toEqual(['SC1', 'SC2']);
  });

  it('a sync of every module of a Hub pulls its ClientInfo list as a run of its own, after the others; the list alone is no longer pulled before each sync', async () => {
    const calls = clientInfoCalls();
    const outcomes = await syncAndWait(service, hub.connectionId);
    expect(outcomes.map((o) => o.module)).toEqual(['tariffs', 'locations', 'sessions', 'cdrs', 'hubclientinfo']);
    expect(outcomes.find((o) => o.module === 'hubclientinfo')).toMatchObject({ status: 'SUCCEEDED', pages: 1, received: 2, rejected: 0, message: null });
    expect(clientInfoCalls()).toBe(calls + 1);
  });

  it('"sync now" of module hubclientinfo pulls the whole list under its lease: a party the Hub no longer names is forgotten', async () => {
    hub.simulator.setHubClientInfo([clientInfo('SC1', 'CONNECTED'), clientInfo('SC3', 'PLANNED')]);
    const started = await service.ops('POST', `/connections/${hub.connectionId}/sync?module=hubclientinfo`);
    expect(started.status).toBe(202);
    expect(started.body.runs).toEqual([expect.objectContaining({ module: 'hubclientinfo', status: 'RUNNING' })]);
    const [outcome] = await finishedRuns(service, hub.connectionId, started.body);
    expect(outcome).toMatchObject({ module: 'hubclientinfo', status: 'SUCCEEDED', received: 2, stored: 1 });
    expect(await held()).toEqual(['SC1', 'SC3']);
    // The run was the lease holder's: the lease is released and says where the module's last good pull started.
    const run = (await service.ops('GET', `/connections/${hub.connectionId}/sync-runs/${outcome.run_id}`)).body;
    expect(run).toMatchObject({ module: 'hubclientinfo', date_from: null });
    const { rows } = await withClient(service.database.url, (c) =>
      c.query(`SELECT lease_holder, last_success_started FROM sync_state WHERE connection_id = $1 AND module = 'hubclientinfo'`, [hub.connectionId]),
    );
    expect(rows).toEqual([{ lease_holder: null, last_success_started: new Date(run.started_at) }]);
  });

  it('its interval set through the operations API decides when the schedule pulls it, as a pull job of its own; "off" never', async () => {
    const set = await patch({ interval_minutes: 30 });
    expect(set.status).toBe(200);
    expect(set.body.modules.hubclientinfo.schedule).toMatchObject({ interval_minutes: 30, interval_chosen_by: 'OPERATOR' });
    // Every other module of the Hub off: only hubclientinfo comes due.
    for (const module of ['tariffs', 'locations', 'sessions', 'cdrs']) {
      expect((await service.ops('PATCH', `/connections/${hub.connectionId}/modules/${module}`, { interval_minutes: 'off' })).status).toBe(200);
    }
    const scheduler = service.app.get(SyncScheduler);
    // The Hub's due pulls (the other CPO keeps its default schedules).
    const due = async (at: Date) => (await scheduler.sendDuePulls(at)).filter((job) => job.connectionId === hub.connectionId);
    const before = (await runsByModule(service.database.url, hub.connectionId)).hubclientinfo.length;
    // Long after the first-pull delay and the last run: due at once, then 30 minutes after that.
    const first = new Date(registeredAt + 24 * 60 * MINUTE);
    expect(await due(first)).toEqual([{ connectionId: hub.connectionId, modules: ['hubclientinfo'] }]);
    await untilScheduledPullsEnd(service.database.url);
    expect((await runsByModule(service.database.url, hub.connectionId)).hubclientinfo).toEqual([...Array(before + 1).fill('SUCCEEDED')]);
    expect((await view(hub.connectionId)).modules.hubclientinfo.schedule).toMatchObject({
      last_run: { status: 'SUCCEEDED' },
      last_scheduled_at: first.toISOString(),
      next_due_at: new Date(first.getTime() + 30 * MINUTE).toISOString(),
    });
    expect(await due(new Date(first.getTime() + 29 * MINUTE))).toEqual([]);
    expect(await due(new Date(first.getTime() + 30 * MINUTE))).toEqual([{ connectionId: hub.connectionId, modules: ['hubclientinfo'] }]);
    await untilScheduledPullsEnd(service.database.url);

    expect((await patch({ interval_minutes: 'off' })).body.modules.hubclientinfo.schedule).toMatchObject({ interval_minutes: null, next_due_at: null });
    expect(await due(new Date(first.getTime() + 24 * 60 * MINUTE))).toEqual([]);
  });

  it('in mode RECEIVE (the Hub pushes its ClientInfo) it is neither scheduled nor pulled by "sync now", which says why', async () => {
    expect((await patch({ mode: 'RECEIVE', interval_minutes: 1 })).status).toBe(200);
    const due = await service.app.get(SyncScheduler).sendDuePulls(new Date(registeredAt + 48 * 60 * MINUTE));
    expect(due.filter((job) => job.connectionId === hub.connectionId)).toEqual([]);
    await untilScheduledPullsEnd(service.database.url);
    const started = await service.ops('POST', `/connections/${hub.connectionId}/sync?module=hubclientinfo`);
    expect(started.status).toBe(202);
    expect(started.body.runs).toEqual([expect.objectContaining({ module: 'hubclientinfo', status: 'SKIPPED', message: expect.stringContaining('its mode is RECEIVE') })]);
  });

  it('a CPO that is no Hub has no ClientInfo pull: not in its sync, SKIPPED with the reason when asked for alone', async () => {
    const { modules } = await view(plainCpo.connectionId);
    expect(modules.hubclientinfo).toMatchObject({ mode: 'RECEIVE', sender_offered: false, pulled: false, schedule: { next_due_at: null } });
    const outcomes = await syncAndWait(service, plainCpo.connectionId);
    expect(outcomes.map((o) => o.module)).toEqual(['tariffs', 'locations', 'sessions', 'cdrs']);
    const alone = await service.ops('POST', `/connections/${plainCpo.connectionId}/sync?module=hubclientinfo`);
    expect(alone.status).toBe(202);
    expect(alone.body.runs).toEqual([expect.objectContaining({ module: 'hubclientinfo', status: 'SKIPPED', message: expect.stringContaining('no Hub') })]);
  });
});
