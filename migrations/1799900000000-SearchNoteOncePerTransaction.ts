import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * location_change (migration 1796200000000) is written by three statement-level triggers, on location, evse and
 * connector. A pull's page writes the three tables in one transaction, so the same Locations were upserted into
 * location_change three times with the same transaction id: two of the three rewrote rows that already said so (a new
 * row version and two index entries each, and as many dead rows for autovacuum). Now a row that already carries this
 * transaction's id is left alone. What location_change says after the transaction is the same.
 */
export class SearchNoteOncePerTransaction1799900000000 implements MigrationInterface {
  name = 'SearchNoteOncePerTransaction1799900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, select] of Object.entries(NOTE_SQL)) await q.query(noteFunction(table, select, true));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, select] of Object.entries(NOTE_SQL)) await q.query(noteFunction(table, select, false));
  }
}

/** The Locations a statement touched, per table, from its transition table `changed` (as in 1796200000000). */
const NOTE_SQL: Record<string, string> = {
  location: `SELECT DISTINCT id FROM changed`,
  evse: `SELECT DISTINCT location_id FROM changed`,
  connector: `SELECT DISTINCT e.location_id FROM changed c JOIN evse e ON e.id = c.evse_id`,
};

function noteFunction(table: string, select: string, oncePerTransaction: boolean): string {
  return `
    CREATE OR REPLACE FUNCTION search_note_${table}_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO location_change (location_id, changed_xid)
      SELECT x.id, pg_current_xact_id() FROM (${select}) AS x(id)
      ON CONFLICT (location_id) DO UPDATE SET changed_xid = EXCLUDED.changed_xid${
        oncePerTransaction
          ? `
      WHERE location_change.changed_xid <> EXCLUDED.changed_xid`
          : ''
      };
      RETURN NULL;
    END $$`;
}
