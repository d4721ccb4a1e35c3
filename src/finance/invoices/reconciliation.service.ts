import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Decimal } from 'decimal.js';
import { DataSource } from 'typeorm';
import { stringify } from 'csv-stringify/sync';
import { InvoiceMapping } from './invoice-mapping.model';
import { CdrIndex, HeldCdr, InvoiceMatcher, LineOutcome, LineResult, MatchableLine, OUTCOME_WORDS, shown } from './invoice-matching';
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

/** An invoice ready to be matched: its view, how its lines read, the CPO's CDRs indexed, what earlier invoices claimed. */
export interface PreparedReconciliation {
  invoice: InvoiceView;
  linePer: InvoiceMapping['line_per'];
  index: CdrIndex;
  elsewhere: Map<string, { invoice_number: string; line_no: number }>;
}

/** Lines read and results written per page of this many lines: memory stays flat whatever the invoice's size. */
const PAGE_LINES = 500;

/** CSV report rows written per chunk (a disputed row is ~400 characters: chunks well under the large-object size). */
const CSV_ROWS = 100;

/** CDRs read per FETCH while the index is built. */
const CDR_PAGE = 2000;

/** Characters per chunk of report text written (see TextChunks). */
const CHUNK_CHARS = 16 * 1024;

const DISPUTE_ORDER: Array<Exclude<LineOutcome, 'MATCHED'>> = ['AMOUNT_DIFFERS', 'VAT_RATE_DIFFERS', 'CDR_NOT_HELD', 'INVOICED_TWICE', 'CURRENCY_DIFFERS'];

