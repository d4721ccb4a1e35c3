/**
 * The sync lease on the real database (see src/sync/sync-lease.ts): a holder that stops renewing loses its lease
 * after its TTL, the next holder closes its RUNNING run as FAILED with the time the lease expired (or takes it over to
 * resume it, a bounded number of times), and the old holder, should it wake up, finds the lease lost and stops rather
 * than pull alongside the new one.
 */
import { DataSource } from 'typeorm';
import { LeaseLostError, MAX_TAKEOVERS, SyncLease } from '../../src/sync/sync-lease';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const timing = { ttlSeconds: 2, renewSeconds: 1 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sync lease: expiry, takeover and a holder that was too slow', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  let db: DataSource;

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, { countryCode: 'NL', partyId: 'LSE' });
    db = service.app.get(DataSource);
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('a lease not renewed is free after its TTL; the taker closes the old run as FAILED; the old holder finds it lost', async () => {
    const first = new SyncLease(db, cpo.connectionId, 'tariffs', timing);
    expect((await first.acquire()).acquired).toBe(true);
    const [run] = await db.query(`INSERT INTO sync_run (connection_id, module, status) VALUES ($1, 'tariffs', 'RUNNING') RETURNING id`, [cpo.connectionId]);
    const second = new SyncLease(db, cpo.connectionId, 'tariffs', timing);
    expect(await second.acquire()).toMatchObject({ acquired: false, closedRuns: 0 });

    await sleep(timing.ttlSeconds * 1000 + 500); // no heartbeat: as if the first holder had stalled
    expect(await second.acquire()).toMatchObject({ acquired: true, closedRuns: 1 });
    const [closed] = await db.query(`SELECT status, error, finished_at FROM sync_run WHERE id = $1`, [run.id]);
    expect(closed.status).toBe('FAILED');
    expect(closed.error).toMatch(/^the instance running it stopped: lease expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(closed.finished_at).not.toBeNull();

    await expect(first.renew()).rejects.toBeInstanceOf(LeaseLostError);
    expect(() => first.assertHeld()).toThrow(/expired before it was renewed/);
    await first.release(new Date()); // releases nothing: the lease is the second holder's
    expect((await new SyncLease(db, cpo.connectionId, 'tariffs', timing).acquire()).acquired).toBe(false);
    await second.release(null);
  });

  it('with its heartbeat running, a holder keeps the lease well past its TTL', async () => {
    const holder = new SyncLease(db, cpo.connectionId, 'locations', timing);
    expect((await holder.acquire()).acquired).toBe(true);
    holder.startHeartbeat();
    try {
      await sleep(timing.ttlSeconds * 1000 * 2);
      expect((await new SyncLease(db, cpo.connectionId, 'locations', timing).acquire()).acquired).toBe(false);
      expect(() => holder.assertHeld()).not.toThrow();
    } finally {
      await holder.release(null);
    }
    expect((await new SyncLease(db, cpo.connectionId, 'locations', timing).acquire()).acquired).toBe(true);
  });

  it("a dead holder's run is taken over (left RUNNING, counted) at most MAX_TAKEOVERS times, then closed as FAILED", async () => {
    const expire = () => db.query(`UPDATE sync_state SET lease_until = now() - interval '1 second' WHERE connection_id = $1 AND module = 'cdrs'`, [cpo.connectionId]);
    expect((await new SyncLease(db, cpo.connectionId, 'cdrs', timing).acquire()).acquired).toBe(true);
    const [run] = await db.query(`INSERT INTO sync_run (connection_id, module, status) VALUES ($1, 'cdrs', 'RUNNING') RETURNING id`, [cpo.connectionId]);
    for (let takeover = 1; takeover <= MAX_TAKEOVERS; takeover++) {
      await expire();
      const taker = new SyncLease(db, cpo.connectionId, 'cdrs', timing);
      expect(await taker.acquire(() => true)).toMatchObject({ acquired: true, resumedRunId: run.id, closedRuns: 0 });
      const [row] = await db.query(`SELECT status, takeovers, resumed_at FROM sync_run WHERE id = $1`, [run.id]);
      expect(row).toMatchObject({ status: 'RUNNING', takeovers: takeover, resumed_at: expect.any(Date) });
    }
    await expire();
    const last = new SyncLease(db, cpo.connectionId, 'cdrs', timing);
    expect(await last.acquire(() => true)).toMatchObject({ acquired: true, resumedRunId: null, closedRuns: 1 });
    const [closed] = await db.query(`SELECT status, error FROM sync_run WHERE id = $1`, [run.id]);
    expect(closed.status).toBe('FAILED');
    expect(closed.error).toMatch(new RegExp(`lease expired at .*; taken over ${MAX_TAKEOVERS} times already`));
    await last.release(null);
  });
});
