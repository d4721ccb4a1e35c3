/**
 * Matching a CPO's invoice lines to the CDRs we hold (issue 17). Pure: the lines as read, the CDRs of the CPO, and the
 * invoice's period in; one outcome per line out, from a closed set, plus the CDRs of the period nobody invoiced.
 * Amounts are exact decimal strings in major units; a line's amount is compared with the CDR's at the line's own
 * precision but never coarser than the currency's minor unit (a CDR total of 8.1675 is invoiced as 8.17).
 */
import { Decimal } from 'decimal.js';
import { minorUnits } from '../../tariffs/engine/money';
import { InvoiceLineIn } from './invoice-csv.reader';

/** What became of an invoice line: a closed set. */
export type LineOutcome = 'MATCHED' | 'AMOUNT_DIFFERS' | 'VAT_RATE_DIFFERS' | 'CDR_NOT_HELD' | 'INVOICED_TWICE' | 'CURRENCY_DIFFERS';

/** Each outcome in plain words, for the report. */
export const OUTCOME_WORDS: Record<LineOutcome, string> = {
  MATCHED: 'matches the CDR',
  AMOUNT_DIFFERS: 'amount differs from the CDR',
  VAT_RATE_DIFFERS: 'VAT rate differs from the CDR',
  CDR_NOT_HELD: 'no CDR received for it',
  INVOICED_TWICE: 'CDR invoiced twice',
  CURRENCY_DIFFERS: 'currency differs from the CDR',
};

/** A CDR we hold, as matching needs it (amounts as stated on its total_cost; the check's difference to our price). */
export interface HeldCdr {
  cdr_id: string;
  session_id: string | null;
  authorization_reference: string | null;
  location_id: string;
  start_date_time: string;
  currency: string;
  energy_kwh: string;
  time_hours: string;
  parking_hours: string | null;
  before_taxes: string;
  after_taxes: string | null;
  credit: boolean;
  credit_reference_id: string | null;
  /** Our recomputed price − its total_cost (null: not computed), and whether that price is exact. */
  difference_before_taxes: string | null;
  difference_after_taxes: string | null;
  exact: boolean | null;
}

/** The CDR(s) a line invoices: one CDR, or (line_per SESSION) a session's CDRs netted. */
export interface MatchedUnit {
  cdr_ids: string[];
  /** How the line found it. */
  matched_by: 'CDR_ID' | 'SESSION_ID' | 'AUTHORIZATION_REFERENCE' | 'LOCATION_START_ENERGY';
  currency: string;
  before_taxes: string;
  after_taxes: string | null;
}

/** One quantity in which the line and the CDR disagree. */
export interface QuantityDifference {
  dimension: 'ENERGY' | 'TIME' | 'PARKING_TIME';
  invoiced: string;
  held: string;
}

export interface LineResult {
  line_no: number;
  outcome: LineOutcome;
  unit: MatchedUnit | null;
  invoiced: { excl_vat: string | null; incl_vat: string | null; vat_rate: string | null; currency: string };
  /** Invoiced − held, per side (null: a side not stated on both). On AMOUNT_DIFFERS and VAT_RATE_DIFFERS. */
  difference: { excl_vat: string | null; incl_vat: string | null } | null;
  /** The amount in dispute, per side: the difference, or the whole line when it cannot be paid at all. */
  disputed: { excl_vat: string | null; incl_vat: string | null };
  quantity_differences: QuantityDifference[];
  /** On matched lines: whether the CDR's own total differs from our recomputed price (issue 17). */
  cdr_price_check: { differs: boolean; exact: boolean | null; difference_before_taxes: string | null; difference_after_taxes: string | null } | null;
  /** The line that invoiced the same CDR first (INVOICED_TWICE): on this invoice (invoice_number null) or an earlier one. */
  first_line_no: number | null;
  first_invoice_number: string | null;
  /** The VAT rate the CDR's total implies, in %, (VAT_RATE_DIFFERS). */
  cdr_vat_rate: string | null;
}

export interface Matching {
  lines: LineResult[];
  /** CDRs that started in the period, not credited, that no line invoiced. */
  not_invoiced: HeldCdr[];
}

const START_TOLERANCE_MS = 60_000;

/** Where a CDR was invoiced already, on another (earlier, current) invoice of the CPO, by lower-cased CDR id. */
export type InvoicedElsewhere = ReadonlyMap<string, { invoice_number: string; line_no: number }>;

/** An invoice line as matching reads it (the raw fields as the file had them are not needed). */
export type MatchableLine = Omit<InvoiceLineIn, 'raw'>;

/**
 * @param cdrs every CDR of the CPO (credit CDRs included): lines may name CDRs outside the period
 * @param period the invoice's period: which CDRs should have been invoiced
 * @param elsewhere CDRs the CPO's earlier current invoices already invoice: a line of this one invoicing them again is INVOICED_TWICE
 */