const CSV_HEADER = [
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

/**
 * Reconciles an imported invoice against the CDRs of its CPO (InvoiceMatcher), computed on each request from what is
 * held now, so CDRs that arrive after the import are found the next time the report is asked for. Exact decimals.
 * The CPO's CDRs are held in memory (indexed) while the invoice's lines are read, matched and written a page at a
 * time, in one pass: the lines are never all held.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly invoices: InvoicesService,
  ) {}

  /** Reads what matching the invoice needs. @throws NotFoundException for an unknown invoice */
  async prepare(invoiceId: string): Promise<PreparedReconciliation> {
    const invoice = await this.invoices.get(invoiceId);
    const [{ mapping }]: Array<{ mapping: InvoiceMapping }> = await this.db.query(`SELECT mapping FROM invoice WHERE id = $1`, [invoiceId]);
    const index = new CdrIndex(await this.heldCdrs(invoice.connection_id));
    // What the CPO's earlier current invoices already invoice (first come, first claimed).
    const earlier: Array<{ id: string; invoice_number: string; mapping: InvoiceMapping }> = await this.db.query(
      `SELECT e.id, e.invoice_number, e.mapping FROM invoice e, invoice me
       WHERE me.id = $1 AND e.connection_id = me.connection_id AND e.id <> me.id AND e.superseded_by IS NULL AND e.invoice_number <> me.invoice_number
         AND (e.imported_at, e.id) < (me.imported_at, me.id)
       ORDER BY e.imported_at, e.id`,
      [invoiceId],
    );
    const elsewhere = new Map<string, { invoice_number: string; line_no: number }>();
    for (const e of earlier) {
      // Matched against what the invoices before it claimed; its own claims count only from the next invoice on.
      const matcher = new InvoiceMatcher(index, e.mapping.line_per, elsewhere);
      const theirs = new Map<string, { invoice_number: string; line_no: number }>();
      for await (const page of this.linePages(e.id)) {
        for (const l of page) {
          const r = matcher.match(l);
          if (!r.unit || r.outcome === 'INVOICED_TWICE') continue;
          for (const id of r.unit.cdr_ids)
            if (!elsewhere.has(id.toLowerCase()) && !theirs.has(id.toLowerCase())) theirs.set(id.toLowerCase(), { invoice_number: e.invoice_number, line_no: r.line_no });
        }
      }
      for (const [id, at] of theirs) elsewhere.set(id, at);
    }
    return { invoice, linePer: mapping.line_per, index, elsewhere };
  }

  /** The invoice's lines matched, a page at a time in line order (with the matcher, for what was not invoiced after the last page). */
  async *matchedPages(p: PreparedReconciliation, matcher = new InvoiceMatcher(p.index, p.linePer, p.elsewhere)): AsyncGenerator<LineResult[]> {
    for await (const page of this.linePages(p.invoice.id)) yield page.map((l) => matcher.match(l));
  }

  /** The whole report in memory (for small invoices and callers that need it whole; GET …/reconciliation streams it). */
  async report(invoiceId: string): Promise<ReconciliationReport> {
    const p = await this.prepare(invoiceId);
    const matcher = new InvoiceMatcher(p.index, p.linePer, p.elsewhere);
    const totals = new ReportTotals();
    const lines: LineResult[] = [];
    for await (const page of this.matchedPages(p, matcher))
      for (const r of page) {
        lines.push(r);
        totals.add(r);
      }
    return {
      invoice: p.invoice,
      totals: totals.value(),
      lines,
      disputes: lines.filter((r) => r.outcome !== 'MATCHED').map(disputeLine),
      not_invoiced: notInvoicedOf(matcher.notInvoiced({ from: p.invoice.period_from, to: p.invoice.period_to })),
    };
  }

  /**
   * The report as JSON text, a chunk per page of lines, for the response to stream: ReconciliationReport with its keys
   * in the order they become known in one pass over the lines — invoice, lines, disputes, not_invoiced, totals. Only
   * the disputes are held until the lines are written (as JSON text), so memory grows with the disputed lines alone.
   */
  async *reportJson(p: PreparedReconciliation): AsyncGenerator<string> {
    const matcher = new InvoiceMatcher(p.index, p.linePer, p.elsewhere);
    const totals = new ReportTotals();
    const disputes: string[] = [];
    const out = new TextChunks();
    yield `{"invoice":${JSON.stringify(p.invoice)},"lines":[`;
    let separator = '';
    for await (const page of this.linePages(p.invoice.id)) {
      for (const l of page) {
        // Each result written as soon as it is matched, so that it dies young (a page of results held until the page
        // was written outlived the young generation's collections and piled up in the old one).
        const r = matcher.match(l);
        totals.add(r);
        if (r.outcome !== 'MATCHED') disputes.push(JSON.stringify(disputeLine(r)));
        const chunk = out.add(separator + JSON.stringify(r));
        separator = ',';
        if (chunk !== null) yield chunk;
      }
    }
    const rest = out.add('],"disputes":[');
    if (rest !== null) yield rest;
    for (let i = 0; i < disputes.length; i++) {
      const chunk = out.add(i === 0 ? disputes[i] : `,${disputes[i]}`);
      if (chunk !== null) yield chunk;
    }
    disputes.length = 0;
    const { count, cdrs } = notInvoicedOf(matcher.notInvoiced({ from: p.invoice.period_from, to: p.invoice.period_to }));
    const head = out.add(`],"not_invoiced":{"count":${count},"cdrs":[`);
    if (head !== null) yield head;
    for (let i = 0; i < cdrs.length; i++) {
      const chunk = out.add((i === 0 ? '' : ',') + JSON.stringify(cdrs[i]));
      if (chunk !== null) yield chunk;
    }
    yield out.flush() + `]},"totals":${JSON.stringify(totals.value())}}`;
  }

  /**
   * The report as CSV, a chunk per page of lines: one row per invoice line (outcome, CDR, invoiced, difference,
   * disputed, what to tell the CPO); CRLF as RFC 4180; booleans as true/false (csv-stringify's default writes 1 and an
   * empty field).
   */
  async *reportCsv(p: PreparedReconciliation): AsyncGenerator<string> {
    const options = { record_delimiter: 'windows' as const, cast: { boolean: (v: boolean) => String(v) } };
    yield stringify([CSV_HEADER], options);
    const matcher = new InvoiceMatcher(p.index, p.linePer, p.elsewhere);
    for await (const page of this.linePages(p.invoice.id)) {
      // A row per line as soon as it is matched: the result dies young; rows written CSV_ROWS at a time, so that each
      // chunk stays small (see TextChunks).
      for (let i = 0; i < page.length; i += CSV_ROWS)
        yield stringify(
          page.slice(i, i + CSV_ROWS).map((l) => csvRow(matcher.match(l))),
          options,
        );
    }
  }

  /**
   * Every CDR of the CPO (credits included) in index order, read through a cursor CDR_PAGE rows at a time, so that the
   * rows as the driver returns them (Date objects, every column a fresh string) are never all held at once: only the
   * HeldCdrs, with one copy of each value that repeats across CDRs (Location, currency, quantities, the check's
   * differences, mostly "0"): ~90 MiB for 100,000 CDRs otherwise.
   */
  private async heldCdrs(connectionId: string): Promise<HeldCdr[]> {
    const cdrs: HeldCdr[] = [];
    const shared = new Map<string, string>();
    const share = <T extends string | null>(v: T): T => {
      if (v === null) return v;
      const held = shared.get(v) as T | undefined;
      if (held !== undefined) return held;
      shared.set(v, v);
      return v;
    };
    // A cursor lives in its transaction; one statement's snapshot, as the single query before it read.
    await this.db.transaction(async (m) => {
      await m.query(
        `DECLARE held_cdrs NO SCROLL CURSOR FOR
         SELECT c.ocpi_id AS cdr_id, c.mapped->>'session_id' AS session_id, c.mapped->>'authorization_reference' AS authorization_reference,
           c.location_id, c.start_date_time, c.currency, c.total_energy::text AS energy_kwh, c.mapped->>'total_time' AS time_hours,
           c.mapped->>'total_parking_time' AS parking_hours, c.stated_before_taxes::text AS before_taxes, c.stated_after_taxes::text AS after_taxes,
           c.credit, c.mapped->>'credit_reference_id' AS credit_reference_id, c.difference_before_taxes::text AS difference_before_taxes,
           c.difference_after_taxes::text AS difference_after_taxes, c.exact
         FROM cdr c WHERE c.connection_id = $1 ORDER BY c.start_date_time, c.ocpi_id`,
        [connectionId],
      );
      for (;;) {
        const rows: Array<Omit<HeldCdr, 'start_date_time'> & { start_date_time: Date }> = await m.query(`FETCH ${CDR_PAGE} FROM held_cdrs`);
        for (const r of rows)
          cdrs.push({
            cdr_id: r.cdr_id,
            session_id: r.session_id,
            authorization_reference: r.authorization_reference,
            location_id: share(r.location_id),
            start_date_time: new Date(r.start_date_time).toISOString(),
            currency: share(r.currency),
            energy_kwh: share(r.energy_kwh),
            time_hours: share(r.time_hours),
            parking_hours: share(r.parking_hours),
            before_taxes: r.before_taxes,
            after_taxes: r.after_taxes,
            credit: r.credit,
            credit_reference_id: r.credit_reference_id,
            difference_before_taxes: share(r.difference_before_taxes),
            difference_after_taxes: share(r.difference_after_taxes),
            exact: r.exact,
          });
        if (rows.length < CDR_PAGE) break;
      }
    });
    return cdrs;
  }

  /** The invoice's lines in line order, a page at a time (keyset on the primary key). */
  private async *linePages(invoiceId: string): AsyncGenerator<MatchableLine[]> {
    let after = 0;
    for (;;) {
      const lines: Array<MatchableLine & { start_date_time: Date | string | null }> = await this.db.query(
        `SELECT line_no, cdr_ref, session_ref, authorization_reference, location_id, start_date_time, energy_kwh::text AS energy_kwh,
           time_hours::text AS time_hours, parking_hours::text AS parking_hours, amount_excl_vat::text AS amount_excl_vat,
           amount_incl_vat::text AS amount_incl_vat, vat_rate::text AS vat_rate, currency
         FROM invoice_line WHERE invoice_id = $1 AND line_no > $2 ORDER BY line_no LIMIT ${PAGE_LINES}`,
        [invoiceId, after],
      );
      if (lines.length === 0) return;
      for (const l of lines) if (l.start_date_time !== null) l.start_date_time = new Date(l.start_date_time).toISOString();
      yield lines;
      if (lines.length < PAGE_LINES) return;
      after = lines[lines.length - 1].line_no;
    }
  }
}

