import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionModule } from '../connections/cpo-connection.entity';
import { claimDuePulls, CONNECTION_MODULES, scheduleSettingsOf } from '../connections/module-modes';
import { JobContext, JobQueue } from '../jobs/job-queue';
import { defineQueue } from '../jobs/queue-definition';
import { SyncService } from './sync.service';

/** One scheduled pull: the modules of one CPO that came due together, pulled one after the other in pull order. */
export interface PullJob {
  connectionId: string;
  modules: ConnectionModule[];
}

/**
 * The look for scheduled pulls that are due, sent by pg-boss's cron once a minute (one instance sends it: see
 * JobQueue.schedule). `short` with one key: looks asked for while one waits add nothing. Not retried: the next minute
 * looks again.
 */
export const PULL_DUE_CHECK_QUEUE = defineQueue<Record<string, never>>({
  name: 'pull-due-check',
  policy: 'short',
  retryLimit: 0,
  retryDelaySeconds: 60,
  retryBackoff: false,
  expireInSeconds: 120,
});

/**
 * Scheduled pulls, one job per CPO with the modules due. The job lasts as long as its pull (so that it holds one of the
 * SYNC_MAX_CONCURRENT_CPOS places meanwhile: a hung CPO holds one place, not all). A pull may take long (a large CPO's
 * first full pull, or a slow one), so the expiry is pg-boss's longest (just under a day) rather than a guess of the
 * longest pull: the guard against a pull running twice is the per-(CPO, module) lease SyncService takes, not the
 * expiry. Past the expiry the job only gives its place up (its signal aborts; the pull goes on under its lease).
 * Never retried (retryLimit 0): a failed or expired pull is pulled again when it is next due, and a retry could pull
 * it twice in one interval; a job whose instance died stays active until its expiry, which holds nothing back (the
 * policy `short` only collapses jobs *waiting* with the same key, and the lease of the dead pull expires within
 * SYNC_LEASE_TTL_SECONDS).
 */
export const PULL_QUEUE = defineQueue<PullJob>({
  name: 'pull',
  policy: 'short',
  retryLimit: 0,
  retryDelaySeconds: 60,
  retryBackoff: false,
  expireInSeconds: 23 * 3600,
});

/** The sweep that closes the runs of instances that died while pulling (sent every SYNC_LEASE_SWEEP_SECONDS). */
export const CLOSE_ABANDONED_RUNS_QUEUE = defineQueue<Record<string, never>>({
  name: 'close-abandoned-runs',
  policy: 'short',
  retryLimit: 0,
  retryDelaySeconds: 60,
  retryBackoff: false,
  expireInSeconds: 120,
});

/** The name of this instance's sweep timer in the SchedulerRegistry. */
const SWEEP_TIMER = 'ask-for-abandoned-runs-sweep';

/** How long after a stop the sweep that resumes its handed-over runs may start (see beforeApplicationShutdown). */
const HAND_OVER_SWEEP_DELAY_SECONDS = 1;

/** Once a minute (UTC): the due-check's cron. */
const EVERY_MINUTE = '* * * * *';