export function matchInvoice(
  lines: MatchableLine[],
  cdrs: HeldCdr[],
  linePer: 'CDR' | 'SESSION',
  period: { from: string; to: string },
  elsewhere: InvoicedElsewhere = new Map(),
): Matching {
  const matcher = new InvoiceMatcher(new CdrIndex(cdrs), linePer, elsewhere);
  return { lines: lines.map((l) => matcher.match(l)), not_invoiced: matcher.notInvoiced(period) };
}

const lower = (s: string) => s.toLowerCase();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The CPO's CDRs indexed the ways a line finds them (by lower-cased CDR id, session id, authorization reference, the
 * originals by Location), built once per report and shared by its passes. Each list keeps the order of `cdrs`, so a
 * lookup finds what a scan of `cdrs` would, in the same order, without scanning them per line.
 */
export class CdrIndex {
  readonly byId = new Map<string, HeldCdr>();
  readonly bySession = new Map<string, HeldCdr[]>();
  readonly byAuthorization = new Map<string, HeldCdr[]>();
  readonly originalsByLocation = new Map<string, HeldCdr[]>();
  /** Credit CDRs by the lower-cased id of the CDR they credit. */
  readonly creditsOf = new Map<string, HeldCdr[]>();
  readonly originals: HeldCdr[] = [];

  constructor(readonly cdrs: HeldCdr[]) {
    for (const c of cdrs) {
      // As new Map(entries): a later CDR with the same id replaces an earlier one.
      this.byId.set(lower(c.cdr_id), c);
      if (c.session_id) push(this.bySession, lower(c.session_id), c);
      if (c.authorization_reference) push(this.byAuthorization, lower(c.authorization_reference), c);
      if (c.credit) {
        if (c.credit_reference_id) push(this.creditsOf, lower(c.credit_reference_id), c);
      } else {
        this.originals.push(c);
        push(this.originalsByLocation, c.location_id, c);
      }
    }
  }
}

/**
 * Matches the lines of one invoice, one at a time in line order, remembering what earlier lines claimed (so that the
 * lines can be read and the results written in pages). `notInvoiced` after the last line.
 *
 * The index and `elsewhere` may be replaced between lines (`usePage`): a page of lines can be matched against only the
 * CDRs its lines can reach, as long as every lookup the matcher makes for them finds in that index what it would find
 * in the index of every CDR of the CPO (see ReconciliationService), and `elsewhere` tells the truth for their CDRs.
 */
export class InvoiceMatcher {
  private readonly claimed = new Map<string, number>();
  /** Lower-cased ids of the CDRs this invoice's lines invoice (INVOICED_TWICE lines left out). */
  private readonly invoiced = new Set<string>();

  constructor(
    private index: CdrIndex,
    private readonly linePer: 'CDR' | 'SESSION',
    private elsewhere: InvoicedElsewhere = new Map(),
  ) {}

  /** The CDRs (and what earlier invoices claimed of them) the next lines are matched against; what was claimed is kept. */
  usePage(index: CdrIndex, elsewhere: InvoicedElsewhere): void {
    this.index = index;
    this.elsewhere = elsewhere;
  }

  /** Whether a line of this invoice so far invoices the CDR (by its id, any case). */
  hasInvoiced(cdrId: string): boolean {
    return this.invoiced.has(lower(cdrId));
  }

