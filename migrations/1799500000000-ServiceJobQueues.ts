import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service's own job queues, created with the schema rather than by the first start: pg-boss's create_queue adds a
 * partition with DDL, about 0.1–0.3 s a queue on a quiet machine, and the start-up hooks create theirs one after
 * the other, on the path to the first answer (issue 15). Settings as their definitions in src/ give them today
 * (a snapshot, like every migration): when a definition changes, JobQueue brings the stored queue up to date at its
 * first use (updateQueue), and a queue added later is still created at its first use. Keys as JobQueue.createQueue
 * passes them to create_queue.
 */
const QUEUES: ReadonlyArray<{ name: string; policy: string; retryLimit: number; retryDelay: number; retryBackoff: boolean; expireInSeconds: number }> = [
  { name: 'token-push', policy: 'short', retryLimit: 25, retryDelay: 1, retryBackoff: true, expireInSeconds: 120 },
  { name: 'call-log-retention', policy: 'short', retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 1800 },
  { name: 'heal-gap', policy: 'short', retryLimit: 4, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 },
  { name: 'pull-due-check', policy: 'short', retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 120 },
  { name: 'pull', policy: 'short', retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 23 * 3600 },
  { name: 'close-abandoned-runs', policy: 'short', retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 120 },
  { name: 'command-timeout', policy: 'standard', retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
];

export class ServiceJobQueues1799500000000 implements MigrationInterface {
  name = 'ServiceJobQueues1799500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const { name, ...options } of QUEUES) {
      // A queue an instance already created (a database older than this migration) is left as it is.
      await q.query(`SELECT pgboss.create_queue($1, $2::json) WHERE NOT EXISTS (SELECT 1 FROM pgboss.queue WHERE name = $1)`, [name, JSON.stringify(options)]);
    }
  }

  async down(): Promise<void> {
    // Nothing: the queues may hold jobs by now, and the service creates a missing queue at its first use anyway.
  }
}
