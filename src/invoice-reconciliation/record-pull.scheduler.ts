import { Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ModuleMode } from '../connections/cpo-connection.entity';
import { includesPull, MAX_INTERVAL_MINUTES } from '../connections/module-modes';
import { JobQueue } from '../jobs/job-queue';
import { defineQueue } from '../jobs/queue-definition';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { RecordPullOutcome, RecordPullRefused, ReconciliationRecordPuller } from './reconciliation-record.puller';

/** The schedule of one connection's record pulls as operations see it. */
export interface RecordPullScheduleView {
  /** PULL or BOTH: pulled on schedule; RECEIVE: only pushed records (our Receiver interface is always there). */
  mode: ModuleMode;
  mode_chosen_by: 'DEFAULT' | 'OPERATOR';
  /** Minutes between scheduled pulls; null: off. */
  interval_minutes: number | null;
  interval_chosen_by: 'DEFAULT' | 'OPERATOR';
  /** Records last updated before this instant are pulled (the checkpoint; ISO 8601 UTC); null: never pulled. */
  pulled_to: string | null;
  last_scheduled_at: string | null;
  last_pull: { at: string; status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED'; outcome: RecordPullOutcome | null; error: string | null } | null;
}

/** What operations may change (absent: kept; null: back to the default). */
export interface RecordPullScheduleChange {
  mode?: ModuleMode | null;
  interval_minutes?: number | null;
}

/** One scheduled pull of a CPO's records; the claim's time, so that only the claim's holder writes its result. */
export interface RecordPullJob {
  connectionId: string;
  claimedAt: string;
}

/** Once a minute (pg-boss cron, sent once whichever instances run): claims the connections due and sends their pulls. */
export const RECORD_PULL_DUE_CHECK_QUEUE = defineQueue<Record<string, never>>({
  name: 'invoice-reconciliation-due-check',
  policy: 'short',
  retryLimit: 0,
  retryDelaySeconds: 60,
  retryBackoff: false,
  expireInSeconds: 120,
});

/** The pulls themselves: one job per claimed connection, not retried (the next due pull reads the same window again). */
export const RECORD_PULL_QUEUE = defineQueue<RecordPullJob>({
  name: 'invoice-reconciliation-pull',
  policy: 'short',
  retryLimit: 0,
  retryDelaySeconds: 60,
  retryBackoff: false,
  expireInSeconds: 3600,
});

/** How long a claimed pull holds its connection: past it, an instance that died while pulling no longer blocks the next. */
const LEASE_MINUTES = 60;

/** Each pull asks again for this much before the checkpoint: clock skew between the CPO's last_updated and ours. */
const CHECKPOINT_MARGIN_MS = 5 * 60_000;

/**
 * The default interval: once a day (records follow invoices, issued monthly or so; mod_invoice_reconciliation has no
 * urgency), or off when SYNC_INTERVAL_MINUTES is 0, as every other schedule.
 */
export function defaultRecordPullMinutes(syncIntervalMinutes: number): number {
  return syncIntervalMinutes === 0 ? 0 : MAX_INTERVAL_MINUTES;
}

interface ScheduleRow {
  connection_id: string;
  mode: ModuleMode | null;
  interval_minutes: number | null;
  last_scheduled_at: Date | null;
  pulled_to: Date | null;
  last_pull_at: Date | null;
  last_pull_status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | null;
  last_pull_outcome: RecordPullOutcome | null;
  last_pull_error: string | null;
}

/**
 * Scheduled pulls of 2.3.0 CPOs' InvoiceReconciliationRecords (mod_invoice_reconciliation §Sender Interface: GET with
 * date_from / date_to on last_updated, paginated), beside the sync's module schedules and on the same durable job
 * queue: a due-check once a minute claims the registered 2.3.0 connections whose interval has passed since the last
 * claim (the first: SYNC_FIRST_PULL_DELAY_SECONDS after registration), each claim a compare-and-set on the
 * connection's row (one instance claims each) that also leases the connection for LEASE_MINUTES (no second pull while
 * one runs), and sends one job per connection. A pull asks for the window [checkpoint − margin, its start) — the first
 * one everything before its start — and moves the checkpoint to its start only when it succeeded: a failed pull
 * leaves the next to read the same window again (the record store makes the overlap harmless: UNCHANGED). The mode
 * (default BOTH where the CPO lists the Sender interface) and the interval are set per connection by operations.
 */
@Injectable()
export class RecordPullScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(RecordPullScheduler.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: JobQueue,
    private readonly puller: ReconciliationRecordPuller,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work(RECORD_PULL_QUEUE, (job) => this.pull(job));
    await this.jobs.work(RECORD_PULL_DUE_CHECK_QUEUE, async () => void (await this.sendDuePulls()));
    await this.jobs.schedule(RECORD_PULL_DUE_CHECK_QUEUE, '* * * * *', {});
  }