  /** The outcome of the next line (lines in line order). */
  match(l: MatchableLine): LineResult {
    const { elsewhere } = this;
    const unit = this.find(l);
    const invoiced = { excl_vat: l.amount_excl_vat, incl_vat: l.amount_incl_vat, vat_rate: l.vat_rate, currency: l.currency };
    const whole = { excl_vat: l.amount_excl_vat, incl_vat: l.amount_incl_vat };
    const base = { line_no: l.line_no, unit, invoiced };
    if (!unit) return lineResult(base, 'CDR_NOT_HELD', whole);
    const key = unit.cdr_ids.map(lower).sort().join('|');
    const first = this.claimed.get(key);
    if (first !== undefined) return lineResult(base, 'INVOICED_TWICE', whole, { first_line_no: first });
    this.claimed.set(key, l.line_no);
    const before = unit.cdr_ids.map((id) => elsewhere.get(lower(id))).find((e) => e !== undefined);
    if (before) return lineResult(base, 'INVOICED_TWICE', whole, { first_line_no: before.line_no, first_invoice_number: before.invoice_number });
    for (const id of unit.cdr_ids) this.invoiced.add(lower(id));
    if (unit.currency !== l.currency) return lineResult(base, 'CURRENCY_DIFFERS', whole);
    const minor = minorUnits(l.currency);
    const diff = (line: string | null, held: string | null) => {
      if (line === null || held === null) return null;
      const invoicedAmount = new Decimal(line);
      const places = Math.max(minor, invoicedAmount.decimalPlaces());
      return invoicedAmount.minus(new Decimal(held).toDecimalPlaces(places, Decimal.ROUND_HALF_UP)).toFixed(places);
    };
    const difference = { excl_vat: diff(l.amount_excl_vat, unit.before_taxes), incl_vat: diff(l.amount_incl_vat, unit.after_taxes) };
    const found = cdrsOf(unit, this.index.byId);
    const quantityDifferences = quantities(l, found);
    const nonZero = (v: string | null) => v !== null && !isZeroText(v);
    const priceCheck = checkOf(found);
    if (!nonZero(difference.excl_vat) && !nonZero(difference.incl_vat)) {
      return lineResult(base, 'MATCHED', { excl_vat: null, incl_vat: null }, { quantity_differences: quantityDifferences, cdr_price_check: priceCheck });
    }
    const cdrRate = impliedVatRate(unit);
    if (
      !nonZero(difference.excl_vat) &&
      nonZero(difference.incl_vat) &&
      l.vat_rate !== null &&
      lineConsistentWithRate(l, unit, minor) &&
      (cdrRate === null || !new Decimal(cdrRate).eq(l.vat_rate))
    ) {
      return lineResult(
        base,
        'VAT_RATE_DIFFERS',
        { excl_vat: null, incl_vat: difference.incl_vat },
        {
          difference,
          quantity_differences: quantityDifferences,
          cdr_price_check: priceCheck,
          cdr_vat_rate: cdrRate,
        },
      );
    }
    return lineResult(base, 'AMOUNT_DIFFERS', difference, { difference, quantity_differences: quantityDifferences, cdr_price_check: priceCheck });
  }

  /** CDRs that started in the period, not credited, that no line (of this invoice or an earlier one) invoiced; in the index's order. */
  notInvoiced(period: { from: string; to: string }): HeldCdr[] {
    const [from, to] = [Date.parse(period.from), Date.parse(period.to)];
    return this.index.originals.filter((c) => {
      const at = Date.parse(c.start_date_time);
      const id = lower(c.cdr_id);
      return at >= from && at < to && !this.invoiced.has(id) && !this.elsewhere.has(id) && !this.index.creditsOf.has(id);
    });
  }

  private unitOf(found: HeldCdr[], by: MatchedUnit['matched_by']): MatchedUnit | null {
    if (found.length === 0) return null;
    const sum = (f: (c: HeldCdr) => string | null) =>
      found.some((c) => f(c) === null)
        ? null
        : shown(
            found.reduce((s, c) => s.plus(f(c)!), new Decimal(0)),
            found[0].currency,
          );
    return { cdr_ids: found.map((c) => c.cdr_id), matched_by: by, currency: found[0].currency, before_taxes: sum((c) => c.before_taxes)!, after_taxes: sum((c) => c.after_taxes) };
  }

  /** SESSION: every CDR of the session (credits netted); CDR: the session's original CDR. */
  private ofSession(key: 'session_id' | 'authorization_reference', ref: string): HeldCdr[] {
    const all = (key === 'session_id' ? this.index.bySession : this.index.byAuthorization).get(lower(ref)) ?? [];
    if (this.linePer === 'SESSION') return all;
    const own = all.filter((c) => !c.credit);
    return own.length === 1 ? own : [];
  }

  private find(l: MatchableLine): MatchedUnit | null {
    if (l.cdr_ref) {
      const c = this.index.byId.get(lower(l.cdr_ref));
      if (c) return this.unitOf(this.linePer === 'SESSION' && c.session_id ? this.ofSession('session_id', c.session_id) : [c], 'CDR_ID');
    }
    if (l.session_ref) {
      const u = this.unitOf(this.ofSession('session_id', l.session_ref), 'SESSION_ID');
      if (u) return u;
    }
    if (l.authorization_reference) {
      const u = this.unitOf(this.ofSession('authorization_reference', l.authorization_reference), 'AUTHORIZATION_REFERENCE');
      if (u) return u;
    }
    if (l.location_id && l.start_date_time && l.energy_kwh) {
      const at = Date.parse(l.start_date_time);
      const near = (this.index.originalsByLocation.get(l.location_id) ?? []).filter(
        (c) => Math.abs(Date.parse(c.start_date_time) - at) < START_TOLERANCE_MS && new Decimal(c.energy_kwh).eq(l.energy_kwh!),
      );
      if (near.length === 1) return this.unitOf([near[0], ...(this.linePer === 'SESSION' ? (this.index.creditsOf.get(lower(near[0].cdr_id)) ?? []) : [])], 'LOCATION_START_ENERGY');
    }
    return null;
  }
}

