import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commands we send to CPOs and Token changes we push to them.
 * - command: one per command the app asked for (mod_commands §Receiver Interface); `id` is the last segment of the
 *   response_url we give, so the CommandResult posted there finds it; only the connection it was sent to may post it.
 *   `response*` is the CPO's immediate CommandResponse, `result*` the CommandResult (or our TIMEOUT).
 * - session gets an index on the authorization_reference a Session carries (2.2+), by which a START_SESSION finds the
 *   Session it started, late or not.
 * - token_push: per (connection, Token) the change not yet delivered to the CPO's Tokens Receiver (pending_seq: the
 *   Token's change number; null: nothing waits) and the last one delivered; lease_until keeps two attempts apart.
 */
export class CommandsAndTokenPushes1798700000000 implements MigrationInterface {
  name = 'CommandsAndTokenPushes1798700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE command (
      id uuid PRIMARY KEY,
      connection_id uuid NOT NULL REFERENCES cpo_connection (id) ON DELETE CASCADE,
      ocpi_version text NOT NULL,
      command text NOT NULL CHECK (command IN ('CANCEL_RESERVATION', 'RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR')),
      request jsonb NOT NULL,
      token_uid varchar(36),
      token_type text,
      authorization_reference varchar(36),
      session_id varchar(36),
      state text NOT NULL,
      error text,
      response text,
      response_timeout integer,
      response_message jsonb,
      responded_at timestamptz,
      deadline_at timestamptz,
      result text,
      result_message jsonb,
      result_at timestamptz,
      timed_out_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX command_connection_idx ON command (connection_id, created_at DESC)`);
    await q.query(`CREATE UNIQUE INDEX command_authorization_reference ON command (authorization_reference) WHERE authorization_reference IS NOT NULL`);
    await q.query(`CREATE INDEX session_authorization_reference_idx ON session ((mapped->>'authorization_reference')) WHERE mapped->>'authorization_reference' IS NOT NULL`);
    await q.query(`CREATE TABLE token_push (
      connection_id uuid NOT NULL REFERENCES cpo_connection (id) ON DELETE CASCADE,
      token_type text NOT NULL,
      token_uid_lower varchar(36) NOT NULL,
      token_uid varchar(36) NOT NULL,
      pending_seq bigint,
      pending_kind text CHECK (pending_kind IN ('PUT', 'PATCH')),
      pending_since timestamptz,
      delivered_seq bigint,
      delivered_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_attempt_at timestamptz,
      last_error text,
      lease_until timestamptz,
      PRIMARY KEY (connection_id, token_type, token_uid_lower)
    )`);
    await q.query(`CREATE INDEX token_push_pending_idx ON token_push (connection_id, pending_since) WHERE pending_seq IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE token_push`);
    await q.query(`DROP INDEX session_authorization_reference_idx`);
    await q.query(`DROP TABLE command`);
  }
}
