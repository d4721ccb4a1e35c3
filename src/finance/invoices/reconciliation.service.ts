import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Decimal } from 'decimal.js';
import { DataSource } from 'typeorm';
import { stringify } from 'csv-stringify/sync';
import { countReconciliationCdrsRead } from '../../metrics/process-metrics';
import { InvoiceMapping } from './invoice-mapping.model';
import { CdrIndex, HeldCdr, InvoicedElsewhere, InvoiceMatcher, LineOutcome, LineResult, MatchableLine, OUTCOME_WORDS, shown } from './invoice-matching';
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

/** An earlier current invoice of the same CPO (imported before): what it claimed comes first. */
export interface EarlierInvoice {
  id: string;
  invoice_number: string;
  line_per: InvoiceMapping['line_per'];
}

/** An invoice ready to be matched: its view, how its lines read, the CPO's earlier current invoices in import order. */
export interface PreparedReconciliation {
  invoice: InvoiceView;
  linePer: InvoiceMapping['line_per'];
  earlier: EarlierInvoice[];
}

/**
 * Lines read, and the CDRs they reach read, per page of this many lines: memory stays flat whatever the invoice's
 * size (the results are written line by line). Larger pages ask the database fewer times (a page's CDRs are three
 * statements) but live long enough to be promoted: 2,000 took the JSON report of 100,000 lines to a peak RSS of
 * 322 MiB against 237 MiB with 500, for a quarter less CPU (`--only reconcile`, quiet machine, 2026-12-06).
 */
const PAGE_LINES = 500;

/** CSV report rows written per chunk (a disputed row is ~400 characters: chunks well under the large-object size). */
const CSV_ROWS = 100;

