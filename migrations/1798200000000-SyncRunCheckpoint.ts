import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resumable pulls (issue 15): `sync_run.checkpoint` is where the run's crawl stands after its last page taken (jsonb:
 * next page URL, X-Total-Count seen, the crawl's date_from, catch-up or not; null: no page taken yet), written in the
 * page's own transaction. `takeovers` counts how often another instance took the run over after its holder died
 * (its lease expired), `resumed_at` when it last did. Existing runs have no checkpoint and were never taken over.
 */
export class SyncRunCheckpoint1798200000000 implements MigrationInterface {
  name = 'SyncRunCheckpoint1798200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run ADD COLUMN checkpoint jsonb, ADD COLUMN takeovers integer NOT NULL DEFAULT 0, ADD COLUMN resumed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run DROP COLUMN checkpoint, DROP COLUMN takeovers, DROP COLUMN resumed_at`);
  }
}
