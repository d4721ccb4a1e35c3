import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Graceful hand-over of pulls in flight (issue 15): an instance that stops (SIGTERM) leaves each run it was pulling
 * RUNNING at its checkpoint, releases the lease and says so on the run: `handovers` counts how often that happened,
 * `handed_over_at` when it last did. The instance that resumes it does not count it as a takeover (`takeovers` counts
 * only instances that died, the poison-page guard). Existing runs were never handed over.
 */
export class SyncRunHandovers1800000000000 implements MigrationInterface {
  name = 'SyncRunHandovers1800000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run ADD COLUMN handovers integer NOT NULL DEFAULT 0, ADD COLUMN handed_over_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run DROP COLUMN handovers, DROP COLUMN handed_over_at`);
  }
}
