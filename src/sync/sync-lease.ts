import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/**
 * A lease on (connection, module) in sync_state, so that of several instances against one database only one
 * pulls a given module from a given CPO at a time. A row lock would pin a transaction open for the whole
 * pull (and session advisory locks do not exclude each other on PGlite's shared session); a lease is one
 * atomic UPDATE, survives across many short transactions, and expires if its holder dies mid-sync.
 */
export class SyncLease {
  /** Unique per lease taken, so two pulls in one process exclude each other as two instances do. */
  private readonly holder = `${process.pid}-${randomUUID()}`;

  constructor(
    private readonly db: DataSource,
    readonly connectionId: string,
    readonly module: string,
    private readonly ttlSeconds = 300,
  ) {}

  /**
   * Takes the lease when it is free or expired.
   * @returns false when another instance holds it; otherwise true, with the start of the last successful run.
   */
  async acquire(): Promise<{ acquired: boolean; lastSuccessStarted: Date | null }> {
    await this.db.query(`INSERT INTO sync_state (connection_id, module) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [this.connectionId, this.module]);
    const rows: unknown = await this.db.query(
      `UPDATE sync_state SET lease_holder = $3, lease_until = now() + make_interval(secs => $4)
       WHERE connection_id = $1 AND module = $2 AND (lease_until IS NULL OR lease_until < now())
       RETURNING last_success_started`,
      [this.connectionId, this.module, this.holder, this.ttlSeconds],
    );
    const list = normaliseReturning<{ last_success_started: Date | null }>(rows);
    return { acquired: list.length === 1, lastSuccessStarted: list[0]?.last_success_started ?? null };
  }

  /** Extends the lease; call between pages. @throws Error when the lease was lost (expired and taken). */
  async renew(): Promise<void> {
    const rows = normaliseReturning(
      await this.db.query(
        `UPDATE sync_state SET lease_until = now() + make_interval(secs => $4)
       WHERE connection_id = $1 AND module = $2 AND lease_holder = $3 RETURNING 1 AS ok`,
        [this.connectionId, this.module, this.holder, this.ttlSeconds],
      ),
    );
    if (rows.length !== 1) throw new Error('sync lease lost to another instance; stopping this run');
  }

  /** Releases the lease; on success also records where the next incremental pull starts. */
  async release(successStartedAt: Date | null): Promise<void> {
    await this.db.query(
      `UPDATE sync_state SET lease_holder = NULL, lease_until = NULL,
         last_success_started = coalesce($4, last_success_started)
       WHERE connection_id = $1 AND module = $2 AND lease_holder = $3`,
      [this.connectionId, this.module, this.holder, successStartedAt],
    );
  }
}

/** TypeORM's postgres driver returns [rows, count] for UPDATE … RETURNING; accept either form. */
function normaliseReturning<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