/** CDRs of the period read per FETCH while what was not invoiced is looked for. */
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
 * The invoice's lines are read, matched and written a page at a time, in one pass: the lines are never all held, nor
 * the CPO's CDRs. Each page is matched against only the CDRs its lines can reach (`reachableCdrs`) and only what the
 * CPO's earlier invoices claimed of those (`claimedEarlier`), so that time and memory grow with the invoice, not with
 * the CPO's history; the outcomes are those of matching against every CDR of the CPO (invoice-matching.spec.ts).
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
    // The CPO's earlier current invoices, whose claims come first (first come, first claimed).
    const earlier: EarlierInvoice[] = await this.db.query(
      `SELECT e.id, e.invoice_number, e.mapping->>'line_per' AS line_per FROM invoice e, invoice me
       WHERE me.id = $1 AND e.connection_id = me.connection_id AND e.id <> me.id AND e.superseded_by IS NULL AND e.invoice_number <> me.invoice_number
         AND (e.imported_at, e.id) < (me.imported_at, me.id)
       ORDER BY e.imported_at, e.id`,
      [invoiceId],
    );
    return { invoice, linePer: mapping.line_per, earlier };
  }

  /** The invoice's lines matched, a page at a time in line order (with the matcher, for what was not invoiced after the last page). */
  async *matchedPages(p: PreparedReconciliation, matcher = this.matcherFor(p)): AsyncGenerator<LineResult[]> {
    for await (const page of this.pagesToMatch(p, matcher)) yield page.map((l) => matcher.match(l));
  }

  /** A matcher for the invoice's lines, for `pagesToMatch` to give each page's CDRs. */
  matcherFor(p: PreparedReconciliation): InvoiceMatcher {
    return new InvoiceMatcher(new CdrIndex([]), p.linePer);
  }

  /** The whole report in memory (for small invoices and callers that need it whole; GET …/reconciliation streams it). */
  async report(invoiceId: string): Promise<ReconciliationReport> {
    const p = await this.prepare(invoiceId);
    const matcher = this.matcherFor(p);
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
      not_invoiced: notInvoicedOf(await this.notInvoiced(p, matcher)),
    };
  }

  /**
   * The report as JSON text, a chunk per page of lines, for the response to stream: ReconciliationReport with its keys
   * in the order they become known in one pass over the lines — invoice, lines, disputes, not_invoiced, totals. Only
   * the disputes are held until the lines are written (as JSON text), so memory grows with the disputed lines alone.
   */
  async *reportJson(p: PreparedReconciliation): AsyncGenerator<string> {
    const matcher = this.matcherFor(p);
    const totals = new ReportTotals();
    const disputes: string[] = [];
    const out = new TextChunks();
    yield `{"invoice":${JSON.stringify(p.invoice)},"lines":[`;
    let separator = '';
    for await (const page of this.pagesToMatch(p, matcher)) {
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
    const { count, cdrs } = notInvoicedOf(await this.notInvoiced(p, matcher));
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
    const matcher = this.matcherFor(p);
    for await (const page of this.pagesToMatch(p, matcher)) {
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
   * The invoice's lines a page at a time in line order, the matcher given before each page the CDRs the page's lines
   * can reach and what earlier invoices claimed of them: match the page's lines, in order, before asking for the next.
   */
  private async *pagesToMatch(p: PreparedReconciliation, matcher: InvoiceMatcher): AsyncGenerator<MatchableLine[]> {
    for await (const page of this.linePages(p.invoice.id)) {
      // Closed only when earlier invoices are asked what they claimed of it (see claimedEarlier).
      const cdrs = await this.reachableCdrs(p.invoice.connection_id, keysOfLines(page), p.earlier.length > 0 ? 'CLOSED' : 'LOOKUPS', p.linePer);
      matcher.usePage(new CdrIndex(cdrs), await this.claimedEarlier(p, cdrs));
      yield page;
    }
  }

  /**
   * CDRs that started in the invoice's period, not credited, that no line of this invoice (matched to the end by
   * `matcher`) nor of an earlier one invoiced, in the order of start then id. The period's CDRs are read through a
   * cursor and only those this invoice left out are kept: never the CPO's other CDRs.
   */
  private async notInvoiced(p: PreparedReconciliation, matcher: InvoiceMatcher): Promise<HeldCdr[]> {
    const left: HeldCdr[] = [];
    // A cursor lives in its transaction; nothing else is asked of the database until it is closed (PGlite has one connection).
    await this.db.transaction(async (m) => {
      await m.query(
        `DECLARE period_cdrs NO SCROLL CURSOR FOR
         SELECT ${HELD_CDR_COLUMNS} FROM cdr c
         WHERE c.connection_id = $1 AND NOT c.credit AND c.start_date_time >= $2 AND c.start_date_time < $3
           AND NOT EXISTS (SELECT 1 FROM cdr k WHERE k.connection_id = $1 AND k.credit AND lower(k.mapped->>'credit_reference_id') = lower(c.ocpi_id))
         ORDER BY c.start_date_time, c.ocpi_id`,
        [p.invoice.connection_id, p.invoice.period_from, p.invoice.period_to],
      );
      for (;;) {
        const rows: HeldCdrRow[] = await m.query(`FETCH ${CDR_PAGE} FROM period_cdrs`);
        countReconciliationCdrsRead(p.invoice.connection_id, rows.length);
        for (const r of rows) if (!matcher.hasInvoiced(r.cdr_id)) left.push(heldCdrOf(r));
        if (rows.length < CDR_PAGE) break;
      }
    });
    if (p.earlier.length === 0) return left;
    const out: HeldCdr[] = [];
    for (let i = 0; i < left.length; i += PAGE_LINES) {
      const some = left.slice(i, i + PAGE_LINES);
      const claimed = await this.claimedEarlier(p, await this.reachableCdrs(p.invoice.connection_id, { ...noKeys(), ids: some.map((c) => lower(c.cdr_id)) }, 'CLOSED'));
      for (const c of some) if (!claimed.has(lower(c.cdr_id))) out.push(c);
    }
    return out;
  }

  /**
   * The CDRs of the CPO a set of lookups can reach, in the order of start then id (the order of CdrIndex's lists):
   * those the keys name (by id, session id and authorization reference, any case; the originals at a Location started
   * within a minute with that energy), then, until nothing new comes, every CDR sharing an id (any case), a session id or
   * an authorization reference with one found, the credits of the originals found and the originals the credits found
   * credit. Closed so, the set answers every lookup a line reaching it makes as every CDR of the CPO would (a later CDR
   * with the same id still replaces an earlier; "exactly one CDR fits" counts the same CDRs), and a line of any invoice
   * whose CDRs meet the set has all its CDRs in it and names one of its keys (`claimedEarlier` relies on it).
   * With `follow` LOOKUPS (no earlier invoice to ask), only what matching the lines looks up next is followed: the
   * same id (any case) of every CDR found and, for lines per SESSION, the sessions and credits of those found.
   * One query per round (each kind of key in one `= ANY`), the rows read whole once, at the end.
   */
  private async reachableCdrs(connectionId: string, keys: CdrKeys, follow: 'CLOSED' | 'LOOKUPS', linePer: InvoiceMapping['line_per'] = 'SESSION'): Promise<HeldCdr[]> {
    const closed = follow === 'CLOSED';
    const bySession = closed || linePer === 'SESSION';
    const asked = { ids: new Set<string>(), sessions: new Set<string>(), authorizations: new Set<string>(), creditsOf: new Set<string>() };
    const found = new Set<string>();
    let next = keys;
    for (;;) {
      const fresh = (kind: keyof typeof asked) => {
        const out: string[] = [];
        for (const k of next[kind])
          if (k !== '' && !asked[kind].has(k)) {
            asked[kind].add(k);
            out.push(k);
          }
        return out;
      };
      const q = { ids: fresh('ids'), sessions: fresh('sessions'), authorizations: fresh('authorizations'), creditsOf: fresh('creditsOf') };
      if (q.ids.length + q.sessions.length + q.authorizations.length + q.creditsOf.length + next.near.length === 0) break;
      const rows: Array<{ id: string; ocpi_id: string; session_id: string | null; authorization_reference: string | null; credit: boolean; credit_reference_id: string | null }> =
        await this.db.query(
          // Each kind of key by its own index, key by key (see perKey); the row's few columns read by each branch.
          `${perKey('$2', KEY_COLUMNS, `cdr c WHERE c.connection_id = $1 AND lower(c.ocpi_id) = k.key`)}
           UNION ${perKey('$3', KEY_COLUMNS, `cdr c WHERE c.connection_id = $1 AND lower(c.mapped->>'session_id') = k.key`)}
           UNION ${perKey('$4', KEY_COLUMNS, `cdr c WHERE c.connection_id = $1 AND lower(c.mapped->>'authorization_reference') = k.key`)}
           UNION ${perKey('$5', KEY_COLUMNS, `cdr c WHERE c.connection_id = $1 AND c.credit AND lower(c.mapped->>'credit_reference_id') = k.key`)}
           UNION SELECT x.* FROM unnest($6::text[], $7::timestamptz[], $8::numeric[]) AS w(location_id, at, energy),
             LATERAL (SELECT ${KEY_COLUMNS} FROM cdr c WHERE c.connection_id = $1 AND c.location_id = w.location_id AND NOT c.credit AND c.total_energy = w.energy
               AND c.start_date_time > w.at - interval '${NEAR_SECONDS} seconds' AND c.start_date_time < w.at + interval '${NEAR_SECONDS} seconds' OFFSET 0) AS x`,
          [connectionId, q.ids, q.sessions, q.authorizations, q.creditsOf, next.near.map((n) => n.location_id), next.near.map((n) => n.at), next.near.map((n) => n.energy)],
        );
      countReconciliationCdrsRead(connectionId, rows.length);
      next = noKeys();
      for (const r of rows) {
        if (found.has(r.id)) continue;
        found.add(r.id);
        next.ids.push(lower(r.ocpi_id));
        if (r.session_id && bySession) next.sessions.push(lower(r.session_id));
        if (r.authorization_reference && closed) next.authorizations.push(lower(r.authorization_reference));
        if (!r.credit) {
          if (bySession) next.creditsOf.push(lower(r.ocpi_id));
        } else if (r.credit_reference_id && closed) next.ids.push(lower(r.credit_reference_id));
      }
    }
    if (found.size === 0) return [];
    const rows: HeldCdrRow[] = await this.db.query(
      `SELECT x.* FROM unnest($1::uuid[]) AS k(id), LATERAL (SELECT ${HELD_CDR_COLUMNS} FROM cdr c WHERE c.id = k.id OFFSET 0) AS x
       ORDER BY x.start_date_time, x.cdr_id`,
      [[...found]],
    );
    countReconciliationCdrsRead(connectionId, rows.length);
    return rows.map(heldCdrOf);
  }

  /**
   * What the CPO's earlier current invoices claimed of `cdrs` (a set `reachableCdrs` closed), by lower-cased CDR id:
   * the invoice and line that invoiced each first. Only their lines that name a key of `cdrs` are read and matched
   * again, in import order then line order, so that first come is first claimed: a line whose CDRs meet `cdrs` names
   * one of its keys and has all its CDRs in it, so whether it claims depends only on lines read here (those invoicing
   * the same CDRs, and those that claimed its CDRs before it), and lines not read claim none of `cdrs`.
   */
  private async claimedEarlier(p: PreparedReconciliation, cdrs: HeldCdr[]): Promise<InvoicedElsewhere> {
    if (p.earlier.length === 0 || cdrs.length === 0) return new Map();
    const keys = keysOfCdrs(cdrs);
    const lines: Array<MatchableLine & { invoice_id: string; start_date_time: Date | string | null }> = await this.db.query(
      `SELECT * FROM (
         ${perKey('$2', `l.invoice_id, ${LINE_COLUMNS}`, `invoice_line l WHERE lower(l.cdr_ref) = k.key AND l.invoice_id = ANY($1::uuid[])`)}
         UNION ${perKey('$3', `l.invoice_id, ${LINE_COLUMNS}`, `invoice_line l WHERE lower(l.session_ref) = k.key AND l.invoice_id = ANY($1::uuid[])`)}
         UNION ${perKey('$4', `l.invoice_id, ${LINE_COLUMNS}`, `invoice_line l WHERE lower(l.authorization_reference) = k.key AND l.invoice_id = ANY($1::uuid[])`)}
         UNION SELECT x.* FROM unnest($5::text[], $6::timestamptz[], $7::numeric[]) AS w(location_id, at, energy),
           LATERAL (SELECT l.invoice_id, ${LINE_COLUMNS} FROM invoice_line l
             WHERE l.location_id IS NOT NULL AND l.start_date_time IS NOT NULL AND l.energy_kwh IS NOT NULL
               AND l.location_id = w.location_id AND l.energy_kwh = w.energy AND l.invoice_id = ANY($1::uuid[])
               AND l.start_date_time > w.at - interval '${NEAR_SECONDS} seconds' AND l.start_date_time < w.at + interval '${NEAR_SECONDS} seconds' OFFSET 0) AS x
       ) AS l
       ORDER BY array_position($1::uuid[], l.invoice_id), l.line_no`,
      [p.earlier.map((e) => e.id), keys.ids, keys.sessions, keys.authorizations, keys.near.map((n) => n.location_id), keys.near.map((n) => n.at), keys.near.map((n) => n.energy)],
    );
    const elsewhere = new Map<string, { invoice_number: string; line_no: number }>();
    if (lines.length === 0) return elsewhere;
    for (const l of lines) if (l.start_date_time !== null) l.start_date_time = new Date(l.start_date_time).toISOString();
    const byId = new Map(p.earlier.map((e) => [e.id, e]));
    let current: { invoice: EarlierInvoice; matcher: InvoiceMatcher; theirs: Map<string, { invoice_number: string; line_no: number }> } | null = null;
    const close = () => {
      if (current) for (const [id, at] of current.theirs) elsewhere.set(id, at);
    };
    for (let i = 0; i < lines.length; i += PAGE_LINES) {
      const page = lines.slice(i, i + PAGE_LINES);
      const index = new CdrIndex(await this.reachableCdrs(p.invoice.connection_id, keysOfLines(page), 'CLOSED'));
      for (const l of page) {
        if (current?.invoice.id !== l.invoice_id) {
          // Matched against what the invoices before it claimed; its own claims count only from the next invoice on.
          close();
          const invoice: EarlierInvoice = byId.get(l.invoice_id)!;
          current = { invoice, matcher: new InvoiceMatcher(index, invoice.line_per, elsewhere), theirs: new Map() };
        }
        current.matcher.usePage(index, elsewhere);
        const r = current.matcher.match(l);
        if (!r.unit || r.outcome === 'INVOICED_TWICE') continue;
        for (const id of r.unit.cdr_ids)
          if (!elsewhere.has(lower(id)) && !current.theirs.has(lower(id))) current.theirs.set(lower(id), { invoice_number: current.invoice.invoice_number, line_no: r.line_no });
      }
    }
    close();
    // Only the CDRs of the set: what the lines read here claimed of other CDRs may not be all that was claimed of them.
    const mine = new Set(cdrs.map((c) => lower(c.cdr_id)));
    for (const id of [...elsewhere.keys()]) if (!mine.has(id)) elsewhere.delete(id);
    return elsewhere;
  }

  /** The invoice's lines in line order, a page at a time (keyset on the primary key). */
  private async *linePages(invoiceId: string): AsyncGenerator<MatchableLine[]> {
    let after = 0;
    for (;;) {
      const lines: Array<MatchableLine & { start_date_time: Date | string | null }> = await this.db.query(
        `SELECT ${LINE_COLUMNS} FROM invoice_line l WHERE l.invoice_id = $1 AND l.line_no > $2 ORDER BY l.line_no LIMIT ${PAGE_LINES}`,
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

/** An invoice line's columns as matching reads them (invoice_line l). */
const LINE_COLUMNS = `l.line_no, l.cdr_ref, l.session_ref, l.authorization_reference, l.location_id, l.start_date_time, l.energy_kwh::text AS energy_kwh,
  l.time_hours::text AS time_hours, l.parking_hours::text AS parking_hours, l.amount_excl_vat::text AS amount_excl_vat,
  l.amount_incl_vat::text AS amount_incl_vat, l.vat_rate::text AS vat_rate, l.currency`;

/**
 * The `columns` of the rows of `fromWhere` (a FROM list and WHERE clause naming the key as `k.key`) for each key of the
 * text array parameter `keys`, looked up key by key: a LATERAL subquery behind OFFSET 0 is a nested loop over the
 * keys, each an index scan. Asked for 2,000 keys at once in `= ANY`, the planner priced the index scans above reading
 * the whole table (a parallel sequential scan of every CDR, 70–110 ms a page, more as the CPO's history grows).
 */
function perKey(keys: string, columns: string, fromWhere: string): string {
  return `SELECT x.* FROM unnest(${keys}::text[]) AS k(key), LATERAL (SELECT ${columns} FROM ${fromWhere} OFFSET 0) AS x`;
}

/** What `reachableCdrs` follows a CDR by (cdr c). */
const KEY_COLUMNS = `c.id, c.ocpi_id, c.mapped->>'session_id' AS session_id, c.mapped->>'authorization_reference' AS authorization_reference,
  c.credit, c.mapped->>'credit_reference_id' AS credit_reference_id`;

/** A CDR's columns as matching reads them (cdr c): HeldCdrRow. */
const HELD_CDR_COLUMNS = `c.ocpi_id AS cdr_id, c.mapped->>'session_id' AS session_id, c.mapped->>'authorization_reference' AS authorization_reference,
  c.location_id, c.start_date_time, c.currency, c.total_energy::text AS energy_kwh, c.mapped->>'total_time' AS time_hours,
  c.mapped->>'total_parking_time' AS parking_hours, c.stated_before_taxes::text AS before_taxes, c.stated_after_taxes::text AS after_taxes,
  c.credit, c.mapped->>'credit_reference_id' AS credit_reference_id, c.difference_before_taxes::text AS difference_before_taxes,
  c.difference_after_taxes::text AS difference_after_taxes, c.exact`;

type HeldCdrRow = Omit<HeldCdr, 'start_date_time'> & { start_date_time: Date | string };

function heldCdrOf(r: HeldCdrRow): HeldCdr {
  return { ...r, start_date_time: new Date(r.start_date_time).toISOString() };
}

/**
 * A window a little wider than matching's minute (START_TOLERANCE_MS), so that the database's microseconds never
 * leave out a CDR that the matcher, on milliseconds, would count: the matcher applies the minute itself.
 */
const NEAR_SECONDS = 61;

/** What to look CDRs up by: lower-cased ids, session ids, authorization references, ids credited; originals near a Location's start with an energy. */
interface CdrKeys {
  ids: string[];
  sessions: string[];
  authorizations: string[];
  creditsOf: string[];
  near: Array<{ location_id: string; at: string; energy: string }>;
}

const noKeys = (): CdrKeys => ({ ids: [], sessions: [], authorizations: [], creditsOf: [], near: [] });

const lower = (s: string) => s.toLowerCase();

/** The lookups InvoiceMatcher makes for these lines, before what it finds leads to more (`reachableCdrs` follows those). */
function keysOfLines(lines: MatchableLine[]): CdrKeys {
  const keys = noKeys();
  for (const l of lines) {
    if (l.cdr_ref) keys.ids.push(lower(l.cdr_ref));
    if (l.session_ref) keys.sessions.push(lower(l.session_ref));
    if (l.authorization_reference) keys.authorizations.push(lower(l.authorization_reference));
    if (l.location_id && l.start_date_time && l.energy_kwh) keys.near.push({ location_id: l.location_id, at: l.start_date_time, energy: l.energy_kwh });
  }
  return keys;
}

/** The keys by which a line can reach these CDRs (lines by Location: the originals'). */
function keysOfCdrs(cdrs: HeldCdr[]): CdrKeys {
  const keys = noKeys();
  for (const c of cdrs) {
    keys.ids.push(lower(c.cdr_id));
    if (c.session_id) keys.sessions.push(lower(c.session_id));
    if (c.authorization_reference) keys.authorizations.push(lower(c.authorization_reference));
    if (!c.credit) keys.near.push({ location_id: c.location_id, at: c.start_date_time, energy: c.energy_kwh });
  }
  return keys;
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
