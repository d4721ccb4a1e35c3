import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs still RUNNING, found quickly: every instance looks for those whose instance died (their lease expired) every
 * SYNC_LEASE_SWEEP_SECONDS, and sync_run keeps every pull ever made. Partial: at any time only a handful are running.
 */
export class SyncRunRunningIndex1797100000000 implements MigrationInterface {
  name = 'SyncRunRunningIndex1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX sync_run_running_idx ON sync_run (connection_id, module) WHERE status = 'RUNNING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS sync_run_running_idx`);
  }
}
