import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A Hub's ClientInfo list on a schedule of its own (issue 15): `hubclientinfo` becomes a module with a mode and an
 * interval in connection_module_mode, pulled as a sync run like the others (until now it was pulled before every sync
 * of a Hub). Existing connections get its default mode as the service derives it (BOTH when the Hub lists a
 * hubclientinfo SENDER interface, else RECEIVE; 2.1.1 has no such module), as 1797200000000 did for the others.
 */
export class HubClientInfoSchedule1800000000001 implements MigrationInterface {
  name = 'HubClientInfoSchedule1800000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connection_module_mode DROP CONSTRAINT connection_module_mode_module_check,
      ADD CONSTRAINT connection_module_mode_module_check CHECK (module IN ('locations', 'tariffs', 'sessions', 'cdrs', 'hubclientinfo'))`);
    await q.query(`INSERT INTO connection_module_mode (connection_id, module, mode, chosen_by)
      SELECT c.id, 'hubclientinfo',
        CASE WHEN c.ocpi_version <> '2.1.1' AND EXISTS (
          SELECT 1 FROM jsonb_array_elements(c.their_endpoints) e WHERE e->>'identifier' = 'hubclientinfo' AND e->>'role' = 'SENDER'
        ) THEN 'BOTH' ELSE 'RECEIVE' END,
        'DEFAULT'
      FROM cpo_connection c
      WHERE c.ocpi_version IS NOT NULL
      ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM connection_module_mode WHERE module = 'hubclientinfo'`);
    await q.query(`ALTER TABLE connection_module_mode DROP CONSTRAINT connection_module_mode_module_check,
      ADD CONSTRAINT connection_module_mode_module_check CHECK (module IN ('locations', 'tariffs', 'sessions', 'cdrs'))`);
  }
}