  /** The connection's schedule. @throws NotFoundException for an unknown connection */
  async view(connectionId: string): Promise<RecordPullScheduleView> {
    const known: unknown[] = await this.db.query(`SELECT 1 FROM cpo_connection WHERE id = $1`, [connectionId]);
    if (known.length === 0) throw new NotFoundException(`No connection with connection_id ${connectionId}`);
    const [row]: ScheduleRow[] = await this.db.query(`SELECT * FROM invoice_reconciliation_schedule WHERE connection_id = $1`, [connectionId]);
    const minutes = row?.interval_minutes ?? defaultRecordPullMinutes(this.config.env.SYNC_INTERVAL_MINUTES);
    const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
    return {
      mode: row?.mode ?? 'BOTH',
      mode_chosen_by: row?.mode ? 'OPERATOR' : 'DEFAULT',
      interval_minutes: minutes > 0 ? minutes : null,
      interval_chosen_by: row?.interval_minutes === null || row?.interval_minutes === undefined ? 'DEFAULT' : 'OPERATOR',
      pulled_to: iso(row?.pulled_to),
      last_scheduled_at: iso(row?.last_scheduled_at),
      last_pull: row?.last_pull_at ? { at: iso(row.last_pull_at)!, status: row.last_pull_status!, outcome: row.last_pull_outcome, error: row.last_pull_error } : null,
    };
  }

  /** Stores operations' choice. @throws NotFoundException for an unknown connection */
  async change(connectionId: string, change: RecordPullScheduleChange): Promise<RecordPullScheduleView> {
    await this.view(connectionId);
    await this.db.query(
      `INSERT INTO invoice_reconciliation_schedule (connection_id, mode, interval_minutes) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id) DO UPDATE SET
         mode = CASE WHEN $4 THEN EXCLUDED.mode ELSE invoice_reconciliation_schedule.mode END,
         interval_minutes = CASE WHEN $5 THEN EXCLUDED.interval_minutes ELSE invoice_reconciliation_schedule.interval_minutes END,
         updated_at = now()`,
      [connectionId, change.mode ?? null, change.interval_minutes ?? null, change.mode !== undefined, change.interval_minutes !== undefined],
    );
    return this.view(connectionId);
  }

