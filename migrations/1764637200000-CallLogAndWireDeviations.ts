import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transport (issue 4): the per-CPO call log of failed OCPI calls in both directions (bodies redacted and
 * truncated, never a token), the daily counts of what CPOs bent and we tolerated (wire_deviation), and the
 * number of such deviations per sync run. Runs on PostgreSQL 15+ and PGlite.
 */
export class CallLogAndWireDeviations1764637200000 implements MigrationInterface {
  name = 'CallLogAndWireDeviations1764637200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ocpi_call_log (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id   uuid REFERENCES cpo_connection(id) ON DELETE CASCADE,
        direction       text NOT NULL CHECK (direction IN ('OUTGOING', 'INCOMING')),
        module          text,
        method          text NOT NULL,
        url             text NOT NULL,
        kind            text NOT NULL,
        http_status     integer,
        ocpi_status     integer,
        duration_ms     integer,
        request_id      text,
        correlation_id  text,
        request_body    text,
        response_body   text,
        explanation     text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ocpi_call_log_connection_idx ON ocpi_call_log (connection_id, created_at DESC)`);
    await q.query(`CREATE INDEX ocpi_call_log_created_idx ON ocpi_call_log (created_at DESC)`);
    await q.query(`
      CREATE TABLE wire_deviation (
        connection_id  uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        day            date NOT NULL,
        module         text NOT NULL,
        kind           text NOT NULL,
        field          text NOT NULL,
        count          integer NOT NULL,
        example        text,
        last_seen_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, day, module, kind, field)
      )`);
    await q.query(`ALTER TABLE sync_run ADD COLUMN deviations integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run DROP COLUMN IF EXISTS deviations`);
    await q.query(`DROP TABLE IF EXISTS wire_deviation`);
    await q.query(`DROP TABLE IF EXISTS ocpi_call_log`);
  }
}
