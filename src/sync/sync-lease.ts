import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** How long a lease lasts unless renewed, and how often a running pull renews it (seconds). */
export interface LeaseTiming {
  ttlSeconds: number;
  renewSeconds: number;
}

/** What taking a lease found. */
export interface LeaseAcquisition {
  /** False when another instance holds the lease and it has not expired. */
  acquired: boolean;
  /** Start of the last successful run of this module (where the next incremental pull starts). */
  lastSuccessStarted: Date | null;
  /** Runs of an instance that died holding this lease, closed as FAILED now. */
  closedRuns: number;
}

/** Thrown by {@link SyncLease.assertHeld} and {@link SyncLease.renew} when this instance no longer holds the lease. */
export class LeaseLostError extends Error {}

/**
 * A lease on (connection, module) in sync_state, so that of several instances against one database only one
 * pulls a given module from a given CPO at a time. A row lock would pin a transaction open for the whole pull, and
 * session advisory locks do not exclude each other on PGlite's one shared session; a lease is a row that many short
 * transactions read and write, and it ends by itself when its holder dies.
 *
 * While a pull runs, a heartbeat renews the lease every `renewSeconds`, whatever the pages do (one slow page may take
 * longer than the lease lasts); a holder that dies stops renewing, and `ttlSeconds` later the lease is free. Whoever
 * takes it next closes the dead holder's RUNNING runs as FAILED with the reason, as does the periodic sweep
 * ({@link closeAbandonedRuns}). A holder that finds its lease expired or taken (it was too slow to renew: a stalled
 * process, a database unreachable for longer than the lease) stops: another instance may be pulling already.
 */
export class SyncLease {
  private readonly logger = new Logger(SyncLease.name);
  /** Unique per lease taken, so two pulls in one process exclude each other as two instances do. */
  private readonly holder = `${process.pid}-${randomUUID()}`;
  private heartbeat: NodeJS.Timeout | null = null;
  private renewing = false;
  private lost: string | null = null;

  constructor(
    private readonly db: DataSource,
    readonly connectionId: string,
    readonly module: string,
    private readonly timing: LeaseTiming,
  ) {}

