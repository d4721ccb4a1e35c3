import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `sync_run.pages_reread`: pages a pull read again because the CPO's list moved under the crawl (an offset re-read
 * after X-Total-Count dropped, and the catch-up pages after the list grew or shifted; see SyncService). Existing
 * runs read none.
 */
export class SyncRunPagesReread1797700000000 implements MigrationInterface {
  name = 'SyncRunPagesReread1797700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run ADD COLUMN pages_reread integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run DROP COLUMN pages_reread`);
  }
}
