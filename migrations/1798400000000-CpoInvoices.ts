import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CPO invoices brought in by finance (issue 17):
 * - invoice_mapping: per CPO connection, how its invoice CSV reads (column names per field, delimiter, decimal comma
 *   or point, one line per CDR or per session, default currency), as JSON, one row per connection.
 * - invoice: one imported file per row (superseded_by without a foreign key: it is set just before the row it names is inserted), keyed by connection and the hash of its content (re-importing the same file
 *   finds the row, changes nothing). A corrected invoice (same invoice_number, other content) is a new row that
 *   supersedes the previous one: superseded_by is set on the old row, which is kept (history).
 * - invoice_line: the lines read, amounts as exact numerics; lines skipped on request are kept in invoice.skipped.
 */
export class CpoInvoices1798400000000 implements MigrationInterface {
  name = 'CpoInvoices1798400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invoice_mapping (
        connection_id  uuid PRIMARY KEY REFERENCES cpo_connection(id) ON DELETE CASCADE,
        mapping        jsonb NOT NULL,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE invoice (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id   uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        invoice_number  text NOT NULL,
        file_name       text,
        content_hash    text NOT NULL,
        period_from     timestamptz NOT NULL,
        period_to       timestamptz NOT NULL,
        mapping         jsonb NOT NULL,
        skipped         jsonb NOT NULL DEFAULT '[]'::jsonb,
        line_count      integer NOT NULL,
        supersedes      uuid REFERENCES invoice(id),
        superseded_by   uuid,
        imported_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connection_id, content_hash)
      )`);
    // At most one current (not superseded) invoice per number and CPO.
    await q.query(`CREATE UNIQUE INDEX invoice_current_idx ON invoice (connection_id, invoice_number) WHERE superseded_by IS NULL`);
    await q.query(`
      CREATE TABLE invoice_line (
        invoice_id               uuid NOT NULL REFERENCES invoice(id) ON DELETE CASCADE,
        line_no                  integer NOT NULL,
        cdr_ref                  text,
        session_ref              text,
        authorization_reference  text,
        location_id              text,
        start_date_time          timestamptz,
        energy_kwh               numeric,
        time_hours               numeric,
        parking_hours            numeric,
        amount_excl_vat          numeric,
        amount_incl_vat          numeric,
        vat_rate                 numeric,
        currency                 text NOT NULL,
        raw                      jsonb NOT NULL,
        PRIMARY KEY (invoice_id, line_no)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS invoice_line`);
    await q.query(`DROP TABLE IF EXISTS invoice`);
    await q.query(`DROP TABLE IF EXISTS invoice_mapping`);
  }
}
