/**
 * A CPO that registered itself (credentials 2.2.1 §Registration, CPO-initiated) is pulled without waiting for the
 * next SYNC_INTERVAL_MINUTES tick: the scheduler looks for connections registered a while ago and never pulled.
 */
import { SyncScheduler } from '../../src/sync/sync.scheduler';
import { generateLocations } from '../cpo-simulator';
import { inviteCpo, InvitedCpo } from '../support/invited-cpo';
import { startTestService, TestService } from '../support/test-service';

describe('first pull of a newly registered CPO', () => {
  let service: TestService;
  let cpo: InvitedCpo;
  const owner = { countryCode: 'NL', partyId: 'NEW' };

  beforeAll(async () => {
    service = await startTestService();
    const locations = generateLocations({ count: 5, seed: 4, center: { latitude: 52.1, longitude: 5.1 }, radiusKm: 2, ...owner });
    cpo = await inviteCpo(service, { ...owner, locations });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('is not pulled while younger than the grace period, then pulled once; never again by this check', async () => {
    const scheduler = service.app.get(SyncScheduler);
    expect(await scheduler.pullNewConnections(60_000)).toEqual([]);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body).toEqual([]);

    expect(await scheduler.pullNewConnections(0)).toEqual([cpo.connectionId]);
    const runs = (await service.ops('GET', `/connections/${cpo.connectionId}/sync-runs`)).body;
    expect(
      runs
        .filter((r: any) => r.status === 'SUCCEEDED')
        .map((r: any) => r.module)
        .sort(),
    ).toEqual(['locations', 'tariffs']);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.stored.locations).toBe(5);

    expect(await scheduler.pullNewConnections(0)).toEqual([]);
  });

  it('a CPO that only pushes (no Sender interface: every module RECEIVE) is never picked up: it would never have a run', async () => {
    const pushOnly = await inviteCpo(service, { countryCode: 'NL', partyId: 'PSO', senders: [] });
    try {
      expect(await service.app.get(SyncScheduler).pullNewConnections(0)).toEqual([]);
      expect((await service.ops('GET', `/connections/${pushOnly.connectionId}/sync-runs`)).body).toEqual([]);
    } finally {
      await pushOnly.close();
    }
  });

  it('an invitation not used yet is not pulled', async () => {
    const invited = await service.ops('POST', '/connections/invitations', { name: 'never registers' });
    expect(await service.app.get(SyncScheduler).pullNewConnections(0)).not.toContain(invited.body.connection.id);
  });
});
