/**
 * A CPO that registered itself (credentials 2.2.1 §Registration, CPO-initiated) is pulled without waiting for a whole
 * interval: a module's schedule is first due SYNC_FIRST_PULL_DELAY_SECONDS after the registration (the delay leaves
 * room for operations to press "sync now" themselves). The look for due pulls is driven here with a later clock.
 */
import { SyncScheduler } from '../../src/sync/sync.scheduler';
import { generateLocations } from '../cpo-simulator';
import { inviteCpo, InvitedCpo } from '../support/invited-cpo';
import { runsByModule, untilScheduledPullsEnd } from '../support/scheduled-pulls';
import { syncAndWait } from '../support/sync-runs';
import { startTestService, TestService } from '../support/test-service';

/** Far beyond the test: the service's own once-a-minute look finds nothing due while the test runs. */
const DELAY_SECONDS = 600;

describe('first pull of a newly registered CPO', () => {
  let service: TestService;
  let cpo: InvitedCpo;
  let registeredAt: number;
  const owner = { countryCode: 'NL', partyId: 'NEW' };

  beforeAll(async () => {
    service = await startTestService({ env: { SYNC_INTERVAL_MINUTES: '15', SYNC_FIRST_PULL_DELAY_SECONDS: String(DELAY_SECONDS) } });
    const locations = generateLocations({ count: 5, seed: 4, center: { latitude: 52.1, longitude: 5.1 }, radiusKm: 2, ...owner });
    cpo = await inviteCpo(service, { ...owner, locations });
    const connection = (await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.connection;
    registeredAt = Date.parse(connection.registered_at);
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('is not pulled before the delay, then its pulled modules once; not again before their interval', async () => {
    const scheduler = service.app.get(SyncScheduler);
    expect(await scheduler.sendDuePulls(new Date(registeredAt + (DELAY_SECONDS - 1) * 1000))).toEqual([]);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body).toEqual([]);

    const at = new Date(registeredAt + DELAY_SECONDS * 1000);
    // This CPO offers locations and tariffs Sender interfaces only: sessions and CDRs are received, never pulled.
    expect(await scheduler.sendDuePulls(at)).toEqual([{ connectionId: cpo.connectionId, modules: ['tariffs', 'locations'] }]);
    await untilScheduledPullsEnd(service.database.url);
    expect(await runsByModule(service.database.url, cpo.connectionId)).toEqual({ tariffs: ['SUCCEEDED'], locations: ['SUCCEEDED'] });
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.stored.locations).toBe(5);

    expect(await scheduler.sendDuePulls(new Date(at.getTime() + 60_000))).toEqual([]);
  });

  it('a CPO pulled by "sync now" first is pulled by its schedule an interval after that pull, not at the first-pull delay', async () => {
    const party = { countryCode: 'NL', partyId: 'SYN' };
    const pressed = await inviteCpo(service, { ...party, locations: generateLocations({ count: 2, seed: 5, center: { latitude: 52.2, longitude: 5.2 }, radiusKm: 1, ...party }) });
    try {
      const registered = Date.parse((await service.ops('GET', `/connections/${pressed.connectionId}/summary`)).body.connection.registered_at);
      const outcomes = await syncAndWait(service, pressed.connectionId);
      const locationsRun = outcomes.find((o) => o.module === 'locations')!;
      const runs = (await service.ops('GET', `/connections/${pressed.connectionId}/sync-runs`)).body;
      const started = Date.parse(runs.find((r: any) => r.id === locationsRun.run_id).started_at);
      const scheduler = service.app.get(SyncScheduler);

      const sent = await scheduler.sendDuePulls(new Date(registered + DELAY_SECONDS * 1000));
      expect(sent.map((job) => job.connectionId)).not.toContain(pressed.connectionId);
      // Locations every 15 minutes (SYNC_INTERVAL_MINUTES), tariffs every 60: locations are due 15 minutes after the pull.
      const due = await scheduler.sendDuePulls(new Date(started + 15 * 60_000));
      expect(due).toContainEqual({ connectionId: pressed.connectionId, modules: ['locations'] });
      await untilScheduledPullsEnd(service.database.url);
    } finally {
      await pressed.close();
    }
  });

  it('a CPO that only pushes (no Sender interface: every module RECEIVE) is never picked up: it would never have a run', async () => {
    const pushOnly = await inviteCpo(service, { countryCode: 'NL', partyId: 'PSO', senders: [] });
    try {
      const sent = await service.app.get(SyncScheduler).sendDuePulls(new Date(Date.now() + 2 * DELAY_SECONDS * 1000));
      expect(sent.map((job) => job.connectionId)).not.toContain(pushOnly.connectionId);
      await untilScheduledPullsEnd(service.database.url);
      expect((await service.ops('GET', `/connections/${pushOnly.connectionId}/sync-runs`)).body).toEqual([]);
    } finally {
      await pushOnly.close();
    }
  });

  it('an invitation not used yet is not pulled', async () => {
    const invited = await service.ops('POST', '/connections/invitations', { name: 'never registers' });
    const sent = await service.app.get(SyncScheduler).sendDuePulls(new Date(Date.now() + 3 * DELAY_SECONDS * 1000));
    expect(sent.map((job) => job.connectionId)).not.toContain(invited.body.connection.id);
    await untilScheduledPullsEnd(service.database.url);
  });
});
