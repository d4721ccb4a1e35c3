import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Our Tokens (mod_tokens §Token Object; we are the eMSP), which CPOs may see (token_scope, per connection), and every
 * real-time authorization we answered (token_authorization).
 * - token: one per (uid case-insensitive, type) (mod_tokens: "The combination of uid and type should be unique");
 *   change_seq, from token_change_seq, orders every change so each instance's in-memory copy can catch up by reading
 *   the rows past the last one it saw (writers take one advisory lock, so the numbers commit in order).
 * - token_scope: absent = ALL; NONE; or GROUPS (only Tokens whose group_id is listed).
 * - token_authorization: what was asked and answered; authorization_reference links a later Session / CDR to it.
 */
export class Tokens1798300000000 implements MigrationInterface {
  name = 'Tokens1798300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE token_change_seq`);
    await q.query(`CREATE TABLE token (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      uid varchar(36) NOT NULL,
      type text NOT NULL CHECK (type IN ('AD_HOC_USER', 'APP_USER', 'EMAID', 'OTHER', 'RFID')),
      contract_id varchar(36) NOT NULL,
      visual_number varchar(64),
      issuer varchar(64) NOT NULL,
      group_id varchar(36),
      valid boolean NOT NULL,
      whitelist text NOT NULL CHECK (whitelist IN ('ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER')),
      language varchar(2),
      default_profile_type text CHECK (default_profile_type IN ('CHEAP', 'FAST', 'GREEN', 'REGULAR')),
      energy_contract jsonb,
      valid_until timestamptz,
      denial text CHECK (denial IN ('NO_CREDIT', 'NOT_ALLOWED')),
      last_updated timestamptz NOT NULL,
      change_seq bigint NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX token_identity ON token (lower(uid), type)`);
    await q.query(`CREATE UNIQUE INDEX token_change ON token (change_seq)`);
    await q.query(`CREATE INDEX token_last_updated ON token (last_updated, id)`);
    await q.query(`CREATE TABLE token_scope (
      connection_id uuid PRIMARY KEY REFERENCES cpo_connection (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('ALL', 'NONE', 'GROUPS')),
      group_ids text[] NOT NULL DEFAULT '{}',
      change_seq bigint NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE token_authorization (
      id bigserial PRIMARY KEY,
      token_uid varchar(36) NOT NULL,
      token_type text NOT NULL,
      connection_id uuid,
      ocpi_version text NOT NULL,
      location_id varchar(39),
      evse_uids text[],
      connector_ids text[],
      allowed text NOT NULL,
      authorization_reference varchar(36),
      answered_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX token_authorization_reference ON token_authorization (authorization_reference) WHERE authorization_reference IS NOT NULL`);
    await q.query(`CREATE INDEX token_authorization_token ON token_authorization (lower(token_uid), token_type, answered_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE token_authorization`);
    await q.query(`DROP TABLE token_scope`);
    await q.query(`DROP TABLE token`);
    await q.query(`DROP SEQUENCE token_change_seq`);
  }
}
