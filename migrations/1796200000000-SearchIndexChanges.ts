import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the in-memory search index (src/locations/search/index/) follows, so every instance sees every other
 * instance's writes without asking the database on each search.
 *
 * - location_change: one row per Location whose row, EVSEs or Connectors changed, with the id of the transaction
 *   that changed it last (xid8, pg_current_xact_id()). Kept by statement-level triggers with transition tables, so a
 *   pull page of hundreds of Locations costs one extra upsert per statement, not one per row.
 * - tariff_version.changed_xid: the transaction that added a version (versions are only ever inserted).
 *
 * Why transaction ids rather than a sequence or a timestamp: a sequence number (or clock) is taken when a row is
 * written but becomes visible only at commit, so a reader that remembers "the highest number seen" misses a slow
 * transaction that took a lower number and commits later. The index remembers instead the xmin of its last
 * snapshot (every transaction below it had finished) and next time reads the rows whose changed_xid >= that xmin:
 * a transaction still open then has an xid >= xmin, so its rows are read once it commits.
 * Runs on PostgreSQL 15+ and PGlite (plpgsql, xid8).
 */
export class SearchIndexChanges1796200000000 implements MigrationInterface {
  name = 'SearchIndexChanges1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE location_change (
        location_id uuid PRIMARY KEY,
        changed_xid xid8 NOT NULL
      )`);
    await q.query(`CREATE INDEX location_change_xid_idx ON location_change (changed_xid)`);
    await q.query(`ALTER TABLE tariff_version ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await q.query(`CREATE INDEX tariff_version_changed_xid_idx ON tariff_version (changed_xid)`);
    // One function per table: a transition table is named in the trigger, its columns differ per table.
    const noteSql: Record<string, string> = {
      location: `SELECT DISTINCT id FROM changed`,
      evse: `SELECT DISTINCT location_id FROM changed`,
      // A connector deleted with its EVSE finds no EVSE here; the EVSE's own trigger notes that Location.
      connector: `SELECT DISTINCT e.location_id FROM changed c JOIN evse e ON e.id = c.evse_id`,
    };
    for (const [table, select] of Object.entries(noteSql)) {
      await q.query(`
        CREATE FUNCTION search_note_${table}_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO location_change (location_id, changed_xid)
          SELECT x.id, pg_current_xact_id() FROM (${select}) AS x(id)
          ON CONFLICT (location_id) DO UPDATE SET changed_xid = EXCLUDED.changed_xid;
          RETURN NULL;
        END $$`);
      // A trigger with transition tables fires for one event only: one per event.
      for (const [event, transition] of [
        ['INSERT', 'NEW'],
        ['UPDATE', 'NEW'],
        ['DELETE', 'OLD'],
      ]) {
        await q.query(`
          CREATE TRIGGER search_note_${table}_${event.toLowerCase()} AFTER ${event} ON ${table}
          REFERENCING ${transition} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_note_${table}_change()`);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['location', 'evse', 'connector']) {
      for (const event of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER IF EXISTS search_note_${table}_${event} ON ${table}`);
      await q.query(`DROP FUNCTION IF EXISTS search_note_${table}_change()`);
    }
    await q.query(`ALTER TABLE tariff_version DROP COLUMN IF EXISTS changed_xid`);
    await q.query(`DROP TABLE IF EXISTS location_change`);
  }
}