  /**
   * Claims the connections whose record pull is due at `at` (now by default; a later time in tests) and sends one job
   * each. @returns the jobs sent. @throws Error when the database fails (the next minute looks again)
   */
  async sendDuePulls(at: Date = new Date()): Promise<RecordPullJob[]> {
    const env = this.config.env;
    // Rows for every registered 2.3.0 connection first (the defaults), so that the claim below is one compare-and-set.
    await this.db.query(
      `INSERT INTO invoice_reconciliation_schedule (connection_id)
       SELECT id FROM cpo_connection WHERE status = 'REGISTERED' AND ocpi_version = '2.3.0' ON CONFLICT (connection_id) DO NOTHING`,
    );
    const candidates: Array<{ connection_id: string; mode: ModuleMode | null; last_scheduled_at: Date | null }> = await this.db.query(
      `SELECT s.connection_id, s.mode, s.last_scheduled_at
       FROM invoice_reconciliation_schedule s JOIN cpo_connection c ON c.id = s.connection_id
       WHERE c.status = 'REGISTERED' AND c.ocpi_version = '2.3.0'
         AND coalesce(s.interval_minutes, $2::int) > 0
         AND coalesce(s.last_scheduled_at + make_interval(mins => coalesce(s.interval_minutes, $2::int)),
                      coalesce(c.registered_at, '-infinity'::timestamptz) + make_interval(secs => $3)) <= $1
         AND (s.leased_until IS NULL OR s.leased_until <= $1)`,
      [at, defaultRecordPullMinutes(env.SYNC_INTERVAL_MINUTES), env.SYNC_FIRST_PULL_DELAY_SECONDS],
    );
    const jobs: RecordPullJob[] = [];
    for (const c of candidates) {
      if (!includesPull(c.mode ?? 'BOTH')) continue;
      // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
      const [claimed]: [unknown[], number] = await this.db.query(
        `UPDATE invoice_reconciliation_schedule SET last_scheduled_at = $2, leased_until = $2::timestamptz + make_interval(mins => $4)
         WHERE connection_id = $1 AND last_scheduled_at IS NOT DISTINCT FROM $3 AND (leased_until IS NULL OR leased_until <= $2) RETURNING connection_id`,
        [c.connection_id, at, c.last_scheduled_at, LEASE_MINUTES],
      );
      if (claimed.length === 0) continue;
      const job = { connectionId: c.connection_id, claimedAt: at.toISOString() };
      try {
        await this.jobs.send(RECORD_PULL_QUEUE, job, { singletonKey: c.connection_id });
        jobs.push(job);
      } catch (error) {
        // Claimed but not sent: the lease ends by its expiry; pulled when next due.
        this.logger.error({ connectionId: c.connection_id }, `Could not send a scheduled record pull: ${(error as Error).message}`);
      }
    }
    return jobs;
  }

  /**
   * One scheduled pull: the window from the checkpoint to now, then the checkpoint moved (on success), the outcome
   * kept and the lease given back — only while this claim still holds the row (compared by its claim time).
   */
  private async pull(job: RecordPullJob): Promise<void> {
    const [row]: Array<{ pulled_to: Date | null }> = await this.db.query(`SELECT pulled_to FROM invoice_reconciliation_schedule WHERE connection_id = $1`, [job.connectionId]);
    const to = new Date();
    const from = row?.pulled_to ? new Date(new Date(row.pulled_to).getTime() - CHECKPOINT_MARGIN_MS) : null;
    let status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
    let outcome: RecordPullOutcome | null = null;
    let error: string | null = null;
    try {
      outcome = await this.puller.pull(job.connectionId, { from, to });
      status = 'SUCCEEDED';
    } catch (e) {
      // Closed set: the CPO lists no Sender interface (or is no longer 2.3.0) → SKIPPED; it failed the call → FAILED.
      status = e instanceof RecordPullRefused ? 'SKIPPED' : 'FAILED';
      error = e instanceof OcpiCallError ? `${e.kind}: ${e.message}` : (e as Error).message;
      if (status === 'FAILED') this.logger.warn({ connectionId: job.connectionId }, `A scheduled record pull failed: ${error}`);
    }
    await this.db.query(
      `UPDATE invoice_reconciliation_schedule SET pulled_to = CASE WHEN $3 = 'SUCCEEDED' THEN $4::timestamptz ELSE pulled_to END,
         last_pull_at = now(), last_pull_status = $3, last_pull_outcome = $5, last_pull_error = $6, leased_until = NULL
       WHERE connection_id = $1 AND last_scheduled_at = $2`,
      [job.connectionId, job.claimedAt, status, to, outcome === null ? null : JSON.stringify(outcome), error],
    );
  }
}
