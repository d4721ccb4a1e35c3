import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * InvoiceReconciliationRecords (mod_invoice_reconciliation 2.3.0) a CPO pushed to our Receiver interface or we pulled
 * from its Sender interface: one row per record (its OCPI identity country_code, party_id, id), as sent (raw) and read
 * (invoice_id, cdrs), with how it came (source) and when. A DELETE ("the record itself was an error") marks it
 * deleted_at, kept for history. Runs on PostgreSQL 15+ and PGlite.
 */
export class InvoiceReconciliationRecords1798500000000 implements MigrationInterface {
  name = 'InvoiceReconciliationRecords1798500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invoice_reconciliation_record (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id  uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        country_code   varchar(2) NOT NULL,
        party_id       varchar(3) NOT NULL,
        ocpi_id        varchar(36) NOT NULL,
        invoice_id     text NOT NULL,
        cdrs           text[] NOT NULL,
        last_updated   timestamptz NOT NULL,
        raw            jsonb NOT NULL,
        source         text NOT NULL CHECK (source IN ('PULL', 'PUSH')),
        received_at    timestamptz NOT NULL DEFAULT now(),
        changed_at     timestamptz NOT NULL DEFAULT now(),
        deleted_at     timestamptz,
        UNIQUE (connection_id, country_code, party_id, ocpi_id)
      )`);
    await q.query(`CREATE INDEX invoice_reconciliation_record_invoice_idx ON invoice_reconciliation_record (connection_id, invoice_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS invoice_reconciliation_record`);
  }
}
