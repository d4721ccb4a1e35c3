import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two job queues of the scheduled InvoiceReconciliation record pulls (src/invoice-reconciliation/record-pull.scheduler.ts),
 * created with the schema as ServiceJobQueues1799500000000 does for the others: created at the first start instead, they
 * cost that start about half a second of DDL on PGlite, on the demo's path to its first answer. Settings as their
 * definitions give them today (a snapshot: JobQueue brings a stored queue up to date at its first use).
 */
const QUEUES: ReadonlyArray<{ name: string; policy: string; retryLimit: number; retryDelay: number; retryBackoff: boolean; expireInSeconds: number }> = [
  { name: 'invoice-reconciliation-due-check', policy: 'short', retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 120 },
  { name: 'invoice-reconciliation-pull', policy: 'short', retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 3600 },
];

export class InvoiceReconciliationJobQueues1800100000000 implements MigrationInterface {
  name = 'InvoiceReconciliationJobQueues1800100000000';

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
