/**
 * Scheduled pulls as the tests follow them: the jobs of the `pull` queue (pg-boss, schema pgboss) and the sync runs
 * they leave, read straight from the database.
 */
import { withClient } from './test-database';

/** Polls until `probe` returns a value (not undefined); throws after `timeoutMs` (a deadline, not a measurement). */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 50_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until no job of the `pull` queue waits or runs and no sync run is RUNNING: every scheduled pull sent has ended. */
export function untilScheduledPullsEnd(databaseUrl: string, timeoutMs?: number): Promise<true> {
  return until(
    'the scheduled pulls to end',
    () =>
      withClient(databaseUrl, async (c) => {
        const { rows } = await c.query(
          `SELECT (SELECT count(*) FROM pgboss.job WHERE name = 'pull' AND state IN ('created', 'retry', 'active'))::int
                + (SELECT count(*) FROM sync_run WHERE status = 'RUNNING')::int AS open`,
        );
        return rows[0].open === 0 ? (true as const) : undefined;
      }),
    timeoutMs,
  );
}

/** The runs of one connection per module: their statuses, oldest first. */
export async function runsByModule(databaseUrl: string, connectionId: string): Promise<Record<string, string[]>> {
  const { rows } = await withClient(databaseUrl, (c) =>
    c.query<{ module: string; status: string }>(`SELECT module, status FROM sync_run WHERE connection_id = $1 ORDER BY started_at`, [connectionId]),
  );
  const byModule: Record<string, string[]> = {};
  for (const row of rows) (byModule[row.module] ??= []).push(row.status);
  return byModule;
}
