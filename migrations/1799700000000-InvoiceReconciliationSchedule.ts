import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled pulls of a 2.3.0 CPO's InvoiceReconciliationRecords (mod_invoice_reconciliation §Sender Interface), one
 * row per connection once operations set it or the schedule first pulls it (no row: the defaults):
 * - mode: PULL, RECEIVE or BOTH as for the other modules (null: BOTH; a CPO listing no Sender interface is then SKIPPED);
 * - interval_minutes: between scheduled pulls, 0 off (null: the default);
 * - last_scheduled_at: when the schedule last claimed a pull (the claim compares it, so one instance claims each);
 * - leased_until: a claimed pull holds the connection until then (an instance that died frees it by this expiry);
 * - pulled_to: the checkpoint, the date_to of the last successful pull (the next asks from there, minus a margin);
 * - last_pull_*: what the last scheduled pull did, for operations.
 * A table of its own rather than connection_module_mode (whose module CHECK lists the modules the sync crawls).
 */
export class InvoiceReconciliationSchedule1799700000000 implements MigrationInterface {
  name = 'InvoiceReconciliationSchedule1799700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invoice_reconciliation_schedule (
        connection_id      uuid PRIMARY KEY REFERENCES cpo_connection(id) ON DELETE CASCADE,
        mode               text CHECK (mode IN ('PULL', 'RECEIVE', 'BOTH')),
        interval_minutes   integer CHECK (interval_minutes BETWEEN 0 AND 1440),
        last_scheduled_at  timestamptz,
        leased_until       timestamptz,
        pulled_to          timestamptz,
        last_pull_at       timestamptz,
        last_pull_status   text CHECK (last_pull_status IN ('SUCCEEDED', 'FAILED', 'SKIPPED')),
        last_pull_outcome  jsonb,
        last_pull_error    text,
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS invoice_reconciliation_schedule`);
  }
}
