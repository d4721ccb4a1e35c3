import { DynamicModule, Module } from '@nestjs/common';
import { JOB_QUEUE_DATABASE_URL, JOB_QUEUE_START, JobQueue, JobQueueStart } from './job-queue';

/**
 * The durable job queue (JobQueue), global: every domain sends jobs to it or works a queue of its own. Given the service's
 * database URL by the composition root (the same PostgreSQL as TypeORM's, real or embedded), or the promise of it while
 * an embedded database starts; and, should some queues be worked only later (the demo's), when (JobQueueStart).
 */
@Module({})
export class JobQueueModule {
  static forRoot(databaseUrl: string | Promise<string>, start: JobQueueStart | null = null): DynamicModule {
    return {
      module: JobQueueModule,
      global: true,
      providers: [{ provide: JOB_QUEUE_DATABASE_URL, useFactory: () => databaseUrl }, { provide: JOB_QUEUE_START, useValue: start }, JobQueue],
      exports: [JobQueue],
    };
  }
}
