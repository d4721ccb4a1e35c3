import { MigrationInterface, QueryRunner } from 'typeorm';
import PgBoss from 'pg-boss';

/** The job queue's own schema; the same name as JOB_QUEUE_SCHEMA in src/jobs (a migration imports nothing of src/). */
const SCHEMA = 'pgboss';

/**
 * The durable job queue's tables (pg-boss, in its own schema `pgboss`), installed with ours: one instance at a time
 * under the migration lock, in the migrations' one transaction, and part of the migrated template the tests copy (so
 * a service start finds them and creates nothing). The SQL is pg-boss's own construction plan for the installed
 * version; it comes wrapped in BEGIN / COMMIT (pg-boss runs it on its own), which are left out here because this
 * migration already runs inside a transaction. After an upgrade of pg-boss, pg-boss migrates its schema itself when
 * it starts (JobQueue: `migrate: true`; its migrations take a transaction-scoped advisory lock and tolerate two
 * instances starting together).
 */
export class JobQueue1797600000000 implements MigrationInterface {
  name = 'JobQueue1797600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(withoutOwnTransaction(PgBoss.getConstructionPlans(SCHEMA)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  }
}

/** pg-boss's plan without its leading BEGIN and trailing COMMIT. @throws Error when the plan is not shaped so. */
function withoutOwnTransaction(plan: string): string {
  const body = plan.trim();
  if (!body.startsWith('BEGIN;') || !body.endsWith('COMMIT;')) throw new Error('pg-boss construction plan is not wrapped in BEGIN; … COMMIT; as expected');
  return body.slice('BEGIN;'.length, -'COMMIT;'.length);
}
