import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobQueue } from '../jobs/job-queue';
import { defineQueue } from '../jobs/queue-definition';
import { CallLogService } from './call-log.service';

/** The hourly pruning of the call log. Not retried: the next hour prunes what this one left. */
export const CALL_LOG_RETENTION_QUEUE = defineQueue<Record<string, never>>({
  name: 'call-log-retention',
  policy: 'short',
  retryLimit: 0,
  retryDelaySeconds: 60,
  retryBackoff: false,
  expireInSeconds: 1800,
});

/** At minute 0 of every hour (UTC). */
const EVERY_HOUR = '0 * * * *';

/**
 * Keeps the call log to CALL_LOG_RETENTION_DAYS (default 30): every hour, entries older than that are deleted. A job
 * on the durable queue (pg-boss cron): sent once an hour whichever instances run, worked by one of them.
 */
@Injectable()
export class CallLogRetention implements OnApplicationBootstrap {
  private readonly logger = new Logger(CallLogRetention.name);

  constructor(
    private readonly config: AppConfig,
    private readonly callLog: CallLogService,
    private readonly jobs: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work(CALL_LOG_RETENTION_QUEUE, async () => void (await this.pruneExpired()));
    await this.jobs.schedule(CALL_LOG_RETENTION_QUEUE, EVERY_HOUR, {});
  }

  /** Deletes the entries older than the retention period; returns how many. Never throws (a failure is logged). */
  async pruneExpired(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.env.CALL_LOG_RETENTION_DAYS * 86_400_000);
    try {
      const deleted = await this.callLog.prune(before);
      if (deleted > 0) this.logger.log({ deleted, before: before.toISOString() }, 'Pruned the call log');
      return deleted;
    } catch (error) {
      this.logger.warn(`Could not prune the call log: ${(error as Error).message}`);
      return 0;
    }
  }
}