  /**
   * Takes the lease when it is free or expired, in one transaction that also closes, as FAILED, any run of this
   * module still RUNNING (only a lease holder runs one, so such a run belongs to a holder that is gone).
   */
  async acquire(): Promise<LeaseAcquisition> {
    await this.db.query(`INSERT INTO sync_state (connection_id, module) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [this.connectionId, this.module]);
    return this.db.transaction(async (m) => {
      const [state] = rowsOf<{ lease_holder: string | null; lease_until: Date | null; last_success_started: Date | null; live: boolean }>(
        await m.query(
          `SELECT lease_holder, lease_until, last_success_started, (lease_until IS NOT NULL AND lease_until >= now()) AS live
           FROM sync_state WHERE connection_id = $1 AND module = $2 FOR UPDATE`,
          [this.connectionId, this.module],
        ),
      );
      if (!state || state.live) return { acquired: false, lastSuccessStarted: state?.last_success_started ?? null, closedRuns: 0 };
      await m.query(`UPDATE sync_state SET lease_holder = $3, lease_until = now() + make_interval(secs => $4) WHERE connection_id = $1 AND module = $2`, [
        this.connectionId,
        this.module,
        this.holder,
        this.timing.ttlSeconds,
      ]);
      const closedRuns = await closeRuns(m, this.connectionId, this.module, abandonedReason(state.lease_holder ? state.lease_until : null));
      return { acquired: true, lastSuccessStarted: state.last_success_started, closedRuns };
    });
  }

  /**
   * Renews the lease now and every `renewSeconds` until {@link release}. A failed renewal because of the database is
   * tried again at the next beat; a lease found expired or taken is lost for good ({@link assertHeld} then throws).
   */
  startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => void this.beat(), this.timing.renewSeconds * 1000);
    this.heartbeat.unref();
  }

  /** @throws LeaseLostError once the heartbeat found the lease expired or taken. */
  assertHeld(): void {
    if (this.lost) throw new LeaseLostError(this.lost);
  }

  /**
   * Extends the lease by `ttlSeconds` from now, if this instance still holds it and it has not expired.
   * @throws LeaseLostError otherwise.
   */
  async renew(): Promise<void> {
    this.assertHeld();
    const rows = rowsOf(
      await this.db.query(
        `UPDATE sync_state SET lease_until = now() + make_interval(secs => $4)
         WHERE connection_id = $1 AND module = $2 AND lease_holder = $3 AND lease_until >= now() RETURNING 1 AS ok`,
        [this.connectionId, this.module, this.holder, this.timing.ttlSeconds],
      ),
    );
    if (rows.length === 1) return;
    this.lost = `this instance's lease on ${this.module} expired before it was renewed (the instance was stalled or the database unreachable for over ${this.timing.ttlSeconds} s); another instance may pull now, so this run stopped`;
    throw new LeaseLostError(this.lost);
  }

  /** Stops the heartbeat and releases the lease; on success also records where the next incremental pull starts. */
  async release(successStartedAt: Date | null): Promise<void> {
    this.stopHeartbeat();
    await this.db.query(
      `UPDATE sync_state SET lease_holder = NULL, lease_until = NULL,
         last_success_started = coalesce($4, last_success_started)
       WHERE connection_id = $1 AND module = $2 AND lease_holder = $3`,
      [this.connectionId, this.module, this.holder, successStartedAt],
    );
  }

  /** Stops renewing (the lease then expires by itself if not released). */
  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private async beat(): Promise<void> {
    if (this.renewing || this.lost) return;
    this.renewing = true;
    try {
      await this.renew();
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.stopHeartbeat();
        this.logger.warn({ connectionId: this.connectionId, module: this.module }, error.message);
      } else {
        this.logger.warn({ connectionId: this.connectionId, module: this.module }, `Renewing the pull lease failed, trying again: ${(error as Error).message}`);
      }
    } finally {
      this.renewing = false;
    }
  }
}

/**
 * The periodic sweep: every run still RUNNING whose module's lease is expired or free belongs to an instance that
 * stopped without closing it; each is closed as FAILED with the reason. A live lease protects its holder's run (a
 * new run is only written after its lease was taken). Returns how many were closed.
 */
export async function closeAbandonedRuns(db: DataSource): Promise<number> {
  const rows = rowsOf(
    await db.query(
      `UPDATE sync_run r SET status = 'FAILED', finished_at = now(),
         error = CASE WHEN s.lease_holder IS NOT NULL
           THEN $1 || to_char(s.lease_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
           ELSE $2 END
       FROM sync_state s
       WHERE r.status = 'RUNNING' AND s.connection_id = r.connection_id AND s.module = r.module
         AND (s.lease_until IS NULL OR s.lease_until < now())
       RETURNING r.id`,
      [REASON_EXPIRED, REASON_NO_LEASE],
    ),
  );
  return rows.length;
}

const REASON_EXPIRED = 'the instance running it stopped: lease expired at ';
const REASON_NO_LEASE = 'the instance running it stopped before closing it (no lease held)';

/** Why a run left RUNNING by a gone holder failed: its lease expired at `leaseUntil` (null: no lease was held). */
function abandonedReason(leaseUntil: Date | null): string {
  return leaseUntil ? `${REASON_EXPIRED}${leaseUntil.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : REASON_NO_LEASE;
}

async function closeRuns(m: EntityManager, connectionId: string, module: string, reason: string): Promise<number> {
  const rows = rowsOf(
    await m.query(
      `UPDATE sync_run SET status = 'FAILED', finished_at = now(), error = $3
       WHERE connection_id = $1 AND module = $2 AND status = 'RUNNING' RETURNING id`,
      [connectionId, module, reason],
    ),
  );
  return rows.length;
}

/** TypeORM's postgres driver returns [rows, count] for UPDATE … RETURNING; accept either form. */
function rowsOf<T = unknown>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
