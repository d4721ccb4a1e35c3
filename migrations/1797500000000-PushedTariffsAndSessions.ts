import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the Tariffs and Sessions Receiver interfaces need.
 *
 * - tariff.deleted_at: when the CPO DELETEd the Tariff (mod_tariffs 2.2.1 §DELETE Method: "no longer in use and will
 *   not be used in future"). The row stays (never lose data): GET answers 404 for it, a later PUT of the same id
 *   brings it back (deleted_at NULL again).
 * - tariff_version.deleted: a deletion is recorded in the tariff history as one more version, a tombstone, whose
 *   valid_from is the instant of the DELETE and whose tariff / raw repeat the last content. "The version in force at
 *   an instant" is then none from the DELETE on (no price estimate, no list-view price line), while a charge that started
 *   before still finds the version it was priced with (CDR re-pricing, a session's cost). Versions are only ever
 *   inserted, so the search index's refresh (changed_xid) sees a deletion as it sees any new version.
 * - session.raw_patches is dropped: a pushed PATCH is now composed with the held Session into the whole wire Session
 *   (charging_periods added) and stored through the one intake step like a PUT, so `raw` is always the whole Session
 *   as the CPO's changes made it (README, Sessions). No receiver wrote this column before this release.
 */
export class PushedTariffsAndSessions1797500000000 implements MigrationInterface {
  name = 'PushedTariffsAndSessions1797500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tariff ADD COLUMN deleted_at timestamptz`);
    await q.query(`ALTER TABLE tariff_version ADD COLUMN deleted boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE session DROP COLUMN raw_patches`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session ADD COLUMN raw_patches jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`DELETE FROM tariff_version WHERE deleted`);
    await q.query(`ALTER TABLE tariff_version DROP COLUMN deleted`);
    await q.query(`ALTER TABLE tariff DROP COLUMN deleted_at`);
  }
}
