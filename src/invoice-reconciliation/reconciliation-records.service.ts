import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LineOutcome } from '../finance/invoices/invoice-matching';
import { ReconciliationService } from '../finance/invoices/reconciliation.service';
import { HeldRecord, ReconciliationRecordStore } from './reconciliation-record.store';

/** One CDR a record lists: whether we hold it, and the line of our imported invoice that invoices it (if any). */
export interface RecordCdr {
  cdr_id: string;
  held: boolean;
  invoice_line_no: number | null;
  /** That line's outcome in our reconciliation. */
  outcome: LineOutcome | null;
}

/** A record with what our matching says of it. */
export interface RecordView {
  country_code: string;
  party_id: string;
  id: string;
  invoice_id: string;
  last_updated: string;
  source: HeldRecord['source'];
  /** Our current imported invoice of the CPO with invoice_number = invoice_id; null when none is imported. */
  invoice: { id: string; invoice_number: string } | null;
  cdrs: RecordCdr[];
  /** CDR ids the record lists that we do not hold (to chase, as CDRs that never came). */
  cdrs_not_held: string[];
  /** CDRs our imported invoice's lines matched that the record does not list. */
  invoiced_not_in_record: string[];
  /**
   * true when every CDR listed is held and on a MATCHED line of the imported invoice and the invoice invoices no
   * other; false when any of that fails; null when no invoice with that number is imported (nothing to compare).
   */
  agrees_with_invoice: boolean | null;
}

/**
 * InvoiceReconciliationRecords (mod_invoice_reconciliation 2.3.0) linked to our matching: the record says which CDRs an
 * invoice invoices; we say which we hold and how the imported invoice's lines for them came out.
 */
@Injectable()
export class ReconciliationRecordsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly records: ReconciliationRecordStore,
    private readonly reconciliation: ReconciliationService,
  ) {}

  /** The connection's records (deleted ones left out), oldest issued first, each linked to CDRs and invoice. */
  async list(connectionId: string): Promise<RecordView[]> {
    const records = await this.records.list(connectionId);
    const ids = [...new Set(records.flatMap((r) => r.cdrs.map((c) => c.toLowerCase())))];
    // OCPI ids are CiStrings: compared case-insensitively.
    const held: Array<{ id: string }> = await this.db.query(`SELECT DISTINCT lower(ocpi_id) AS id FROM cdr WHERE connection_id = $1 AND lower(ocpi_id) = ANY($2::text[])`, [
      connectionId,
      ids,
    ]);
    const heldIds = new Set(held.map((h) => h.id));
    const views: RecordView[] = [];
    for (const r of records) {
      const [invoice]: Array<{ id: string; invoice_number: string }> = await this.db.query(
        `SELECT id, invoice_number FROM invoice WHERE connection_id = $1 AND invoice_number = $2 AND superseded_by IS NULL`,
        [connectionId, r.invoice_id],
      );
      const lineOf = new Map<string, { cdr_id: string; line_no: number; outcome: LineOutcome }>();
      if (invoice) {
        for await (const page of this.reconciliation.matchedPages(await this.reconciliation.prepare(invoice.id)))
          for (const l of page)
            for (const id of l.unit?.cdr_ids ?? []) if (!lineOf.has(id.toLowerCase())) lineOf.set(id.toLowerCase(), { cdr_id: id, line_no: l.line_no, outcome: l.outcome });
      }
      const cdrs = r.cdrs.map((id) => {
        const line = lineOf.get(id.toLowerCase());
        return { cdr_id: id, held: heldIds.has(id.toLowerCase()), invoice_line_no: line?.line_no ?? null, outcome: line?.outcome ?? null };
      });
      const listed = new Set(r.cdrs.map((c) => c.toLowerCase()));
      const invoicedNotInRecord = [...lineOf.entries()].filter(([id]) => !listed.has(id)).map(([, l]) => l.cdr_id);
      views.push({
        country_code: r.country_code,
        party_id: r.party_id,
        id: r.id,
        invoice_id: r.invoice_id,
        last_updated: r.last_updated,
        source: r.source,
        invoice: invoice ?? null,
        cdrs,
        cdrs_not_held: cdrs.filter((c) => !c.held).map((c) => c.cdr_id),
        invoiced_not_in_record: invoicedNotInRecord,
        agrees_with_invoice: invoice ? cdrs.every((c) => c.held && c.outcome === 'MATCHED') && invoicedNotInRecord.length === 0 : null,
      });
    }
    return views;
  }
}
