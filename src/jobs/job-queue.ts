import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import PgBoss from 'pg-boss';
import pgBossVersion from 'pg-boss/version.json';
import { withLogFields } from '../logging/log-context';
import { QueueDefinition } from './queue-definition';

/** The job queue's schema (pg-boss's tables), installed by the migration JobQueue1797600000000. */
export const JOB_QUEUE_SCHEMA = 'pgboss';

/** Injection token of the PostgreSQL URL the queue uses: the service's own database (real or the embedded one). */
export const JOB_QUEUE_DATABASE_URL = Symbol('JOB_QUEUE_DATABASE_URL');

/** Injection token of when this instance starts working its queues (JobQueueStart, or null: at once). */
export const JOB_QUEUE_START = Symbol('JOB_QUEUE_START');

/**
 * When this instance starts working its queues, when not at once (the default: while the service starts). The demo
 * defers the queues its first answer does not need until after that answer: their workers and their cron schedules
 * start then, and jobs sent to them meanwhile wait in the database, as they would for an instance not yet running.
 */
export interface JobQueueStart {
  /** Resolves when the deferred queues are to be worked (and their schedules stored). */
  deferUntil: Promise<unknown>;
  /** The names of the queues worked at once all the same. */
  atOnce: readonly string[];
}

/** The schema version this pg-boss expects (its package's version.json). */
const PG_BOSS_SCHEMA_VERSION: number = pgBossVersion.schema;

/** How often an idle worker looks for jobs another instance sent (this instance's own sends wake it at once). */
const POLLING_INTERVAL_SECONDS = 2;
/** At most this long the shutdown waits for jobs in progress, after telling them to stop (their signal). */
const STOP_TIMEOUT_MS = 10_000;
/** Jobs written per INSERT by sendMany (one JSON parameter each). */
const INSERT_BATCH = 1000;
/** Listeners the stop signal may have before Node warns of a leak: far above this instance's workers and running jobs. */
const MAX_STOP_LISTENERS = 200;

/** One job as its handler sees it. */
export interface JobContext {
  id: string;
  /** 0 on the first attempt, 1 on the first retry, … */
  retryCount: number;
  retryLimit: number;
  /** When the job was sent (the database's clock). */
  createdOn: Date;
  /**
   * Aborted when the service stops or the job's expireInSeconds has passed: the handler should cancel its calls and
   * throw, so that the job is retried later, here or on another instance, and never runs twice at once.
   */
  signal: AbortSignal;
}

/** Works one job; throwing fails the attempt (retried as its queue says). */
export type JobHandler<T> = (data: T, job: JobContext) => Promise<void>;

/** What a send may add to its queue's definition. */
export interface SendOptions {
  /**
   * Jobs of one key collapse as the queue's policy says (e.g. `short`: while one waits, another send is dropped).
   */
  singletonKey?: string;
  /** Seconds to wait before the job may start. */
  startAfterSeconds?: number;
  /**
   * Throttling: at most one job of this singletonKey per slot of this many seconds (pg-boss `singletonSeconds`), whoever
   * sends it; a further send in the same slot is dropped (null). For work every instance asks for periodically.
   */
  singletonSeconds?: number;
}

/** How `work` runs a queue on this instance. */
export interface WorkOptions {
  /** Jobs of the queue this instance works at the same time (default 1): each in a loop of its own. */
  concurrency?: number;
}

/**
 * The durable job queue of all background work (pg-boss 10 on the service's own PostgreSQL, schema `pgboss`). Jobs
 * survive restarts; with several instances on one database each job is handed to one worker at a time (pg-boss
 * fetches with `FOR UPDATE SKIP LOCKED` and marks it active in the same statement), a job whose instance died is given
 * up after its queue's expireInSeconds and retried by whichever instance maintains the queue next. Started when the
 * service starts (its schema is already there: migrations); stopped before the database pool closes, after the jobs
 * in progress have been told to stop (JobContext.signal) and have finished, so nothing of it outlives the service.
 */