/**
 * Texts joined into chunks of about CHUNK_CHARS for the response: a string of more than ~128 KiB is allocated in V8's
 * large-object space, which only a full collection frees, so pages of report text (54 MiB for 100,000 lines) piled up
 * there until one came; chunks this small die in the young generation once written.
 */
class TextChunks {
  private parts: string[] = [];
  private size = 0;

  /** Adds `text`; @returns the chunk to write once CHUNK_CHARS are gathered, else null. */
  add(text: string): string | null {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= CHUNK_CHARS ? this.flush() : null;
  }

  /** What is gathered (possibly ''), and starts anew. */
  flush(): string {
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return chunk;
  }
}

/** An exact sum of decimal strings, shown to at least cents, more when a term states more; null when no term. */
class DecimalSum {
  private total: Decimal | null = null;
  private places = 2;

  add(v: string | null): void {
    if (v === null) return;
    const d = new Decimal(v);
    this.total = (this.total ?? new Decimal(0)).plus(d);
    this.places = Math.max(this.places, d.decimalPlaces());
  }

  value(): string | null {
    return this.total === null ? null : this.total.toFixed(this.places);
  }
}

/** A LineSum built a line at a time. */
class LineSummer {
  lines = 0;
  private readonly excl = new DecimalSum();
  private readonly incl = new DecimalSum();

