/**
 * Amounts before and after taxes, as each OCPI version defines them, and min_price / max_price.
 *
 * - tax_included NO (2.1.1, 2.2.1, 2.3.0): price × quantity is before taxes; VAT = that × vat / 100. An omitted
 *   `vat` adds nothing (2.2.1: "no VAT is applicable") or leaves the after-tax side unknown (2.1.1; 2.3.0, where such
 *   taxes are added on top under local law).
 * - tax_included YES (2.3.0): price × quantity is after taxes; before = after / (1 + vat / 100); without `vat` the
 *   before-tax side is unknown.
 * - tax_included N/A (2.3.0): no taxes; before = after.
 * An unknown side of a zero amount is still zero.
 */
import { Amount, NotExactReason, TaxLine } from './charge-cost.model';
import { CompiledTariff } from './compiled-tariff';
import { Dec, HUNDRED, ONE, ZERO, fixed, roundMoney, showDec } from './money';

/** Before / after taxes (null: unknown) and the VAT per percentage (null: unknown). */
export interface Money {
  before: Dec | null;
  after: Dec | null;
  taxes: Map<string, Dec> | null;
  /** Kept by toAmount: the Money written out (a Money is never changed once made). */
  shown?: { decimals: number; amount: Amount };
}

export const NO_MONEY: Money = { before: ZERO, after: ZERO, taxes: new Map() };

/** The amount of one priced stretch; `vatText` is vat.toFixed() (the key its tax is summed under). */
export function lineMoney(amount: Dec, vat: Dec | null, vatText: string | null, t: CompiledTariff): Money {
  const mode = t.source.tax_included ?? 'NO';
  if (mode === 'N/A' || amount.isZero()) return { before: amount, after: amount, taxes: new Map() };
  if (vat === null) {
    if (t.source.omitted_vat === 'NO_VAT') return { before: amount, after: amount, taxes: new Map() };
    return mode === 'YES' ? { before: null, after: amount, taxes: null } : { before: amount, after: null, taxes: null };
  }
  const key = vatText ?? vat.toFixed();
  if (mode === 'YES') {
    const before = amount.div(ONE.plus(vat.div(HUNDRED)));
    return { before, after: amount, taxes: oneTax(key, amount.minus(before)) };
  }
  const tax = amount.times(vat).div(HUNDRED);
  return { before: amount, after: amount.plus(tax), taxes: oneTax(key, tax) };
}

/** a + b, side by side and tax rate by tax rate; a side unknown in either is unknown in the sum. */
export function addMoney(a: Money, b: Money): Money {
  if (a === NO_MONEY) return b;
  if (b === NO_MONEY) return a;
  let taxes: Map<string, Dec> | null = null;
  if (a.taxes && b.taxes) {
    const sum = new Map<string, Dec>();
    a.taxes.forEach((amount, rate) => sum.set(rate, amount));
    b.taxes.forEach((amount, rate) => sum.set(rate, (sum.get(rate) ?? ZERO).plus(amount)));
    taxes = sum;
  }
  return {
    before: a.before === null || b.before === null ? null : a.before.plus(b.before),
    after: a.after === null || b.after === null ? null : a.after.plus(b.after),
    taxes,
  };
}

export interface Bounded {
  money: Money;
  minApplied: boolean;
  maxApplied: boolean;
  notes: string[];
  /** Set when the after-tax side of a bound had to be guessed. */
  inexact: NotExactReason | null;
}

/**
 * min_price, then max_price (mod_tariffs 2.2.1 §Tariff object and its NOTEs; 2.3.0 PriceLimit): the before-tax
 * bound applies to the before-tax total and the after-tax bound to the after-tax total, each on its own. A bound
 * without its after-tax value moves the after-tax total along with the before-tax one, at the charge's own
 * after/before ratio (with nothing charged: its single VAT rate; several rates make that a guess, reported).
 */
export function applyBounds(total: Money, t: CompiledTariff, ratesUsed: Dec[]): Bounded {
  const out: Bounded = { money: { before: total.before, after: total.after, taxes: total.taxes }, minApplied: false, maxApplied: false, notes: [], inexact: null };
  const ratio = afterPerBefore(total, t, ratesUsed, out);
  for (const [name, limit, beyond] of [
    ['min_price', t.minPrice, (x: Dec, b: Dec) => x.lt(b)],
    ['max_price', t.maxPrice, (x: Dec, b: Dec) => x.gt(b)],
  ] as const) {
    if (!limit) continue;
    const m = out.money;
    let applied = false;
    if (m.before === null) out.notes.push(`${name} before taxes could not be checked: the before-tax total is unknown`);
    else if (beyond(m.before, limit.before)) {
      m.before = limit.before;
      applied = true;
      if (limit.after === null && m.after !== null) m.after = limit.before.times(ratio());
    }
    if (limit.after !== null) {
      if (m.after === null) out.notes.push(`${name} after taxes could not be checked: the after-tax total is unknown`);
      else if (beyond(m.after, limit.after)) {
        m.after = limit.after;
        applied = true;
      }
    }
    if (applied) {
      m.taxes = mergedTaxes(m, ratesUsed);
      if (name === 'min_price') out.minApplied = true;
      else out.maxApplied = true;
    }
  }
  return out;
}

