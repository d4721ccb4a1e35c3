import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A pull of an explicit window, asked for by operations to read a period again: `sync_run.date_to` (the date_to sent
 * to the CPO; null: none) and `sync_run.window_requested` (such a run never moves the connection's incremental
 * starting point, and never marks objects absent). Existing runs asked for no window.
 */
export class SyncRunWindow1797900000000 implements MigrationInterface {
  name = 'SyncRunWindow1797900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run ADD COLUMN date_to timestamptz, ADD COLUMN window_requested boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run DROP COLUMN date_to, DROP COLUMN window_requested`);
  }
}