@Injectable()
export class JobQueue implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly boss: PgBoss;
  private started: Promise<void> | null = null;
  private readonly queues = new Map<string, Promise<void>>();
  /** This instance's workers (loops) of each queue it works, to wake them when this instance sends a job. */
  private readonly workers = new Map<string, Wakeup[]>();
  private readonly loops = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  /** The deferral of JobQueueStart has ended (or there was none): every queue is worked as asked. */
  private deferralEnded = false;

  constructor(
    @Inject(JOB_QUEUE_DATABASE_URL) databaseUrl: string,
    @Inject(JOB_QUEUE_START) private readonly deferral: JobQueueStart | null = null,
  ) {
    // Every worker waiting for its next poll and every job running listens for the stop (one listener each, removed
    // after): with a dozen queues, some with several workers, Node's default warning at 11 listeners is no leak.
    setMaxListeners(MAX_STOP_LISTENERS, this.stopping.signal);
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      schema: JOB_QUEUE_SCHEMA,
      application_name: 'ocpi-jobs',
      // A few connections are plenty: one fetch per queue at a time, the sends, the maintenance.
      max: 4,
      // The schema comes from our migrations; this only upgrades it after a pg-boss upgrade (a no-op otherwise).
      migrate: true,
      // Expiring jobs of dead instances, archiving and deleting old jobs; pg-boss lets one instance do it at a time.
      supervise: true,
      // Cron schedules (JobQueue.schedule): pg-boss lets one instance a minute send each scheduled job.
      schedule: true,
    });
    // pg-boss reports failed maintenance here; without a listener an 'error' event would throw.
    this.boss.on('error', (error: Error) => {
      if (this.stopping.signal.aborted) this.logger.debug(`Job queue while stopping: ${error.message}`);
      else this.logger.warn(`Job queue: ${error.message}`);
    });
  }

  async onModuleInit(): Promise<void> {
    await this.start();
  }

  /**
   * Sends one job to `queue` (created on first use). @returns the job's id, or null when the queue's policy dropped it
   * (a job with the same singletonKey is already waiting). @throws Error when the database cannot take it.
   */
  async send<T extends object>(queue: QueueDefinition<T>, data: T, options: SendOptions = {}): Promise<string | null> {
    await this.queue(queue);
    const id = await this.boss.send(queue.name, data, {
      ...(options.singletonKey !== undefined ? { singletonKey: options.singletonKey } : {}),
      ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      ...(options.singletonSeconds ? { singletonSeconds: options.singletonSeconds } : {}),
    });
    // This instance works the queue: start now rather than at the next poll.
    if (id !== null && !options.startAfterSeconds) for (const worker of this.workers.get(queue.name) ?? []) worker.wake();
    return id;
  }

  /**
   * Sends many jobs to `queue` in one statement (created on first use), each with its own singletonKey collapsing as
   * the queue's policy says (a key already waiting: that job is dropped); then wakes this instance's workers. For many
   * jobs made at once (a change sent to several CPOs, an import): one round trip per INSERT_BATCH jobs instead of one
   * each. @throws Error when the database cannot take them (the batches before the failing one are sent)
   */
  async sendMany<T extends object>(queue: QueueDefinition<T>, jobs: ReadonlyArray<{ data: T; singletonKey?: string }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue(queue);
    for (let from = 0; from < jobs.length; from += INSERT_BATCH) {
      const batch = jobs.slice(from, from + INSERT_BATCH);
      await this.boss.insert(batch.map((job) => ({ name: queue.name, data: job.data, ...(job.singletonKey !== undefined ? { singletonKey: job.singletonKey } : {}) })));
    }
    for (const worker of this.workers.get(queue.name) ?? []) worker.wake();
  }

  /**
   * The job queue's schema version as its own connection pool reads it (for readiness): proves pg-boss started and can
   * reach its tables. @returns { installed, expected } (pg-boss's schema version numbers; equal once migrated)
   * @throws Error when pg-boss did not start or the database does not answer
   */
  async schemaVersion(): Promise<{ installed: number; expected: number }> {
    await this.start();
    const { rows } = await this.boss.getDb().executeSql(`SELECT version FROM ${JOB_QUEUE_SCHEMA}.version`, []);
    return { installed: Number((rows[0] as { version?: unknown } | undefined)?.version), expected: PG_BOSS_SCHEMA_VERSION };
  }

  /**
   * Sends `data` to `queue` on a cron schedule (UTC, minute resolution; replaces this queue's earlier schedule). Stored in
   * the database: every instance may declare it at start; pg-boss's cron monitor lets one instance at a time look for
   * schedules that are due, and a throttle of 60 s per schedule sends each due job once, whichever instances run.
   */
  async schedule<T extends object>(queue: QueueDefinition<T>, cron: string, data: T): Promise<void> {
    if (this.deferred(queue, () => this.schedule(queue, cron, data))) return;
    await this.queue(queue);
    await this.boss.schedule(queue.name, cron, data, { tz: 'UTC' });
  }

  /** Removes `queue`'s cron schedule, if any (e.g. its work was switched off by configuration). */
  async unschedule(queue: QueueDefinition<object>): Promise<void> {
    await this.start();
    await this.boss.unschedule(queue.name);
  }

  /**
   * Works `queue` on this instance: `options.concurrency` jobs at a time (default one), each handed to one worker only. A handler that throws fails
   * the attempt; the job is retried after the queue's delay (with backoff) until its retryLimit, then failed for good.
   * The loop is ours (pg-boss `fetch`, `complete`, `fail`) rather than pg-boss's `work`, so that stopping waits for the
   * job in progress and its last write, and leaves no timer behind.
   */
  async work<T extends object>(queue: QueueDefinition<T>, handler: JobHandler<T>, options: WorkOptions = {}): Promise<void> {
    if (this.deferred(queue, () => this.work(queue, handler, options))) return;
    await this.queue(queue);
    const wakeups = this.workers.get(queue.name) ?? [];
    this.workers.set(queue.name, wakeups);
    for (let i = 0; i < Math.max(1, options.concurrency ?? 1); i++) {
      const wakeup = new Wakeup();
      wakeups.push(wakeup);
      const loop = this.workLoop(queue, handler, wakeup);
      this.loops.add(loop);
      void loop.finally(() => this.loops.delete(loop));
    }
  }

  /**
   * Tells the jobs in progress to stop (their signal), waits for them to finish (at most STOP_TIMEOUT_MS; one that
   * outlasts it stays active until its expiry, then is retried), then stops pg-boss and closes its pool.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    for (const wakeups of this.workers.values()) for (const wakeup of wakeups) wakeup.wake();
    if (!this.started) return;
    try {
      await this.started;
    } catch {
      return; // never started: nothing to stop
    }
    if (!(await settledWithin([...this.loops], STOP_TIMEOUT_MS))) this.logger.warn(`A job did not stop within ${STOP_TIMEOUT_MS} ms; it is retried after its expiry`);
    await this.boss.stop({ graceful: true, wait: true, close: true, timeout: STOP_TIMEOUT_MS });
  }

  /**
   * Whether `queue` is deferred (JobQueueStart): then `later` runs once the deferral ends (a failure then is logged: the
   * service runs by then), and the caller returns at once. False once the deferral has ended, and for the queues
   * worked at once.
   */
  private deferred(queue: QueueDefinition<object>, later: () => Promise<void>): boolean {
    if (!this.deferral || this.deferralEnded || this.deferral.atOnce.includes(queue.name)) return false;
    void this.deferral.deferUntil
      // A deferral that failed ends all the same.
      .catch(() => undefined)
      .then(() => {
        this.deferralEnded = true;
        if (!this.stopping.signal.aborted) return later();
      })
      .catch((error: Error) => this.logger.warn(`Job queue ${queue.name}: not worked after the deferral: ${error.message}`));
    return true;
  }

  /** Fetches and works jobs of `queue` until the service stops; sleeps POLLING_INTERVAL_SECONDS when there are none. */
  private async workLoop<T extends object>(queue: QueueDefinition<T>, handler: JobHandler<T>, wakeup: Wakeup): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let jobs: Array<PgBoss.JobWithMetadata<T>> | null = null;
      try {
        // Marks the job active in the same statement that picks it (FOR UPDATE SKIP LOCKED): one instance gets it.
        jobs = await this.boss.fetch<T>(queue.name, { includeMetadata: true, batchSize: 1 });
      } catch (error) {
        this.logger.warn(`Fetching jobs of ${queue.name} failed: ${(error as Error).message}`);
      }
      if (jobs && jobs.length > 0) {
        for (const job of jobs) await this.run(queue, job, handler);
        continue; // there may be more waiting
      }
      await wakeup.sleep(POLLING_INTERVAL_SECONDS * 1000, this.stopping.signal);
    }
  }

  /** Runs one job and records its outcome; never throws. */
  private async run<T extends object>(queue: QueueDefinition<T>, job: PgBoss.JobWithMetadata<T>, handler: JobHandler<T>): Promise<void> {
    // Past its expiry pg-boss gives the job to another attempt: this one is told to stop then.
    const expiry = new AbortController();
    const timer = setTimeout(() => expiry.abort(), job.expireInSeconds * 1000);
    const signal = AbortSignal.any([this.stopping.signal, expiry.signal]);
    // Every line the job logs names its queue and job, and the CPO when the job's data names a connection.
    const connectionId = (job.data as { connectionId?: unknown }).connectionId;
    const fields = { queue: queue.name, job_id: job.id, ...(typeof connectionId === 'string' ? { connection_id: connectionId } : {}) };
    try {
      const context = { id: job.id, retryCount: job.retryCount, retryLimit: job.retryLimit, createdOn: new Date(job.createdOn), signal };
      await withLogFields(fields, () => handler(job.data, context));
      await this.boss.complete(queue.name, job.id);
    } catch (error) {
      const message = (error as Error).message;
      const last = job.retryCount >= job.retryLimit;
      this.logger.warn({ queue: queue.name, jobId: job.id, attempt: job.retryCount + 1 }, `Job failed${last ? ' for good' : ', to be retried'}: ${message}`);
      await this.boss.fail(queue.name, job.id, { message }).catch((failing: Error) => this.logger.warn(`Recording the failure of job ${job.id} failed: ${failing.message}`));
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Creates a queue (a no-op when another instance just did). pg-boss's own createQueue adds a partition with DDL (a
   * foreign key to its queue table, ATTACH PARTITION) that deadlocks when instances create queues at the same moment,
   * as they all do when they start together; so the same function of its schema is called here behind an advisory
   * lock held for the statement's transaction: one creation at a time, across instances.
   */
  private async createQueue(name: string, settings: QueueSettings): Promise<void> {
    await this.boss
      .getDb()
      .executeSql(`WITH serialised AS (SELECT pg_advisory_xact_lock($3)) SELECT ${JOB_QUEUE_SCHEMA}.create_queue($1, $2) FROM serialised`, [
        name,
        { ...settings },
        QUEUE_CREATION_LOCK_KEY,
      ]);
  }

  private start(): Promise<void> {
    this.started ??= this.boss.start().then(() => undefined);
    return this.started;
  }

  /** Creates the queue once per instance (a no-op when it exists) and brings its retry settings up to date. */
  private queue(definition: QueueDefinition<object>): Promise<void> {
    let ready = this.queues.get(definition.name);
    if (!ready) {
      const options: QueueSettings = {
        policy: definition.policy,
        retryLimit: definition.retryLimit,
        retryDelay: definition.retryDelaySeconds,
        retryBackoff: definition.retryBackoff,
        expireInSeconds: definition.expireInSeconds,
      };
      ready = this.start()
        .then(() => this.boss.getQueue(definition.name))
        .then(async (existing) => {
          if (!existing) await this.createQueue(definition.name, options);
          else if (differs(existing, options)) await this.boss.updateQueue(definition.name, { name: definition.name, ...options });
        });
      // A failure is not remembered: the next send or work tries again.
      ready.catch(() => this.queues.delete(definition.name));
      this.queues.set(definition.name, ready);
    }
    return ready;
  }
}

