import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each module of a connection has a pull schedule next to its mode: `interval_minutes`, the interval operations chose
 * (null: the default from SYNC_INTERVAL_MINUTES; 0: off, never pulled by the schedule), and `last_scheduled_at`, when
 * the schedule last sent a pull of it (null: never; the next is due from it). Existing rows keep the defaults.
 */
export class ModuleSchedules1798000000000 implements MigrationInterface {
  name = 'ModuleSchedules1798000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE connection_module_mode
         ADD COLUMN interval_minutes integer CHECK (interval_minutes >= 0),
         ADD COLUMN last_scheduled_at timestamptz`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connection_module_mode DROP COLUMN interval_minutes, DROP COLUMN last_scheduled_at`);
  }
}