/**
 * Pulls every (CPO, module) on its schedule (interval per module, module-modes.ts), all on the durable job queue: a
 * due-check once a minute (pg-boss cron: sent once, whichever instances run) claims the pulls that are due (one claim
 * per pull, whatever the instances: see claimDuePulls) and sends one `pull` job per CPO with its due modules; every
 * instance works the `pull` queue, SYNC_MAX_CONCURRENT_CPOS jobs at a time. A new connection's first pull is its
 * schedule's first due pull (SYNC_FIRST_PULL_DELAY_SECONDS after its registration). The sweep of runs left RUNNING
 * by dead instances is queue work too: every instance asks for it every SYNC_LEASE_SWEEP_SECONDS, throttled to one job
 * per period across instances (pg-boss singletonSeconds) — the only timer of this process (cron has a minute's
 * resolution, the sweep wants seconds), kept in @nestjs/schedule's registry of this instance's timers.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncScheduler.name);

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
    private readonly sync: SyncService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly timers: SchedulerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const env = this.config.env;
    await this.jobs.work(PULL_QUEUE, (job, context) => this.pull(job, context), { concurrency: env.SYNC_MAX_CONCURRENT_CPOS });
    await this.jobs.work(PULL_DUE_CHECK_QUEUE, async () => void (await this.sendDuePulls()));
    await this.jobs.work(CLOSE_ABANDONED_RUNS_QUEUE, () => this.closeAbandonedRuns());
    // Always scheduled: operations may switch a module's schedule on even where SYNC_INTERVAL_MINUTES is 0.
    await this.jobs.schedule(PULL_DUE_CHECK_QUEUE, EVERY_MINUTE, {});
    const sweepSeconds = env.SYNC_LEASE_SWEEP_SECONDS;
    // Independent of the pull schedule: a run left RUNNING by a dead instance is closed even where nothing pulls.
    if (sweepSeconds > 0)
      this.timers.addInterval(
        SWEEP_TIMER,
        setInterval(() => void this.askForSweep(sweepSeconds), sweepSeconds * 1000),
      );
  }

  /**
   * Before the job queue stops (a global module: its hooks run after this module's): clears the sweep timer, waits for
   * SyncService to hand its pulls in flight over, then asks for a sweep so that another instance (or this one, restarted)
   * resumes them at once rather than at its next periodic sweep. Asked a second later: this stopping instance, whose
   * workers still run for a moment, must not be the one that takes the job (it would resume nothing).
   */
  async beforeApplicationShutdown(): Promise<void> {
    // ScheduleModule itself clears its timers only later, at shutdown.
    if (this.timers.doesExist('interval', SWEEP_TIMER)) this.timers.deleteInterval(SWEEP_TIMER);
    const handedOver = await this.sync.stop();
    if (handedOver === 0) return;
    try {
      await this.jobs.send(CLOSE_ABANDONED_RUNS_QUEUE, {}, { singletonKey: 'handed-over', startAfterSeconds: HAND_OVER_SWEEP_DELAY_SECONDS });
    } catch (error) {
      this.logger.warn(`Could not ask for the sweep that resumes the ${handedOver} runs handed over; the next periodic sweep does: ${(error as Error).message}`);
    }
  }

  /**
   * Claims the (CPO, module) pulls due at `at` (now by default; a later time in tests) and sends one `pull` job per CPO
   * with its due modules, in pull order. @returns the jobs sent (or found already waiting: the same key). @throws Error when the database fails (the due-check
   * job then fails; the next minute looks again).
   */
  async sendDuePulls(at: Date = new Date()): Promise<PullJob[]> {
    const due = await claimDuePulls(this.db, at, scheduleSettingsOf(this.config.env));
    const byConnection = new Map<string, Set<ConnectionModule>>();
    for (const { connectionId, module } of due) byConnection.set(connectionId, (byConnection.get(connectionId) ?? new Set()).add(module));
    const jobs: PullJob[] = [];
    for (const [connectionId, modules] of byConnection) {
      const job = { connectionId, modules: CONNECTION_MODULES.filter((module) => modules.has(module)) };
      try {
        // One key per CPO and set of modules: the same pull asked for again while one waits adds nothing.
        await this.jobs.send(PULL_QUEUE, job, { singletonKey: `${connectionId}/${job.modules.join(',')}` });
        jobs.push(job);
      } catch (error) {
        // Claimed but not sent: these modules are pulled when next due (or by "sync now").
        this.logger.error({ connectionId, modules: job.modules }, `Could not send a scheduled pull: ${(error as Error).message}`);
      }
    }
    return jobs;
  }

  /** Resumes, or closes as FAILED, the runs of instances that died while pulling (see SyncService.resumeAbandoned). */
  async closeAbandonedRuns(): Promise<void> {
    await this.sync.resumeAbandoned();
  }

  /**
   * One scheduled pull: the job's modules of its CPO, through SyncService (each under its lease: a module another pull
   * holds is SKIPPED). Waits for the pull, so the job holds its place meanwhile; when the service stops (or the job
   * expires) it returns at once, leaving the pull to SyncService, which cancels it on shutdown and hands its runs over.
   * @throws NotFoundException for a connection deleted meanwhile (the job fails, nothing to pull)
   */
  private async pull(job: PullJob, context: JobContext): Promise<void> {
    const started = await this.sync.start(job.connectionId, { modules: job.modules });
    const outcomes = await untilAborted(started.done, context.signal);
    if (outcomes === null)
      throw new Error('the service stopped (or the job expired) while pulling; SyncService hands the pull over (on a stop) or carries on with it (an expired job)');
    const failed = outcomes.filter((outcome) => outcome.status === 'FAILED').map((outcome) => outcome.module);
    if (failed.length > 0) this.logger.warn({ connectionId: job.connectionId, failed }, 'A scheduled pull failed (see its runs); pulled again when next due');
  }

  private async askForSweep(periodSeconds: number): Promise<void> {
    try {
      await this.jobs.send(CLOSE_ABANDONED_RUNS_QUEUE, {}, { singletonKey: 'sweep', singletonSeconds: periodSeconds });
    } catch (error) {
      this.logger.warn(`Could not ask for the sweep of stopped instances' runs, trying again later: ${(error as Error).message}`);
    }
  }
}

/** `promise`'s value, or null as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
