import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Decimal } from 'decimal.js';
import { DataSource } from 'typeorm';
import { stringify } from 'csv-stringify/sync';
import { InvoiceLineIn } from './invoice-csv.reader';
import { InvoiceMapping } from './invoice-mapping.model';
import { HeldCdr, LineOutcome, LineResult, matchInvoice, OUTCOME_WORDS, shown } from './invoice-matching';
import { InvoicesService, InvoiceView } from './invoices.service';

/** A sum of lines: how many, and their amounts per side (null: no line states that side). */
export interface LineSum {
  lines: number;
  excl_vat: string | null;
  incl_vat: string | null;
}

/** One line to dispute, with what to tell the CPO. */
export interface DisputeLine {
  line_no: number;
  outcome: Exclude<LineOutcome, 'MATCHED'>;
  reason: string;
  cdr_ids: string[];
  invoiced: LineResult['invoiced'];
  disputed: LineResult['disputed'];
  tell_cpo: string;
}

/** The reconciliation of one invoice: totals invoiced, matched and disputed per reason, the lines, what was not invoiced. */
export interface ReconciliationReport {
  invoice: InvoiceView;
  totals: {
    invoiced: LineSum;
    matched: LineSum;
    /** Per reason (only those that occur): the lines, what they invoice and the amount in dispute. */
    disputed: Array<{ outcome: Exclude<LineOutcome, 'MATCHED'>; reason: string; lines: number; invoiced: LineSum; disputed: { excl_vat: string | null; incl_vat: string | null } }>;
    /** Matched lines whose CDR's own total differs from our recomputed price (or cannot be priced exactly). */
    matched_with_cdr_price_difference: number;
  };
  lines: LineResult[];
  disputes: DisputeLine[];
  /** CDRs of the invoice's period we hold that no line invoiced (credited ones left out). */
  not_invoiced: {
    count: number;
    cdrs: Array<{ cdr_id: string; session_id: string | null; start_date_time: string; currency: string; before_taxes: string; after_taxes: string | null }>;
  };
}

