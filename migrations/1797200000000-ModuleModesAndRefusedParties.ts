import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per connection and module (locations, tariffs, sessions, cdrs), whether we pull it from the CPO's Sender interface,
 * receive it on our Receiver interface, or both (connection_module_mode), and the parties a CPO claimed in its
 * credentials roles that we refused (cpo_connection.refused_parties: our own party, or one of another live connection;
 * credentials 2.2.1 §CredentialsRole).
 *
 * Existing connections get the default modes from the endpoints they listed: a Sender interface (2.1.1: the module's
 * endpoint, which has no role; 2.2.1 and later: role SENDER) → BOTH, none → RECEIVE; the service writes them the same
 * way (connections/module-modes.ts) from then on.
 */
export class ModuleModesAndRefusedParties1797200000000 implements MigrationInterface {
  name = 'ModuleModesAndRefusedParties1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE connection_module_mode (
      connection_id uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
      module text NOT NULL CHECK (module IN ('locations', 'tariffs', 'sessions', 'cdrs')),
      mode text NOT NULL CHECK (mode IN ('PULL', 'RECEIVE', 'BOTH')),
      chosen_by text NOT NULL CHECK (chosen_by IN ('DEFAULT', 'OPERATOR')),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (connection_id, module))`);
    await q.query(`INSERT INTO connection_module_mode (connection_id, module, mode, chosen_by)
      SELECT c.id, m.module,
        CASE WHEN EXISTS (
          SELECT 1 FROM jsonb_array_elements(c.their_endpoints) e
          WHERE e->>'identifier' = m.module AND (c.ocpi_version = '2.1.1' OR e->>'role' = 'SENDER')
        ) THEN 'BOTH' ELSE 'RECEIVE' END,
        'DEFAULT'
      FROM cpo_connection c CROSS JOIN (VALUES ('locations'), ('tariffs'), ('sessions'), ('cdrs')) AS m(module)
      WHERE c.ocpi_version IS NOT NULL`);
    await q.query(`ALTER TABLE cpo_connection ADD COLUMN refused_parties jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cpo_connection DROP COLUMN refused_parties`);
    await q.query(`DROP TABLE connection_module_mode`);
  }
}