/**
 * Key of the transaction-scoped advisory lock that serialises queue creation between instances (any constant; "JOBQ"
 * in ASCII).
 */
const QUEUE_CREATION_LOCK_KEY = 0x4a4f4251;

/** A queue's settings as pg-boss stores them. */
interface QueueSettings {
  policy: PgBoss.QueuePolicy;
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  expireInSeconds: number;
}

function differs(existing: PgBoss.QueueResult, wanted: QueueSettings): boolean {
  return (
    existing.policy !== wanted.policy ||
    existing.retryLimit !== wanted.retryLimit ||
    existing.retryDelay !== wanted.retryDelay ||
    existing.retryBackoff !== wanted.retryBackoff ||
    existing.expireInSeconds !== wanted.expireInSeconds
  );
}

/** The sleep of an idle worker, cut short by a job sent on this instance or by the service stopping. */
class Wakeup {
  private woken = false;
  private cut: (() => void) | null = null;

  wake(): void {
    this.woken = true;
    this.cut?.();
  }

  async sleep(ms: number, stopping: AbortSignal): Promise<void> {
    if (!this.woken && !stopping.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stopping.removeEventListener('abort', done);
          this.cut = null;
          resolve();
        };
        const timer = setTimeout(done, ms);
        stopping.addEventListener('abort', done, { once: true });
        this.cut = done;
      });
    }
    this.woken = false;
  }
}

/** Whether every promise settled within `ms` (the timer is cleared either way). */
async function settledWithin(promises: Array<Promise<unknown>>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
