import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credentials in both directions and for every OCPI version (credentials §Registration, §PUT, §DELETE;
 * transport_and_format §Authorization header):
 * - INVITED connections: operations created a token A for a CPO that will register itself (CPO-initiated);
 *   their versions URL is only known once the CPO POSTs its credentials, and token A may expire;
 * - a pending token of ours, accepted while we PUT new credentials to a CPO (it calls our versions with it);
 * - who started the handshake, when the connection was unregistered;
 * - the token encoding a CPO accepts from us when it is not the one its version prescribes, and every
 *   observation of a CPO bending the Authorization header encoding, per direction and version.
 */
export class CredentialsBothWays1765000000000 implements MigrationInterface {
  name = 'CredentialsBothWays1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cpo_connection DROP CONSTRAINT cpo_connection_status_check`);
    await q.query(`ALTER TABLE cpo_connection ADD CONSTRAINT cpo_connection_status_check
      CHECK (status IN ('INVITED', 'PENDING', 'REGISTERED', 'FAILED', 'UNREGISTERED'))`);
    await q.query(`ALTER TABLE cpo_connection ALTER COLUMN their_versions_url DROP NOT NULL`);
    await q.query(`ALTER TABLE cpo_connection
      ADD COLUMN initiated_by text NOT NULL DEFAULT 'EMSP' CHECK (initiated_by IN ('EMSP', 'CPO')),
      ADD COLUMN our_pending_token_hash text UNIQUE,
      ADD COLUMN our_token_expires_at timestamptz,
      ADD COLUMN their_token_encoding text CHECK (their_token_encoding IN ('base64', 'plain')),
      ADD COLUMN unregistered_at timestamptz`);
    await q.query(`
      CREATE TABLE connection_auth_observation (
        connection_id uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        direction     text NOT NULL CHECK (direction IN ('THEY_SEND', 'THEY_ACCEPT')),
        ocpi_version  text NOT NULL,
        encoding      text NOT NULL CHECK (encoding IN ('base64', 'plain')),
        count         integer NOT NULL DEFAULT 1,
        first_seen    timestamptz NOT NULL DEFAULT now(),
        last_seen     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, direction, ocpi_version, encoding)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS connection_auth_observation`);
    await q.query(`DELETE FROM cpo_connection WHERE status = 'INVITED'`);
    await q.query(`ALTER TABLE cpo_connection DROP COLUMN initiated_by, DROP COLUMN our_pending_token_hash,
      DROP COLUMN our_token_expires_at, DROP COLUMN their_token_encoding, DROP COLUMN unregistered_at`);
    await q.query(`ALTER TABLE cpo_connection ALTER COLUMN their_versions_url SET NOT NULL`);
    await q.query(`ALTER TABLE cpo_connection DROP CONSTRAINT cpo_connection_status_check`);
    await q.query(`ALTER TABLE cpo_connection ADD CONSTRAINT cpo_connection_status_check
      CHECK (status IN ('PENDING', 'REGISTERED', 'FAILED', 'UNREGISTERED'))`);
  }
}
