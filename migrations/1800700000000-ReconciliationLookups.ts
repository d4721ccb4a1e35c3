import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lookups by which an invoice's reconciliation reads only the CDRs and earlier invoice lines a page of lines can reach
 * (issue 17), instead of every CDR of the CPO: a CPO's CDRs by id, session id, authorization reference and the id a
 * credit CDR credits, each lower-cased (invoice matching compares OCPI ids case-insensitively), per connection; invoice
 * lines by Location and start (lines matched by Location, start and energy).
 *
 * Not partial where a page looks hundreds of keys up at once (`= ANY`): PostgreSQL keeps statistics of an index's
 * expression only for an index over the whole table, and without them it guesses that 500 session ids match most of
 * the table and reads all of it. For the same reason the lower-cased invoice line references (1799200000000, partial)
 * become whole-table indexes under the same names.
 * Runs on PostgreSQL 15+ and PGlite.
 */
export class ReconciliationLookups1800700000000 implements MigrationInterface {
  name = 'ReconciliationLookups1800700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX cdr_connection_ocpi_id_lower_idx ON cdr (connection_id, lower(ocpi_id))`);
    await q.query(`CREATE INDEX cdr_connection_session_id_lower_idx ON cdr (connection_id, lower(mapped->>'session_id'))`);
    await q.query(`CREATE INDEX cdr_connection_authorization_reference_lower_idx ON cdr (connection_id, lower(mapped->>'authorization_reference'))`);
    // Credits are few: a partial index stays small.
    await q.query(`CREATE INDEX cdr_connection_credit_reference_lower_idx ON cdr (connection_id, lower(mapped->>'credit_reference_id')) WHERE credit`);
    for (const [index, column] of [
      ['invoice_line_cdr_ref_idx', 'cdr_ref'],
      ['invoice_line_session_ref_idx', 'session_ref'],
      ['invoice_line_authorization_reference_idx', 'authorization_reference'],
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
      await q.query(`CREATE INDEX ${index} ON invoice_line (lower(${column}))`);
    }
    await q.query(
      `CREATE INDEX invoice_line_location_start_idx ON invoice_line (location_id, start_date_time)
       WHERE location_id IS NOT NULL AND start_date_time IS NOT NULL AND energy_kwh IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [index, column] of [
      ['invoice_line_cdr_ref_idx', 'cdr_ref'],
      ['invoice_line_session_ref_idx', 'session_ref'],
      ['invoice_line_authorization_reference_idx', 'authorization_reference'],
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
      await q.query(`CREATE INDEX ${index} ON invoice_line (lower(${column})) WHERE ${column} IS NOT NULL`);
    }
    for (const index of [
      'invoice_line_location_start_idx',
      'cdr_connection_credit_reference_lower_idx',
      'cdr_connection_authorization_reference_lower_idx',
      'cdr_connection_session_id_lower_idx',
      'cdr_connection_ocpi_id_lower_idx',
    ])
      await q.query(`DROP INDEX IF EXISTS ${index}`);
  }
}
