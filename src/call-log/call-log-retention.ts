import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { CallLogService } from './call-log.service';

/**
 * Keeps the call log to CALL_LOG_RETENTION_DAYS (default 30): every hour, entries older than that are deleted.
 * Every instance's schedule fires; CallLogService.prune lets one of them do the work.
 */
@Injectable()
export class CallLogRetention {
  private readonly logger = new Logger(CallLogRetention.name);

  constructor(
    private readonly config: AppConfig,
    private readonly callLog: CallLogService,
  ) {}

  /** Deletes the entries older than the retention period; returns how many. Never throws (a failure is logged). */
  @Cron(CronExpression.EVERY_HOUR, { name: 'prune-call-log' })
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
