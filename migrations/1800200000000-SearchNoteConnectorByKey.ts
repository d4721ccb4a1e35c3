import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statement-level trigger on connector (search_note_connector_change, migrations 1796200000000 and
 * 1799900000000) finds the Location of each changed Connector through its EVSE. It joined the transition table with
 * evse, and PL/pgSQL keeps the plan it made while evse was small: a hash join over a scan of every EVSE, once per
 * statement, so a pull's page cost more the more EVSEs were held (at 35,000 EVSEs, 46 ms of a 71 ms Connector upsert).
 * Now each changed Connector's EVSE is looked up by its primary key: a probe per Connector, whatever the table's size.
 * What location_change says is the same (a Connector whose EVSE is gone notes nothing, as the join noted nothing).
 */
export class SearchNoteConnectorByKey1800200000000 implements MigrationInterface {
  name = 'SearchNoteConnectorByKey1800200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(connectorNote(`SELECT DISTINCT (SELECT e.location_id FROM evse e WHERE e.id = c.evse_id) FROM changed c`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(connectorNote(`SELECT DISTINCT e.location_id FROM changed c JOIN evse e ON e.id = c.evse_id`));
  }
}

/** The connector trigger's function noting the Locations of `select` (ids; a null one is skipped). */
function connectorNote(select: string): string {
  return `
    CREATE OR REPLACE FUNCTION search_note_connector_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO location_change (location_id, changed_xid)
      SELECT x.id, pg_current_xact_id() FROM (${select}) AS x(id) WHERE x.id IS NOT NULL
      ON CONFLICT (location_id) DO UPDATE SET changed_xid = EXCLUDED.changed_xid
      WHERE location_change.changed_xid <> EXCLUDED.changed_xid;
      RETURN NULL;
    END $$`;
}