/**
 * A LineResult of one fixed shape, its keys always in the same order (the report's JSON is written from it): a literal,
 * because spreading a base object and overriding its keys made each result a slow object (most of matching's time).
 */
function lineResult(
  base: Pick<LineResult, 'line_no' | 'unit' | 'invoiced'>,
  outcome: LineOutcome,
  disputed: LineResult['disputed'],
  o: Partial<Pick<LineResult, 'difference' | 'quantity_differences' | 'cdr_price_check' | 'first_line_no' | 'first_invoice_number' | 'cdr_vat_rate'>> = {},
): LineResult {
  return {
    line_no: base.line_no,
    unit: base.unit,
    invoiced: base.invoiced,
    difference: o.difference ?? null,
    quantity_differences: o.quantity_differences ?? [],
    cdr_price_check: o.cdr_price_check ?? null,
    first_line_no: o.first_line_no ?? null,
    first_invoice_number: o.first_invoice_number ?? null,
    cdr_vat_rate: o.cdr_vat_rate ?? null,
    outcome,
    disputed,
  };
}

function cdrsOf(unit: MatchedUnit, byId: Map<string, HeldCdr>): HeldCdr[] {
  return unit.cdr_ids.map((id) => byId.get(id.toLowerCase())!).filter(Boolean);
}

/** The quantities the line states that differ from the CDR's (the original's, a credit's being the same). */
function quantities(l: MatchableLine, found: HeldCdr[]): QuantityDifference[] {
  const original = found.find((c) => !c.credit);
  if (!original) return [];
  const out: QuantityDifference[] = [];
  const pairs: Array<[QuantityDifference['dimension'], string | null, string | null]> = [
    ['ENERGY', l.energy_kwh, original.energy_kwh],
    ['TIME', l.time_hours, original.time_hours],
    ['PARKING_TIME', l.parking_hours, original.parking_hours ?? '0'],
  ];
  for (const [dimension, invoiced, held] of pairs) {
    if (invoiced === null || held === null) continue;
    const places = new Decimal(invoiced).decimalPlaces();
    if (!new Decimal(held).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).eq(invoiced)) out.push({ dimension, invoiced, held });
  }
  return out;
}

/** The check of the CDR(s) (sums of computed − stated); differs when a side is non-zero or a price is not exact. */
function checkOf(found: HeldCdr[]): LineResult['cdr_price_check'] {
  if (found.some((c) => c.difference_before_taxes === null)) return { differs: false, exact: null, difference_before_taxes: null, difference_after_taxes: null };
  const sum = (f: (c: HeldCdr) => string | null) =>
    found.some((c) => f(c) === null)
      ? null
      : shown(
          found.reduce((s, c) => s.plus(f(c)!), new Decimal(0)),
          found[0].currency,
        );
  const before = sum((c) => c.difference_before_taxes);
  const after = sum((c) => c.difference_after_taxes);
  const exact = found.every((c) => c.exact === true);
  const differs = (before !== null && !isZeroText(before)) || (after !== null && !isZeroText(after));
  return { differs, exact, difference_before_taxes: before, difference_after_taxes: after };
}

/** (after / before − 1) × 100, to two places; null when the CDR does not tell both or costs nothing. */
export function impliedVatRate(unit: { before_taxes: string; after_taxes: string | null }): string | null {
  if (unit.after_taxes === null || new Decimal(unit.before_taxes).isZero()) return null;
  return new Decimal(unit.after_taxes).div(unit.before_taxes).minus(1).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed();
}

/** The line's amount including VAT is its amount excluding VAT (or the CDR's) with its own VAT rate applied, to the cent. */
function lineConsistentWithRate(l: MatchableLine, unit: MatchedUnit, minor: number): boolean {
  if (l.amount_incl_vat === null || l.vat_rate === null) return false;
  const excl = new Decimal(l.amount_excl_vat ?? unit.before_taxes);
  const expected = excl.times(new Decimal(1).plus(new Decimal(l.vat_rate).div(100))).toDecimalPlaces(minor, Decimal.ROUND_HALF_UP);
  return expected.eq(new Decimal(l.amount_incl_vat).toDecimalPlaces(minor, Decimal.ROUND_HALF_UP));
}

/** Exact, shown to at least the currency's minor unit (-0.5 → "-0.50"; 8.1675 stays). */
export function shown(d: Decimal, currency: string): string {
  return d.toFixed(Math.max(minorUnits(currency), d.decimalPlaces()));
}

/** Whether a decimal as toFixed writes it ("0.00", "-0.00", "0") is zero: the same as new Decimal(v).isZero(), without parsing. */
function isZeroText(v: string): boolean {
  return /^-?0(\.0*)?$/.test(v);
}