/**
 * Reconciles an imported invoice against the CDRs of its CPO (matchInvoice), computed on each request from what is
 * held now, so CDRs that arrive after the import are found the next time the report is asked for. Exact decimals.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly invoices: InvoicesService,
  ) {}

  /** @throws NotFoundException for an unknown invoice */
  async report(invoiceId: string): Promise<ReconciliationReport> {
    const invoice = await this.invoices.get(invoiceId);
    const [{ mapping }]: Array<{ mapping: InvoiceMapping }> = await this.db.query(`SELECT mapping FROM invoice WHERE id = $1`, [invoiceId]);
    const cdrs: Array<HeldCdr & { start_date_time: Date }> = await this.db.query(
      `SELECT c.id, c.ocpi_id AS cdr_id, c.mapped->>'session_id' AS session_id, c.mapped->>'authorization_reference' AS authorization_reference,
         c.location_id, c.start_date_time, c.currency, c.total_energy::text AS energy_kwh, c.mapped->>'total_time' AS time_hours,
         c.mapped->>'total_parking_time' AS parking_hours, c.stated_before_taxes::text AS before_taxes, c.stated_after_taxes::text AS after_taxes,
         c.credit, c.mapped->>'credit_reference_id' AS credit_reference_id, c.difference_before_taxes::text AS difference_before_taxes,
         c.difference_after_taxes::text AS difference_after_taxes, c.exact
       FROM cdr c WHERE c.connection_id = $1 ORDER BY c.start_date_time, c.ocpi_id`,
      [invoice.connection_id],
    );
    const held = cdrs.map((c) => ({ ...c, start_date_time: new Date(c.start_date_time).toISOString() }));
    // What the CPO's earlier current invoices already invoice (first come, first claimed).
    const earlier: Array<{ id: string; invoice_number: string; mapping: InvoiceMapping; period_from: Date; period_to: Date }> = await this.db.query(
      `SELECT e.id, e.invoice_number, e.mapping, e.period_from, e.period_to FROM invoice e, invoice me
       WHERE me.id = $1 AND e.connection_id = me.connection_id AND e.id <> me.id AND e.superseded_by IS NULL AND e.invoice_number <> me.invoice_number
         AND (e.imported_at, e.id) < (me.imported_at, me.id)
       ORDER BY e.imported_at, e.id`,
      [invoiceId],
    );
    const elsewhere = new Map<string, { invoice_number: string; line_no: number }>();
    for (const e of earlier) {
      const theirs = matchInvoice(
        await this.linesOf(e.id),
        held,
        e.mapping.line_per,
        { from: new Date(e.period_from).toISOString(), to: new Date(e.period_to).toISOString() },
        elsewhere,
      );
      for (const r of theirs.lines) {
        if (!r.unit || r.outcome === 'INVOICED_TWICE') continue;
        for (const id of r.unit.cdr_ids) if (!elsewhere.has(id.toLowerCase())) elsewhere.set(id.toLowerCase(), { invoice_number: e.invoice_number, line_no: r.line_no });
      }
    }
    const matching = matchInvoice(await this.linesOf(invoiceId), held, mapping.line_per, { from: invoice.period_from, to: invoice.period_to }, elsewhere);
    const sum = (rs: LineResult[], f: (r: LineResult) => string | null): string | null => {
      const vs = rs.map(f).filter((v): v is string => v !== null);
      // Exact; shown to at least cents, more when a line states more.
      return vs.length === 0 ? null : vs.reduce((s, v) => s.plus(v), new Decimal(0)).toFixed(Math.max(2, ...vs.map((v) => new Decimal(v).decimalPlaces())));
    };
    const lineSum = (rs: LineResult[]): LineSum => ({ lines: rs.length, excl_vat: sum(rs, (r) => r.invoiced.excl_vat), incl_vat: sum(rs, (r) => r.invoiced.incl_vat) });
    const matched = matching.lines.filter((r) => r.outcome === 'MATCHED');
    const order: Array<Exclude<LineOutcome, 'MATCHED'>> = ['AMOUNT_DIFFERS', 'VAT_RATE_DIFFERS', 'CDR_NOT_HELD', 'INVOICED_TWICE', 'CURRENCY_DIFFERS'];
    const disputed = order
      .map((outcome) => {
        const rs = matching.lines.filter((r) => r.outcome === outcome);
        return {
          outcome,
          reason: OUTCOME_WORDS[outcome],
          lines: rs.length,
          invoiced: lineSum(rs),
          disputed: { excl_vat: sum(rs, (r) => r.disputed.excl_vat), incl_vat: sum(rs, (r) => r.disputed.incl_vat) },
        };
      })
      .filter((d) => d.lines > 0);
    const disputes = matching.lines.filter((r) => r.outcome !== 'MATCHED').map((r) => disputeLine(r));
    return {
      invoice,
      totals: {
        invoiced: lineSum(matching.lines),
        matched: lineSum(matched),
        disputed,
        matched_with_cdr_price_difference: matched.filter((r) => r.cdr_price_check?.differs || r.cdr_price_check?.exact === false).length,
      },
      lines: matching.lines,
      disputes,
      not_invoiced: {
        count: matching.not_invoiced.length,
        cdrs: matching.not_invoiced.map((c) => ({
          cdr_id: c.cdr_id,
          session_id: c.session_id,
          start_date_time: c.start_date_time,
          currency: c.currency,
          before_taxes: c.before_taxes,
          after_taxes: c.after_taxes,
        })),
      },
    };
  }

  private async linesOf(invoiceId: string): Promise<InvoiceLineIn[]> {
    const lines: Array<InvoiceLineIn & { start_date_time: Date | null }> = await this.db.query(
      `SELECT line_no, cdr_ref, session_ref, authorization_reference, location_id, start_date_time, energy_kwh::text AS energy_kwh,
         time_hours::text AS time_hours, parking_hours::text AS parking_hours, amount_excl_vat::text AS amount_excl_vat,
         amount_incl_vat::text AS amount_incl_vat, vat_rate::text AS vat_rate, currency, raw
       FROM invoice_line WHERE invoice_id = $1 ORDER BY line_no`,
      [invoiceId],
    );
    return lines.map((l) => ({ ...l, start_date_time: l.start_date_time === null ? null : new Date(l.start_date_time).toISOString() }));
  }

  /** The report as CSV: one row per invoice line (outcome, CDR, invoiced, difference, disputed, what to tell the CPO). */
  toCsv(report: ReconciliationReport): string {
    const tell = new Map(report.disputes.map((d) => [d.line_no, d.tell_cpo]));
    const header = [
      'line_no',
      'outcome',
      'reason',
      'cdr_ids',
      'matched_by',
      'currency',
      'invoiced_excl_vat',
      'invoiced_incl_vat',
      'invoiced_vat_rate',
      'cdr_excl_vat',
      'cdr_incl_vat',
      'difference_excl_vat',
      'difference_incl_vat',
      'disputed_excl_vat',
      'disputed_incl_vat',
      'cdr_price_differs_from_ours',
      'tell_cpo',
    ];
    const rows = report.lines.map((r) => [
      r.line_no,
      r.outcome,
      OUTCOME_WORDS[r.outcome],
      r.unit?.cdr_ids.join(' ') ?? null,
      r.unit?.matched_by ?? null,
      r.invoiced.currency,
      r.invoiced.excl_vat,
      r.invoiced.incl_vat,
      r.invoiced.vat_rate,
      r.unit?.before_taxes ?? null,
      r.unit?.after_taxes ?? null,
      r.difference?.excl_vat ?? null,
      r.difference?.incl_vat ?? null,
      r.disputed.excl_vat,
      r.disputed.incl_vat,
      r.cdr_price_check === null ? null : r.cdr_price_check.differs || r.cdr_price_check.exact === false,
      tell.get(r.line_no) ?? null,
    ]);
    // CRLF as RFC 4180; booleans as true/false (csv-stringify's default writes 1 and an empty field).
    return stringify([header, ...rows], { record_delimiter: 'windows', cast: { boolean: (v) => String(v) } });
  }
}