  add(r: LineResult): void {
    this.lines++;
    this.excl.add(r.invoiced.excl_vat);
    this.incl.add(r.invoiced.incl_vat);
  }

  value(): LineSum {
    return { lines: this.lines, excl_vat: this.excl.value(), incl_vat: this.incl.value() };
  }
}

/** The report's totals, built a line at a time. */
class ReportTotals {
  private readonly invoiced = new LineSummer();
  private readonly matched = new LineSummer();
  private readonly disputed = new Map(DISPUTE_ORDER.map((o) => [o, { invoiced: new LineSummer(), excl: new DecimalSum(), incl: new DecimalSum() }]));
  private priceDifferences = 0;

  add(r: LineResult): void {
    this.invoiced.add(r);
    if (r.outcome === 'MATCHED') {
      this.matched.add(r);
      if (r.cdr_price_check?.differs || r.cdr_price_check?.exact === false) this.priceDifferences++;
      return;
    }
    const d = this.disputed.get(r.outcome)!;
    d.invoiced.add(r);
    d.excl.add(r.disputed.excl_vat);
    d.incl.add(r.disputed.incl_vat);
  }

  value(): ReconciliationReport['totals'] {
    return {
      invoiced: this.invoiced.value(),
      matched: this.matched.value(),
      disputed: DISPUTE_ORDER.map((outcome) => {
        const d = this.disputed.get(outcome)!;
        return { outcome, reason: OUTCOME_WORDS[outcome], lines: d.invoiced.lines, invoiced: d.invoiced.value(), disputed: { excl_vat: d.excl.value(), incl_vat: d.incl.value() } };
      }).filter((d) => d.lines > 0),
      matched_with_cdr_price_difference: this.priceDifferences,
    };
  }
}

/** One line's row of the CSV report (CSV_HEADER's columns). */
function csvRow(r: LineResult): unknown[] {
  return [
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
    r.outcome === 'MATCHED' ? null : disputeLine(r).tell_cpo,
  ];
}

function notInvoicedOf(cdrs: HeldCdr[]): ReconciliationReport['not_invoiced'] {
  return {
    count: cdrs.length,
    cdrs: cdrs.map((c) => ({
      cdr_id: c.cdr_id,
      session_id: c.session_id,
      start_date_time: c.start_date_time,
      currency: c.currency,
      before_taxes: c.before_taxes,
      after_taxes: c.after_taxes,
    })),
  };
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
