import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Objects a CPO stops listing are marked, never deleted (issue 15, "Objects a CPO stops listing"):
 * - location.absent_since, tariff.absent_since: set at the end of a complete full pull (no date_from, every page read,
 *   the run SUCCEEDED) for the connection's rows that pull did not list; cleared when the object is listed (pulled)
 *   or sent (pushed) again.
 * - evse.absent_since: set when a Location we store no longer lists the EVSE (an EVSE used to be deleted then);
 *   cleared when it is listed again.
 * - sync_run_seen: the keys a full pull listed, page by page (one narrow row per object: unchanged Locations and
 *   Tariffs are not rewritten, so their rows cannot say they were seen without a write each); emptied when the run
 *   ends, and with the run.
 */
export class AbsentMarks1797800000000 implements MigrationInterface {
  name = 'AbsentMarks1797800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE location ADD COLUMN absent_since timestamptz`);
    await q.query(`ALTER TABLE evse ADD COLUMN absent_since timestamptz`);
    await q.query(`ALTER TABLE tariff ADD COLUMN absent_since timestamptz`);
    // Operations count the marked rows per connection: the partial indexes hold only those.
    await q.query(`CREATE INDEX location_absent_idx ON location (connection_id) WHERE absent_since IS NOT NULL`);
    await q.query(`CREATE INDEX tariff_absent_idx ON tariff (connection_id) WHERE absent_since IS NOT NULL`);
    await q.query(`CREATE INDEX evse_absent_idx ON evse (location_id) WHERE absent_since IS NOT NULL`);
    await q.query(`
      CREATE TABLE sync_run_seen (
        run_id       uuid NOT NULL REFERENCES sync_run(id) ON DELETE CASCADE,
        country_code text NOT NULL,
        party_id     text NOT NULL,
        ocpi_id      text NOT NULL,
        PRIMARY KEY (run_id, country_code, party_id, ocpi_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS sync_run_seen`);
    await q.query(`DROP INDEX IF EXISTS location_absent_idx`);
    await q.query(`DROP INDEX IF EXISTS tariff_absent_idx`);
    await q.query(`DROP INDEX IF EXISTS evse_absent_idx`);
    await q.query(`ALTER TABLE location DROP COLUMN absent_since`);
    await q.query(`ALTER TABLE evse DROP COLUMN absent_since`);
    await q.query(`ALTER TABLE tariff DROP COLUMN absent_since`);
  }
}