/** What to tell the CPO about a disputed line, in plain words with the figures. */
function disputeLine(r: LineResult): DisputeLine {
  const outcome = r.outcome as Exclude<LineOutcome, 'MATCHED'>;
  const cur = r.invoiced.currency;
  const ids = r.unit?.cdr_ids ?? [];
  const cdr = ids.length === 1 ? `CDR ${ids[0]}` : `the CDRs ${ids.join(', ')}`;
  const amount = [r.invoiced.excl_vat && `${r.invoiced.excl_vat} ${cur} excl. VAT`, r.invoiced.incl_vat && `${r.invoiced.incl_vat} ${cur} incl. VAT`].filter(Boolean).join(' / ');
  const side = (v: string | null, words: string) =>
    v === null || new Decimal(v).isZero() ? null : `${new Decimal(v).isPositive() ? 'more' : 'less'} by ${shown(new Decimal(v).abs(), cur)} ${cur} ${words}`;
  let tell: string;
  switch (outcome) {
    case 'CDR_NOT_HELD':
      tell = `Line ${r.line_no} (${amount}): we have not received a CDR for it. Please send the CDR through OCPI before we can settle this line.`;
      break;
    case 'INVOICED_TWICE':
      tell = `Line ${r.line_no} invoices ${cdr} again, already invoiced on ${r.first_invoice_number ? `invoice ${r.first_invoice_number}, ` : ''}line ${r.first_line_no}. Please remove it (${amount}).`;
      break;
    case 'CURRENCY_DIFFERS':
      tell = `Line ${r.line_no} is in ${cur}, but ${cdr} was sent in ${r.unit!.currency}. Please invoice it in the CDR's currency.`;
      break;
    case 'VAT_RATE_DIFFERS':
      tell = `Line ${r.line_no} applies ${r.invoiced.vat_rate} % VAT to ${cdr}, whose total_cost implies ${r.cdr_vat_rate ?? 'another rate'} %: ${side(r.difference!.incl_vat, 'incl. VAT')}. Please correct the VAT.`;
      break;
    case 'AMOUNT_DIFFERS': {
      const sides = [side(r.difference!.excl_vat, 'excl. VAT'), side(r.difference!.incl_vat, 'incl. VAT')].filter(Boolean).join(', ');
      const quantities = r.quantity_differences.map((q) => `${q.dimension} invoiced ${q.invoiced}, CDR ${q.held}`).join('; ');
      tell = `Line ${r.line_no} invoices ${amount} for ${cdr}, whose total_cost is ${r.unit!.before_taxes} ${cur} excl. VAT${r.unit!.after_taxes ? ` / ${r.unit!.after_taxes} ${cur} incl. VAT` : ''}: ${sides}${quantities ? ` (${quantities})` : ''}. Please invoice the CDR's total_cost.`;
      break;
    }
  }
  return { line_no: r.line_no, outcome, reason: OUTCOME_WORDS[outcome], cdr_ids: ids, invoiced: r.invoiced, disputed: r.disputed, tell_cpo: tell };
}
