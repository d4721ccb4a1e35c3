import { Injectable, Logger, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PushResult } from './process-metrics';

/** How often an instance adds its counts to push_hourly: a push is on the health page at most this late. */
export const PUSH_HOURLY_FLUSH_MS = 2_000;
/** How long push_hourly keeps an hour. */
export const PUSH_HOURLY_KEEP_DAYS = 30;

const HOUR_MS = 3_600_000;

/**
 * The durable count of pushes per CPO, UTC hour, module and result (table push_hourly), for the console's health page.
 * A push costs a Map increment; every {@link PUSH_HOURLY_FLUSH_MS} the counts gathered are added to the table in one
 * statement (additive upsert), so several instances sum up and none assumes it is alone. Counts not yet flushed when a
 * process dies are lost (at most that interval's); a clean shutdown flushes them. Never throws into a request.
 */
@Injectable()
export class PushHourlyTally implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PushHourlyTally.name);
  /** `connection|hourMs|module|result` → count since the last flush. */
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** The hour (ms) of the last pruning by this instance. */
  private prunedHour = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Counts one push (at `at`, default now) of CPO connection `connectionId` to `module`'s Receiver interface. */
  add(connectionId: string, module: string, result: PushResult, at = Date.now()): void {
    const key = `${connectionId}|${Math.floor(at / HOUR_MS) * HOUR_MS}|${module}|${result}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    // unref: a pending flush never keeps a process alive; shutdown flushes what is left.
    this.timer ??= setTimeout(() => void this.flush(), PUSH_HOURLY_FLUSH_MS).unref();
  }

  /** Adds the counts gathered so far to push_hourly (one statement); resolves when written (or the failure logged). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async write(batch: Map<string, number>): Promise<void> {
    if (batch.size === 0) return;
    const rows = [...batch].map(([key, count]) => {
      const [connectionId, hour, module, result] = key.split('|');
      return { connection_id: connectionId, hour: new Date(Number(hour)).toISOString(), module, result, count };
    });
    try {
      await this.db.query(
        `INSERT INTO push_hourly (connection_id, hour, module, result, count)
         SELECT x.connection_id, x.hour, x.module, x.result, x.count
         FROM jsonb_to_recordset($1::jsonb) AS x(connection_id uuid, hour timestamptz, module text, result text, count int)
         -- A connection deleted meanwhile has no row to count against.
         WHERE EXISTS (SELECT 1 FROM cpo_connection c WHERE c.id = x.connection_id)
         ON CONFLICT (connection_id, hour, module, result) DO UPDATE SET count = push_hourly.count + EXCLUDED.count`,
        [JSON.stringify(rows)],
      );
      const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
      if (hour !== this.prunedHour) {
        this.prunedHour = hour;
        await this.db.query(`DELETE FROM push_hourly WHERE hour < $1`, [new Date(hour - PUSH_HOURLY_KEEP_DAYS * 86_400_000)]);
      }
    } catch (error) {
      this.logger.warn(`Could not add ${rows.length} push counts to push_hourly: ${(error as Error).message}`);
    }
  }
}
