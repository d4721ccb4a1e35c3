import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CrawlCheckpoint } from './sync-run.entity';

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
  /** The run of a dead holder taken over now, to be resumed from its checkpoint by the new holder (null: none). */
  resumedRunId: string | null;
}

/** A run left RUNNING by a holder that died, as {@link SyncLease.acquire} offers it for a takeover. */
export interface AbandonedRun {
  id: string;
  takeovers: number;
  windowRequested: boolean;
  dateFrom: Date | null;
  /** Its holder stopped and handed it over (see {@link SyncLease.handOver}) rather than died. */
  handedOver: boolean;
}

/**
 * A run is taken over at most this many times: a pull that keeps killing the instances that run it (a poison page
 * that exhausts memory, say) is then closed as FAILED instead, and the next pull starts again from the last success.
 */
export const MAX_TAKEOVERS = 3;

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
 * takes it next takes the dead holder's RUNNING run over to resume it from its checkpoint, or closes it as FAILED
 * with the reason (see {@link acquire}); the periodic sweep does the same (SyncService.resumeAbandoned, then
 * {@link closeAbandonedRuns} for what cannot be resumed). A holder that finds its lease expired or taken (it was too slow to renew: a stalled
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
   * Takes the lease when it is free or expired, in one transaction that also settles any run of this module still
   * RUNNING (only a lease holder runs one, so such a run belongs to a holder that is gone): the newest one that
   * `resume` accepts (taken over fewer than {@link MAX_TAKEOVERS} times) is taken over — its `takeovers` counted,
   * `resumed_at` set, left RUNNING for the new holder to resume — and the others are closed as FAILED with the reason.
   */
  async acquire(resume: (run: AbandonedRun) => boolean = () => false): Promise<LeaseAcquisition> {
    await this.db.query(`INSERT INTO sync_state (connection_id, module) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [this.connectionId, this.module]);
    return this.db.transaction(async (m) => {
      const [state] = rowsOf<{ lease_holder: string | null; lease_until: Date | null; last_success_started: Date | null; live: boolean }>(
        await m.query(
          `SELECT lease_holder, lease_until, last_success_started, (lease_until IS NOT NULL AND lease_until >= now()) AS live
           FROM sync_state WHERE connection_id = $1 AND module = $2 FOR UPDATE`,
          [this.connectionId, this.module],
        ),
      );
      if (!state || state.live) return { acquired: false, lastSuccessStarted: state?.last_success_started ?? null, closedRuns: 0, resumedRunId: null };
      await m.query(`UPDATE sync_state SET lease_holder = $3, lease_until = now() + make_interval(secs => $4) WHERE connection_id = $1 AND module = $2`, [
        this.connectionId,
        this.module,
        this.holder,
        this.timing.ttlSeconds,
      ]);
      const resumedRunId = await this.takeOver(m, resume);
      const closedRuns = await closeRuns(m, this.connectionId, this.module, abandonedReason(state.lease_holder ? state.lease_until : null), resumedRunId);
      return { acquired: true, lastSuccessStarted: state.last_success_started, closedRuns, resumedRunId };
    });
  }

  /**
   * Within {@link acquire}: takes over the newest RUNNING run `resume` accepts; returns its id (null: none). A run
   * handed over by an instance that stopped is no takeover (`takeovers` counts holders that died: the poison guard).
   */
  private async takeOver(m: EntityManager, resume: (run: AbandonedRun) => boolean): Promise<string | null> {
    const running = rowsOf<{ id: string; takeovers: number; window_requested: boolean; date_from: Date | null; handed_over: boolean }>(
      await m.query(
        `SELECT id, takeovers, window_requested, date_from, ${HANDED_OVER_SINCE_RESUMED} AS handed_over FROM sync_run
         WHERE connection_id = $1 AND module = $2 AND status = 'RUNNING' ORDER BY started_at DESC`,
        [this.connectionId, this.module],
      ),
    );
    const chosen = running
      .map((r) => ({ id: r.id, takeovers: r.takeovers, windowRequested: r.window_requested, dateFrom: r.date_from, handedOver: r.handed_over }))
      .find((r) => (r.handedOver || r.takeovers < MAX_TAKEOVERS) && resume(r));
    if (!chosen) return null;
    await m.query(`UPDATE sync_run SET takeovers = takeovers + CASE WHEN ${HANDED_OVER_SINCE_RESUMED} THEN 0 ELSE 1 END, resumed_at = now() WHERE id = $1`, [chosen.id]);
    return chosen.id;
  }

  /**
   * Hands run `runId` over as it stands (its checkpoint is the last page stored) when this instance stops: the run
   * stays RUNNING with `handovers` counted and `handed_over_at` set, and the lease is released in the same transaction,
   * so that the next instance to look (the sweep, or the next pull of the module) resumes it at once from its next
   * page rather than after the lease's TTL. @throws LeaseLostError when the lease is no longer ours (nothing written:
   * the instance that took it has the run).
   */
  async handOver(runId: string): Promise<void> {
    this.stopHeartbeat();
    await this.db.transaction(async (m) => {
      await this.fence(m);
      await m.query(`UPDATE sync_run SET handovers = handovers + 1, handed_over_at = now() WHERE id = $1 AND status = 'RUNNING'`, [runId]);
      await m.query(`UPDATE sync_state SET lease_holder = NULL, lease_until = NULL WHERE connection_id = $1 AND module = $2 AND lease_holder = $3`, [
        this.connectionId,
        this.module,
        this.holder,
      ]);
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

  /**
   * Inside a transaction that writes for the pull (a page, its checkpoint, the run's end): @throws LeaseLostError
   * unless this instance still holds the lease and it has not expired, so that a holder that stalled past its lease
   * cannot write over the run another instance took over (the whole transaction rolls back). Keeps the lease row
   * shared-locked to the end of the transaction: a takeover waits for a page being committed.
   */
  async fence(m: Pick<EntityManager, 'query'>): Promise<void> {
    const rows = rowsOf(
      await m.query(`SELECT 1 AS ok FROM sync_state WHERE connection_id = $1 AND module = $2 AND lease_holder = $3 AND lease_until >= now() FOR SHARE`, [
        this.connectionId,
        this.module,
        this.holder,
      ]),
    );
    if (rows.length === 1) return;
    throw this.lostBeforeWriting();
  }

  /**
   * {@link fence} and the counts and checkpoint of a page taken, written on run `runId` in the same statement (a page
   * costs one round trip less): the run row is written only while the lease holds.
   * @throws LeaseLostError as fence does (then nothing was written, and the caller's transaction rolls back).
   */
  async fenceAndRecordPage(m: Pick<EntityManager, 'query'>, runId: string, page: RunPageCounts): Promise<void> {
    const [row] = rowsOf<{ held: number; written: number }>(
      await m.query(
        `WITH held AS (
           SELECT 1 FROM sync_state WHERE connection_id = $1 AND module = $2 AND lease_holder = $3 AND lease_until >= now() FOR SHARE
         ), run AS (
           UPDATE sync_run SET pages = $5, pages_reread = $6, objects_received = $7, objects_stored = $8, objects_rejected = $9,
             deviations = $10, checkpoint = $11::jsonb
           WHERE id = $4 AND EXISTS (SELECT 1 FROM held) RETURNING 1
         )
         SELECT (SELECT count(*) FROM held)::int AS held, (SELECT count(*) FROM run)::int AS written`,
        [
          this.connectionId,
          this.module,
          this.holder,
          runId,
          page.pages,
          page.pagesReread,
          page.objectsReceived,
          page.objectsStored,
          page.objectsRejected,
          page.deviations,
          JSON.stringify(page.checkpoint),
        ],
      ),
    );
    if (row?.held === 1) return;
    throw this.lostBeforeWriting();
  }

  private lostBeforeWriting(): LeaseLostError {
    this.lost ??= `this instance's lease on ${this.module} expired or was taken before it wrote (the instance was stalled or the database unreachable for over ${this.timing.ttlSeconds} s); the run is left to the instance that takes it over`;
    return new LeaseLostError(this.lost);
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

/** Closes as FAILED the RUNNING runs of (connection, module) but `keep` (a run just taken over). */
async function closeRuns(m: EntityManager, connectionId: string, module: string, reason: string, keep: string | null): Promise<number> {
  const rows = rowsOf(
    await m.query(
      `UPDATE sync_run SET status = 'FAILED', finished_at = now(),
         error = CASE WHEN takeovers >= $5 THEN $3 || $4 ELSE $3 END
       WHERE connection_id = $1 AND module = $2 AND status = 'RUNNING' AND id IS DISTINCT FROM $6::uuid RETURNING id`,
      [connectionId, module, reason, GIVEN_UP, MAX_TAKEOVERS, keep],
    ),
  );
  return rows.length;
}

/** SQL on a sync_run row: handed over by an instance that stopped, and not resumed since. */
const HANDED_OVER_SINCE_RESUMED = '(handed_over_at IS NOT NULL AND (resumed_at IS NULL OR handed_over_at > resumed_at))';

const GIVEN_UP = `; taken over ${MAX_TAKEOVERS} times already, each time its instance died: not resumed again`;

/**
 * (connection, module) pairs with a run still RUNNING whose lease is expired or free: pulls whose instance died,
 * to be taken over (see SyncService.resumeAbandoned).
 */
export async function abandonedPulls(db: DataSource): Promise<Array<{ connectionId: string; module: string }>> {
  const rows = rowsOf<{ connection_id: string; module: string }>(
    await db.query(
      `SELECT DISTINCT r.connection_id, r.module FROM sync_run r
       JOIN sync_state s ON s.connection_id = r.connection_id AND s.module = r.module
       WHERE r.status = 'RUNNING' AND (s.lease_until IS NULL OR s.lease_until < now())`,
    ),
  );
  return rows.map((r) => ({ connectionId: r.connection_id, module: r.module }));
}

/** TypeORM's postgres driver returns [rows, count] for UPDATE … RETURNING; accept either form. */
function rowsOf<T = unknown>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/** A run's counts after a page taken (absolute, so a page written twice after a lost commit answer does no harm), and its checkpoint. */
export interface RunPageCounts {
  pages: number;
  pagesReread: number;
  objectsReceived: number;
  objectsStored: number;
  objectsRejected: number;
  deviations: number;
  checkpoint: CrawlCheckpoint;
}
