import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A circuit breaker per CPO connection, shared by every instance (issue 15, "Polite and fair"): one row per connection
 * that ever failed, none while a CPO never failed (read as CLOSED). `probe_until` is the claim of the one instance whose
 * call probes a HALF_OPEN circuit; once it passes (that instance died or hung), another may probe.
 */
export class CpoCircuit1798100000000 implements MigrationInterface {
  name = 'CpoCircuit1798100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cpo_circuit (
        connection_id        uuid PRIMARY KEY REFERENCES cpo_connection(id) ON DELETE CASCADE,
        state                text NOT NULL DEFAULT 'CLOSED' CHECK (state IN ('CLOSED', 'OPEN', 'HALF_OPEN')),
        consecutive_failures integer NOT NULL DEFAULT 0,
        openings             integer NOT NULL DEFAULT 0,
        opened_by            text CHECK (opened_by IN ('FAILURES', 'RETRY_AFTER')),
        opened_at            timestamptz,
        open_until           timestamptz,
        probe_until          timestamptz,
        last_failure         text,
        last_failure_at      timestamptz,
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS cpo_circuit`);
  }
}
