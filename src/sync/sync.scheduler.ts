import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { ConnectionsService } from '../connections/connections.service';
import { SyncService } from './sync.service';

/** How often we look for connections registered but never pulled, and how old they must be (ms). */
const FIRST_PULL_CHECK_MS = 30_000;
const FIRST_PULL_AFTER_MS = 60_000;

/**
 * Pulls every registered CPO every SYNC_INTERVAL_MINUTES, and a newly registered one within about a minute and a
 * half (a CPO that registered itself should not wait for the next tick; the minute leaves room for operations to
 * press "sync now" themselves). @nestjs/schedule fires on every instance; the per-(CPO, module) lease in
 * SyncService makes sure only one instance actually pulls, and a tick that finds the previous one still running in
 * this process is skipped.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncScheduler.name);
  private running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly connections: ConnectionsService,
    private readonly sync: SyncService,
  ) {}

  onApplicationBootstrap(): void {
    const sweepSeconds = this.config.env.SYNC_LEASE_SWEEP_SECONDS;
    // Independent of the pull schedule: a run left RUNNING by a dead instance is closed even where nothing pulls.
    if (sweepSeconds > 0)
      this.registry.addInterval(
        'close-abandoned-runs',
        setInterval(() => void this.closeAbandonedRuns(), sweepSeconds * 1000),
      );
    const minutes = this.config.env.SYNC_INTERVAL_MINUTES;
    if (minutes === 0) return;
    this.registry.addInterval(
      'pull-all-cpos',
      setInterval(() => void this.tick(), minutes * 60_000),
    );
    this.registry.addInterval(
      'first-pull',
      setInterval(() => void this.pullNewConnections(), FIRST_PULL_CHECK_MS),
    );
  }

  /**
   * Pulls the connections REGISTERED more than `minAgeMs` ago that have never been pulled (no sync run at all).
   * Returns their ids. Shares the tick's "one at a time in this process" flag.
   */
  async pullNewConnections(minAgeMs = FIRST_PULL_AFTER_MS): Promise<string[]> {
    if (this.running) return [];
    this.running = true;
    try {
      const ids = await this.connections.neverPulled(new Date(Date.now() - minAgeMs));
      for (const id of ids) await this.sync.syncConnection(id);
      return ids;
    } catch (error) {
      this.logger.error(error, 'First pull of new connections failed');
      return [];
    } finally {
      this.running = false;
    }
  }

  /** Resumes, or closes as FAILED, the runs of instances that died while pulling (see SyncService.resumeAbandoned); never throws. */
  async closeAbandonedRuns(): Promise<void> {
    try {
      await this.sync.resumeAbandoned();
    } catch (error) {
      this.logger.warn(`Closing the runs of stopped instances failed, trying again later: ${(error as Error).message}`);
    }
  }

  /**
   * Pulls every REGISTERED connection once, SYNC_MAX_CONCURRENT_CPOS of them at a time (each CPO's modules one after the
   * other), so that a slow or hung CPO holds one place, not the whole round: the others are pulled meanwhile.
   */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const registered = (await this.connections.list()).filter((connection) => connection.status === 'REGISTERED');
      await inParallel(registered, this.config.env.SYNC_MAX_CONCURRENT_CPOS, (connection) =>
        this.sync.syncConnection(connection.id).catch((error: Error) => this.logger.error(error, `Scheduled pull of ${connection.name} failed`)),
      );
    } catch (error) {
      this.logger.error(error, 'Scheduled pull failed');
    } finally {
      this.running = false;
    }
  }
}

/** Runs `work` over `items`, at most `limit` at a time, in order of start; resolves when all have ended. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
