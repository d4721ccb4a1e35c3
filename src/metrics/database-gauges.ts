import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { JOB_QUEUE_SCHEMA } from '../jobs/job-queue';

/** pg-boss job states counted as queue depth: waiting (created, retry), running (active), given up (failed). */
const QUEUE_STATES = ['created', 'retry', 'active', 'failed'];

/**
 * Gauges read from the database at each scrape, one registry per running service: the same on every instance of a
 * deployment (they describe the shared database), so take one instance's value (max/avg), never their sum. Each is one
 * cheap query: sync_state has one row per connection and module; pgboss.job is counted per queue and state, over the
 * jobs not completed (completed ones are archived by pg-boss). A query that fails leaves the gauge empty for that
 * scrape and is logged: the scrape itself still answers.
 */
@Injectable()
export class DatabaseGauges {
  private readonly logger = new Logger(DatabaseGauges.name);
  readonly registry = new Registry();

  constructor(@InjectDataSource() private readonly db: DataSource) {
    const read = this.read.bind(this);
    new Gauge({
      name: 'sync_lag_seconds',
      help: 'Seconds since the start of the last successful pull of each connection (cpo) and module: what we hold is at most this old (from sync_state).',
      labelNames: ['cpo', 'module'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await read<{ connection_id: string; module: string; lag: string }>(
          `SELECT connection_id, module, extract(epoch FROM now() - last_success_started) AS lag FROM sync_state WHERE last_success_started IS NOT NULL`,
        );
        for (const r of rows) this.set({ cpo: r.connection_id, module: r.module }, Number(r.lag));
      },
    });
    new Gauge({
      name: 'job_queue_depth',
      help: 'Jobs in the job queue (pg-boss) by queue and state: created and retry wait, active run, failed were given up.',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await read<{ name: string; state: string; n: number }>(
          `SELECT name, state::text AS state, count(*)::int AS n FROM ${JOB_QUEUE_SCHEMA}.job WHERE state::text = ANY($1) GROUP BY name, state`,
          [QUEUE_STATES],
        );
        for (const r of rows) this.set({ queue: r.name, state: r.state }, r.n);
      },
    });
    new Gauge({
      name: 'ocpi_connection_info',
      help: 'One series per CPO connection, value 1: its name, status and parties (CC*PID, comma-separated) for the cpo label (the connection id) of the other metrics.',
      labelNames: ['cpo', 'name', 'status', 'parties'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await read<{ id: string; name: string; status: string; parties: string | null }>(
          `SELECT c.id, c.name, c.status, string_agg(DISTINCT p.country_code || '*' || p.party_id, ',' ORDER BY p.country_code || '*' || p.party_id) AS parties
           FROM cpo_connection c LEFT JOIN connection_party p ON p.connection_id = c.id GROUP BY c.id`,
        );
        for (const r of rows) this.set({ cpo: r.id, name: r.name, status: r.status, parties: r.parties ?? '' }, 1);
      },
    });
  }

  private async read<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    try {
      return await this.db.query<T[]>(sql, parameters);
    } catch (error) {
      this.logger.warn(`A metric could not be read from the database: ${(error as Error).message}`);
      return [];
    }
  }
}
