/**
 * The call log keeps CALL_LOG_RETENTION_DAYS of entries: older ones are deleted (hourly by the schedule, here by
 * calling the same job), in batches, and nothing younger is touched.
 */
import { CallLogRetention } from '../../src/call-log/call-log-retention';
import { CallLogService } from '../../src/call-log/call-log.service';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

describe('call log retention (CALL_LOG_RETENTION_DAYS)', () => {
  let service: TestService;
  const now = new Date('2026-11-30T12:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

  beforeAll(async () => {
    service = await startTestService({ env: { CALL_LOG_RETENTION_DAYS: '10' } });
  });
  afterAll(() => service?.stop());

  const insert = (createdAt: Date[]) =>
    withClient(service.database.url, (c) =>
      c.query(
        `INSERT INTO ocpi_call_log (direction, method, url, kind, explanation, created_at)
         SELECT 'OUTGOING', 'GET', 'http://cpo.example/ocpi/locations', 'TRANSPORT', 'test entry', t FROM unnest($1::timestamptz[]) AS t`,
        [createdAt],
      ),
    );
  const remaining = () =>
    withClient(service.database.url, (c) => c.query(`SELECT created_at FROM ocpi_call_log ORDER BY created_at`)).then((r) =>
      r.rows.map((row) => new Date(row.created_at).toISOString()),
    );

  it('deletes entries older than the retention period and keeps the rest', async () => {
    await insert([daysAgo(40), daysAgo(11), daysAgo(10.5), daysAgo(9), daysAgo(0)]);
    expect(await service.app.get(CallLogRetention).pruneExpired(now)).toBe(3);
    expect(await remaining()).toEqual([daysAgo(9).toISOString(), daysAgo(0).toISOString()]);
  });

  it('works through more entries than one batch', async () => {
    await insert(Array.from({ length: 7 }, (_, i) => daysAgo(20 + i)));
    expect(await service.app.get(CallLogService).prune(daysAgo(10), 2)).toBe(7);
    expect(await remaining()).toHaveLength(2);
  });

  it('rejects a retention below one day at start-up', async () => {
    await expect(startTestService({ database: service.database, env: { CALL_LOG_RETENTION_DAYS: '0' } })).rejects.toThrow(/CALL_LOG_RETENTION_DAYS/);
  });
});