function afterPerBefore(total: Money, t: CompiledTariff, ratesUsed: Dec[], out: Bounded): () => Dec {
  return () => {
    if (total.before !== null && total.after !== null && total.before.gt(ZERO)) return total.after.div(total.before);
    if ((t.source.tax_included ?? 'NO') === 'N/A') return ONE;
    const rates = distinct(ratesUsed.length > 0 ? ratesUsed : allRates(t));
    const highest = rates.reduce((a, b) => (b.gt(a) ? b : a), ZERO);
    if (rates.length !== 1) {
      out.inexact = { code: 'PRICE_BOUND_VAT_GUESSED', text: `a price bound has no after-tax value and the VAT rate of the charge is not known: ${highest.toFixed()} % assumed` };
    }
    return ONE.plus(highest.div(HUNDRED));
  };
}

function allRates(t: CompiledTariff): Dec[] {
  return t.elements.flatMap((e) => [...e.components.values()].map((c) => c.vat ?? ZERO));
}

function distinct(rates: Dec[]): Dec[] {
  const seen = new Map<string, Dec>();
  for (const r of rates) seen.set(r.toFixed(), r);
  return [...seen.values()];
}

/** After a bound moved the totals, the tax is their difference: one line, at the rate if there was only one. */
function mergedTaxes(m: Money, ratesUsed: Dec[]): Map<string, Dec> | null {
  if (m.before === null || m.after === null) return null;
  const tax = m.after.minus(m.before);
  if (tax.isZero()) return new Map();
  const rates = distinct(ratesUsed);
  return oneTax(rates.length === 1 ? rates[0].toFixed() : '', tax);
}

/**
 * An unrounded Money for output. Written once per Money object and decimals (a dimension priced by one stretch has
 * that stretch's very Money as its cost, shown in the breakdown line and in the costs): each caller gets its own copy.
 */
export function toAmount(m: Money, minDecimals: number): Amount {
  if (m === NO_MONEY) return zeroAmount(minDecimals);
  let shown = m.shown;
  if (!shown || shown.decimals !== minDecimals) {
    shown = { decimals: minDecimals, amount: writeAmount(m, minDecimals) };
    m.shown = shown;
    return shown.amount;
  }
  const a = shown.amount;
  return { before_taxes: a.before_taxes, taxes: a.taxes === null ? null : a.taxes.map((t) => taxLine(t.percentage ?? '', t.amount)), after_taxes: a.after_taxes };
}

function writeAmount(m: Money, minDecimals: number): Amount {
  return {
    before_taxes: m.before === null ? null : showDec(m.before, minDecimals),
    taxes: m.taxes === null ? null : taxLines(m.taxes, (amount) => showDec(amount, minDecimals)),
    after_taxes: m.after === null ? null : showDec(m.after, minDecimals),
  };
}

/**
 * Rounded half-up to the currency's minor unit: before and after each, taxes per rate; a rounding residue between
 * the sum of the rounded taxes and (after − before) goes to the largest tax, so the three always add up.
 */
export function toRoundedAmount(m: Money, minor: number): Amount {
  const before = m.before === null ? null : roundMoney(m.before, minor);
  const after = m.after === null ? null : roundMoney(m.after, minor);
  let taxes: TaxLine[] | null = null;
  if (m.taxes !== null && m.taxes.size === 1 && before !== null && after !== null) {
    // One rate (most tariffs): the residue rule below leaves it exactly after − before, so that is taken directly.
    const [rate] = m.taxes.keys();
    taxes = [taxLine(rate, fixed(after.minus(before), minor))];
  } else if (m.taxes !== null) {
    const rounded = [...m.taxes].map(([rate, amount]) => ({ rate, amount: roundMoney(amount, minor) }));
    if (before !== null && after !== null && rounded.length > 0) {
      const residue = after.minus(before).minus(rounded.reduce((s, r) => s.plus(r.amount), ZERO));
      const largest = rounded.reduce((a, b) => (b.amount.abs().gt(a.amount.abs()) ? b : a));
      largest.amount = largest.amount.plus(residue);
    }
    taxes = rounded.map((r) => taxLine(r.rate, fixed(r.amount, minor)));
  }
  return { before_taxes: before === null ? null : fixed(before, minor), taxes, after_taxes: after === null ? null : fixed(after, minor) };
}

/** Nothing: most dimensions of most charges. */
const ZEROS = new Map<number, string>();

function zeroAmount(minDecimals: number): Amount {
  let zero = ZEROS.get(minDecimals);
  if (zero === undefined) {
    zero = fixed(ZERO, minDecimals);
    ZEROS.set(minDecimals, zero);
  }
  return { before_taxes: zero, taxes: [], after_taxes: zero };
}

/**
 * Maps are walked with forEach and built with set: spreading a Map, or building one from a list of pairs, goes through
 * the iterator protocol, which cost more than the decimals in it (issue 17).
 */
function oneTax(rate: string, amount: Dec): Map<string, Dec> {
  return new Map<string, Dec>().set(rate, amount);
}

/** One TaxLine per rate, in the map's order, the amount written by `write`. */
function taxLines(taxes: Map<string, Dec>, write: (amount: Dec) => string): TaxLine[] {
  const lines: TaxLine[] = [];
  taxes.forEach((amount, rate) => lines.push(taxLine(rate, write(amount))));
  return lines;
}

function taxLine(rate: string, amount: string): TaxLine {
  return { name: 'VAT', percentage: rate === '' ? null : rate, amount };
}
