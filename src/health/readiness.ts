import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobQueue } from '../jobs/job-queue';

/** How long each readiness check may take before it counts as down, in milliseconds. */
export const READINESS_TIMEOUT_MS = 2000;

/**
 * The parts readiness checks (see HealthController.ready): the database answers `SELECT 1`, and the job queue (pg-boss,
 * through its own connection pool) reads its schema version, which must be the one it expects. Each within
 * READINESS_TIMEOUT_MS; a failure is reported as down with the reason, never thrown.
 */
@Injectable()
export class Readiness {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: JobQueue,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** `database`: up when `SELECT 1` answers in time. */
  async database(): Promise<HealthIndicatorResult<'database'>> {
    const check = this.indicators.check('database');
    try {
      await withTimeout(this.db.query('SELECT 1'));
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  /** `job_queue`: up when pg-boss reads its schema version in time and it is the one this pg-boss expects. */
  async jobQueue(): Promise<HealthIndicatorResult<'job_queue'>> {
    const check = this.indicators.check('job_queue');
    try {
      const { installed, expected } = await withTimeout(this.jobs.schemaVersion());
      if (installed !== expected) return check.down({ message: `job queue schema version ${installed}, expected ${expected}`, schema_version: installed });
      return check.up({ schema_version: installed });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
