import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * cpo_connection.changed_xid: the transaction that last wrote the connection or one of its parts (its parties in
 * connection_party, its modes in connection_module_mode), set by triggers so that every writer, whatever its path (repository, raw SQL), is covered. Each instance's in-memory
 * directory of connections (ConnectionCache, which the OCPI auth guard reads) re-reads the connections whose
 * changed_xid is at or past the xmin of its previous poll's snapshot: every write committed since is among them, in
 * whatever order the writers commit (the same watermark as the search index's location_change).
 */
/** The tables holding parts of a connection, each with its connection_id. */
const PARTS = ['connection_party', 'connection_module_mode'];

export class ConnectionChanges1798800000000 implements MigrationInterface {
  name = 'ConnectionChanges1798800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cpo_connection ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await q.query(`
      CREATE FUNCTION cpo_connection_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.changed_xid := pg_current_xact_id();
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER cpo_connection_note_change BEFORE INSERT OR UPDATE ON cpo_connection FOR EACH ROW EXECUTE FUNCTION cpo_connection_note_change()`);
    // A party or mode added, changed or removed changes what its connection may send: the connection row is touched
    // (which sets its changed_xid through the trigger above).
    await q.query(`
      CREATE FUNCTION connection_part_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          UPDATE cpo_connection SET changed_xid = pg_current_xact_id() WHERE id = OLD.connection_id;
        END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.connection_id IS DISTINCT FROM OLD.connection_id) THEN
          UPDATE cpo_connection SET changed_xid = pg_current_xact_id() WHERE id = NEW.connection_id;
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of PARTS) {
      await q.query(`CREATE TRIGGER ${table}_note_change AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION connection_part_note_change()`);
    }
    await q.query(`CREATE INDEX cpo_connection_changed_xid ON cpo_connection (changed_xid)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of PARTS) await q.query(`DROP TRIGGER IF EXISTS ${table}_note_change ON ${table}`);
    await q.query(`DROP FUNCTION IF EXISTS connection_part_note_change()`);
    await q.query(`DROP TRIGGER IF EXISTS cpo_connection_note_change ON cpo_connection`);
    await q.query(`DROP FUNCTION IF EXISTS cpo_connection_note_change()`);
    await q.query(`DROP INDEX IF EXISTS cpo_connection_changed_xid`);
    await q.query(`ALTER TABLE cpo_connection DROP COLUMN IF EXISTS changed_xid`);
  }
}
