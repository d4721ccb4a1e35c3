import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvoiceReconciliationRecord } from '../ocpi/v2_3_0/invoicereconciliation/invoice-reconciliation-record.mapper';

/** How a record came: pushed to our Receiver interface, or pulled from the CPO's Sender interface. */
export type RecordSource = 'PUSH' | 'PULL';

/** A record as held. */
export interface HeldRecord {
  row_id: string;
  connection_id: string;
  country_code: string;
  party_id: string;
  id: string;
  invoice_id: string;
  cdrs: string[];
  last_updated: string;
  source: RecordSource;
  raw: unknown;
}

/**
 * Stores InvoiceReconciliationRecords (mod_invoice_reconciliation 2.3.0), per connection and OCPI identity. A copy
 * older (by last_updated) than the one held changes nothing, so a pull after a push cannot undo it; a newer copy, or
 * one of a deleted record, replaces it. Every method is idempotent.
 */
@Injectable()
export class ReconciliationRecordStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Keeps `record` (raw as sent). CREATED when new to us (or deleted before), UPDATED otherwise, UNCHANGED when older. */
  async put(connectionId: string, record: InvoiceReconciliationRecord, raw: unknown, source: RecordSource): Promise<'CREATED' | 'UPDATED' | 'UNCHANGED'> {
    const rows: Array<{ inserted: boolean; was_deleted: boolean | null }> = await this.db.query(
      `WITH before AS (SELECT deleted_at IS NOT NULL AS was_deleted FROM invoice_reconciliation_record
                       WHERE connection_id = $1 AND country_code = $2 AND party_id = $3 AND ocpi_id = $4)
       INSERT INTO invoice_reconciliation_record AS r (connection_id, country_code, party_id, ocpi_id, invoice_id, cdrs, last_updated, raw, source)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8::jsonb, $9)
       ON CONFLICT (connection_id, country_code, party_id, ocpi_id) DO UPDATE
         SET invoice_id = excluded.invoice_id, cdrs = excluded.cdrs, last_updated = excluded.last_updated, raw = excluded.raw,
             source = excluded.source, changed_at = now(), deleted_at = NULL
         WHERE r.deleted_at IS NOT NULL OR excluded.last_updated >= r.last_updated
       RETURNING (xmax = 0) AS inserted, (SELECT was_deleted FROM before) AS was_deleted`,
      [connectionId, record.country_code, record.party_id, record.id, record.invoice_id, record.cdrs, record.last_updated, JSON.stringify(raw), source],
    );
    if (rows.length === 0) return 'UNCHANGED';
    return rows[0].inserted || rows[0].was_deleted ? 'CREATED' : 'UPDATED';
  }

  /** The record of this connection with that identity, not deleted; null when none. */
  async get(connectionId: string, countryCode: string, partyId: string, id: string): Promise<HeldRecord | null> {
    const [row] = await this.select(`AND country_code = $2 AND party_id = $3 AND ocpi_id = $4 AND deleted_at IS NULL`, [
      connectionId,
      countryCode.toUpperCase(),
      partyId.toUpperCase(),
      id,
    ]);
    return row ?? null;
  }

  /** Marks the record deleted (kept for history); false when no such record is held. */
  async delete(connectionId: string, countryCode: string, partyId: string, id: string): Promise<boolean> {
    // A SELECT over the UPDATE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
    const [{ n }]: Array<{ n: number }> = await this.db.query(
      `WITH d AS (UPDATE invoice_reconciliation_record SET deleted_at = now(), changed_at = now()
         WHERE connection_id = $1 AND country_code = $2 AND party_id = $3 AND ocpi_id = $4 AND deleted_at IS NULL RETURNING id)
       SELECT count(*)::int AS n FROM d`,
      [connectionId, countryCode.toUpperCase(), partyId.toUpperCase(), id],
    );
    return n > 0;
  }

  /** The connection's records (deleted ones left out), oldest issued first. */
  list(connectionId: string): Promise<HeldRecord[]> {
    return this.select(`AND deleted_at IS NULL`, [connectionId]);
  }

  private async select(where: string, params: unknown[]): Promise<HeldRecord[]> {
    const rows: Array<Omit<HeldRecord, 'last_updated'> & { last_updated: Date }> = await this.db.query(
      `SELECT id AS row_id, connection_id, country_code, party_id, ocpi_id AS id, invoice_id, cdrs, last_updated, source, raw
       FROM invoice_reconciliation_record WHERE connection_id = $1 ${where} ORDER BY last_updated, ocpi_id`,
      params,
    );
    return rows.map((r) => ({ ...r, last_updated: new Date(r.last_updated).toISOString() }));
  }
}
