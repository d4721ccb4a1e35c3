import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A charge's whole story (issue 18): every version of a Session we applied, and the indexes by which each step of the
 * story (session id, CDR id, token uid, authorization reference, command, invoice line) is found by an index scan.
 *
 * - session_event: one row per change the Session store applied (CREATED or UPDATED: a Session received again
 *   unchanged, older, or held through another connection writes none), written by the same statement as the session
 *   row, with the whole raw wire Session as it stood after that change, its source (PULL / PUSH), status, kWh and the
 *   CPO's last_updated. Bounded by the number of changes the CPO made to the Session; deleted with the Session.
 * - Lookups: session by its OCPI id alone (a session id asked without its party) and by token uid case-insensitively
 *   (token uids are compared without case, mod_tokens "uid … case insensitive" in our token store); cdr by its OCPI id,
 *   by the session id and the authorization_reference it names; command by the Session a STOP_SESSION names and by
 *   token uid; invoice lines by each of their references, case-insensitively as invoice matching compares them.
 * Runs on PostgreSQL 15+ and PGlite.
 */
export class ChargeStory1799200000000 implements MigrationInterface {
  name = 'ChargeStory1799200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session_event (
        id             bigserial PRIMARY KEY,
        session_row_id uuid NOT NULL REFERENCES session(id) ON DELETE CASCADE,
        connection_id  uuid,
        source         text NOT NULL CHECK (source IN ('PULL', 'PUSH')),
        change         text NOT NULL CHECK (change IN ('CREATED', 'UPDATED')),
        status         text NOT NULL,
        kwh            numeric NOT NULL,
        last_updated   timestamptz NOT NULL,
        raw            jsonb NOT NULL,
        received_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX session_event_session_idx ON session_event (session_row_id, received_at, id)`);
    await q.query(`CREATE INDEX session_ocpi_id_idx ON session (ocpi_id)`);
    await q.query(`CREATE INDEX session_token_uid_lower_idx ON session (lower(token_uid), start_date_time DESC) WHERE token_uid IS NOT NULL`);
    await q.query(`CREATE INDEX cdr_ocpi_id_idx ON cdr (ocpi_id)`);
    await q.query(`CREATE INDEX cdr_session_ref_idx ON cdr ((mapped->>'session_id')) WHERE mapped->>'session_id' IS NOT NULL`);
    await q.query(`CREATE INDEX cdr_authorization_reference_idx ON cdr ((mapped->>'authorization_reference')) WHERE mapped->>'authorization_reference' IS NOT NULL`);
    await q.query(`CREATE INDEX command_session_idx ON command (session_id) WHERE session_id IS NOT NULL`);
    await q.query(`CREATE INDEX command_token_idx ON command (lower(token_uid), created_at DESC) WHERE token_uid IS NOT NULL`);
    await q.query(`CREATE INDEX invoice_line_cdr_ref_idx ON invoice_line (lower(cdr_ref)) WHERE cdr_ref IS NOT NULL`);
    await q.query(`CREATE INDEX invoice_line_session_ref_idx ON invoice_line (lower(session_ref)) WHERE session_ref IS NOT NULL`);
    await q.query(`CREATE INDEX invoice_line_authorization_reference_idx ON invoice_line (lower(authorization_reference)) WHERE authorization_reference IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'invoice_line_authorization_reference_idx',
      'invoice_line_session_ref_idx',
      'invoice_line_cdr_ref_idx',
      'command_token_idx',
      'command_session_idx',
      'cdr_authorization_reference_idx',
      'cdr_session_ref_idx',
      'cdr_ocpi_id_idx',
      'session_token_uid_lower_idx',
      'session_ocpi_id_idx',
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
    }
    await q.query(`DROP TABLE IF EXISTS session_event`);
  }
}
