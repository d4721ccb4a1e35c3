/**
 * A simple, honest cost estimate of one charge under a Tariff (mod_tariffs 2.2.1 §Tariff object, §TariffElement class,
 * §PriceComponent class, §TariffRestrictions class, §Tariff examples; step_size per mod_cdrs 2.2.1 §step_size).
 * First slice: the whole charge is one period. A full tariff engine (per-period restrictions) will replace the
 * internals; the exported shapes are meant to stay.
 *
 * Rules, and why:
 * - Per dimension, the first TariffElement with a PriceComponent of that type whose restrictions match decides its
 *   price (§Tariff object). No matching element: that dimension costs nothing (ditto).
 * - min/max_kwh and min/max_duration are evaluated with the charge's totals, i.e. as at the end of the charge. When
 *   the charge crosses such a limit (part of it would be priced by another element) we say so and exact=false.
 * - Elements with a `reservation` restriction describe reservation costs (§TariffRestrictions class), which a charge
 *   estimate does not include: they never match. This is an evaluation, not a guess, so it keeps exact=true.
 * - Other restrictions (start/end_time, start/end_date, day_of_week, min/max_current, min/max_power) are not
 *   evaluated: an element carrying them is skipped if a later element without them prices the same dimension (the
 *   spec's advised fallback), otherwise used as if they matched; either way a line says so and exact=false — unless
 *   the dimension's quantity is 0 (parking), where the choice cannot change the total.
 * - Quantities: ENERGY in kWh (step_size in Wh), TIME = the whole duration as charging time in hours (step_size in
 *   seconds), PARKING_TIME = 0 (no parking in the charge), FLAT = 1 per session (no step_size). step_size rounds the
 *   quantity up to a whole number of steps; with one period the "last period" is the whole quantity. A step_size of 0
 *   or less (tariff_5 has FLAT step_size 0) means no rounding.
 * - VAT per component: `vat` null → no VAT (inclVat = exclVat), as the spec distinguishes it from "0".
 * - min_price/max_price bound the totals; per the spec's notes both the excl. and the incl. VAT bound apply, each to its
 *   own total. When a bound has no incl_vat and its excl. bound applied, the incl. total follows the excl. one at the
 *   charge's effective VAT ratio (sum incl / sum excl). min is applied before max.
 * - Rounding (the spec leaves it to law and contracts, §Tariff object NOTE): component figures keep full precision
 *   and are shown with at least 4 decimals (types §number: "numbers use 4 decimals"), at most 8 (repeating decimals,
 *   e.g. 7 min = 0.11666667 h, are rounded there for display only). Totals are summed unrounded, then rounded once to
 *   the currency's minor unit with ROUND_HALF_UP; totalVat = totalInclVat - totalExclVat, so the three always add up.
 * - Not looked at: the tariff's start/end_date_time and type (the caller picks the applicable tariff), reservations,
 *   parking.
 */
import { Decimal } from 'decimal.js';
import type { CanonicalTariff, PriceComponent, TariffDimensionType, TariffElement, TariffRestrictions } from './tariff.model';

/** The charge to estimate: decimal strings, energy in kWh, duration (all charging) in minutes. */
export interface ChargeToEstimate {
  energyKwh: string;
  durationMinutes: string;
}

export interface PriceEstimateComponent {
  type: TariffDimensionType;
  /** Billed quantity after step_size, in `unit`. */
  quantity: string;
  unit: 'kWh' | 'hours' | 'session';
  /** Price per unit excl. VAT, major currency units. */
  unitPrice: string;
  exclVat: string;
  /** VAT percentage ("21" = 21 %); null when the tariff says no VAT applies. */
  vatPercent: string | null;
  vat: string;
  inclVat: string;
  /** True when step_size rounding increased the quantity. */
  stepSizeApplied: boolean;
}

export interface PriceEstimate {
  currency: string;
  /** In the order FLAT, ENERGY, TIME, PARKING_TIME; a dimension that no element prices is absent. */
  components: PriceEstimateComponent[];
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
  minPriceApplied: boolean;
  maxPriceApplied: boolean;
  /** Human-readable lines on what was not (or only approximately) evaluated; elements are numbered from 1. */
  unevaluatedRestrictions: string[];
  /** False whenever something that could change the totals was not evaluated exactly. */
  exact: boolean;
}

/** Enough precision that only the final rounding matters; HALF_UP is the rounding we document for totals. */
const Dec = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -60, toExpPos: 60 });
type Dec = Decimal;

const ZERO = new Dec(0);
const DIMENSIONS: TariffDimensionType[] = ['FLAT', 'ENERGY', 'TIME', 'PARKING_TIME'];

/** ISO 4217 minor units that are not 2; everything else has 2. */
const MINOR_UNITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0,
  XAF: 0, XOF: 0, XPF: 0, BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

/**
 * Estimates what one charge costs under `tariff`.
 *
 * @param tariff the canonical tariff (prices: decimal strings, major units, excl. VAT)
 * @param charge energy in kWh and duration in minutes, non-negative decimal strings; the whole duration counts as
 *               charging time (TIME), none as parking
 * @returns per-dimension components and totals as decimal strings in major units of `tariff.currency`
 * @throws Error when `charge` holds a negative or non-decimal value, or the tariff a non-decimal price, VAT or bound
 */
export function estimateChargeCost(tariff: CanonicalTariff, charge: ChargeToEstimate): PriceEstimate {
  const usage: Usage = {
    kwh: parseDecimal(charge.energyKwh, 'charge.energyKwh', true),
    seconds: parseDecimal(charge.durationMinutes, 'charge.durationMinutes', true).times(60),
  };
  const notes: string[] = [];
  let exact = true;
  const priced: PricedComponent[] = [];

  for (const type of DIMENSIONS) {
    const selection = selectPriceComponent(tariff.elements ?? [], type, usage);
    if (!selection) continue;
    const component = priceComponent(selection.component, usage);
    const matters = !component.billed.isZero();
    for (const note of selection.notes) notes.push(matters ? note : `${note} (no effect: quantity is 0)`);
    if (matters && selection.notes.length > 0) exact = false;
    priced.push(component);
  }

  const totals = applyPriceBounds(tariff, priced);
  notes.push(...totals.notes);
  if (totals.notes.length > 0) exact = false;

  const minor = MINOR_UNITS[String(tariff.currency).toUpperCase()] ?? 2;
  const totalExcl = totals.excl.toDecimalPlaces(minor, Decimal.ROUND_HALF_UP);
  const totalIncl = totals.incl.toDecimalPlaces(minor, Decimal.ROUND_HALF_UP);
  return {
    currency: tariff.currency,
    components: priced.map((c) => c.view),
    totalExclVat: totalExcl.toFixed(minor),
    totalVat: totalIncl.minus(totalExcl).toFixed(minor),
    totalInclVat: totalIncl.toFixed(minor),
    minPriceApplied: totals.minApplied,
    maxPriceApplied: totals.maxApplied,
    unevaluatedRestrictions: notes,
    exact,
  };
}

/** The charge's totals: energy in kWh, charging time in seconds. */
interface Usage {
  kwh: Dec;
  seconds: Dec;
}

// ---------------------------------------------------------------------------------------------------------------
// Choosing the PriceComponent per dimension

interface Selection {
  component: PriceComponent;
  notes: string[];
}

/** Restriction fields that need the time, the date or the power/current profile of the charge: not evaluated here. */
const UNEVALUATED_FIELDS: Array<keyof TariffRestrictions> = [
  'start_time', 'end_time', 'start_date', 'end_date', 'day_of_week', 'min_current', 'max_current', 'min_power', 'max_power',
];

/** The verdict on one element's restrictions for the whole charge. */
interface RestrictionVerdict {
  /** A reservation element: never applies to a charge. */
  reservation: boolean;
  /** min/max kWh and duration hold with the charge's totals. */
  matchesTotals: boolean;
  /** Names of min/max kWh or duration limits the charge crosses (the element applies to only part of it). */
  crossed: string[];
  /** Names of restrictions this slice does not evaluate. */
  unevaluated: string[];
}

/**
 * The §Tariff object rule, approximated for one period: first element (in list order) with a component of `type`
 * whose restrictions match; elements with unevaluated restrictions yield to a later one without them.
 */
function selectPriceComponent(elements: TariffElement[], type: TariffDimensionType, usage: Usage): Selection | null {
  const notesByElement: Array<{ index: number; note: string }> = [];
  let fallback: { index: number; component: PriceComponent; unevaluated: string[] } | null = null;
  const skipped: Array<{ index: number; unevaluated: string[] }> = [];

  for (let index = 0; index < elements.length; index++) {
    const component = (elements[index].price_components ?? []).find((pc) => pc.type === type);
    if (!component) continue;
    const verdict = judgeRestrictions(elements[index].restrictions, usage);
    if (verdict.reservation) continue;
    if (verdict.crossed.length > 0) {
      notesByElement.push({
        index,
        note:
          `element ${index + 1} (${type}) has ${verdict.crossed.join('/')} restrictions that were evaluated for the whole ` +
          'charge only; the charge crosses that limit, so part of it may be priced differently',
      });
    }
    if (!verdict.matchesTotals) continue;
    if (verdict.unevaluated.length === 0) {
      const notes = notesByElement.filter((n) => n.index <= index).map((n) => n.note);
      for (const s of skipped) {
        notes.push(
          `element ${s.index + 1} (${type}) has ${s.unevaluated.join('/')} restrictions that were not evaluated; ` +
            `skipped in favour of element ${index + 1}, which has none`,
        );
      }
      return { component, notes };
    }
    fallback ??= { index, component, unevaluated: verdict.unevaluated };
    skipped.push({ index, unevaluated: verdict.unevaluated });
  }

  if (!fallback) return null;
  const chosen = fallback;
  const notes = notesByElement.filter((n) => n.index <= chosen.index).map((n) => n.note);
  notes.push(
    `element ${chosen.index + 1} (${type}) has ${chosen.unevaluated.join('/')} restrictions that were not evaluated; ` +
      'used as if they matched',
  );
  return { component: chosen.component, notes };
}

function judgeRestrictions(r: TariffRestrictions | null | undefined, usage: Usage): RestrictionVerdict {
  if (!r) return { reservation: false, matchesTotals: true, crossed: [], unevaluated: [] };
  const energy = judgeRange(optionalDecimal(r.min_kwh, 'min_kwh'), optionalDecimal(r.max_kwh, 'max_kwh'), usage.kwh);
  const duration = judgeRange(
    optionalDecimal(r.min_duration, 'min_duration'),
    optionalDecimal(r.max_duration, 'max_duration'),
    usage.seconds,
  );
  // If either limit is never met during the charge, the element never applies: an exact "no".
  const neverActive = energy.never || duration.never;
  const crossed = neverActive
    ? []
    : [
        ...(energy.crossed ? presentNames(r, ['min_kwh', 'max_kwh']) : []),
        ...(duration.crossed ? presentNames(r, ['min_duration', 'max_duration']) : []),
      ];
  return {
    reservation: isPresent(r.reservation),
    matchesTotals: energy.atEnd && duration.atEnd,
    crossed,
    unevaluated: presentNames(r, UNEVALUATED_FIELDS),
  };
}

/**
 * A [min, max) limit on a quantity that grows from 0 to `total` during the charge (min inclusive, max exclusive, per
 * §TariffRestrictions class). atEnd: holds with the totals; never: holds at no point; crossed: holds for part only.
 */
function judgeRange(min: Dec | null, max: Dec | null, total: Dec): { atEnd: boolean; never: boolean; crossed: boolean } {
  const atEnd = (min === null || total.gte(min)) && (max === null || total.lt(max));
  const throughout = (min === null || min.lte(0)) && (max === null || total.lt(max));
  const never = (min !== null && min.gt(total)) || (max !== null && max.lte(0)) || (min !== null && max !== null && min.gte(max));
  return { atEnd, never, crossed: !throughout && !never };
}

function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  return !Array.isArray(value) || value.length > 0;
}

function presentNames(r: TariffRestrictions, fields: Array<keyof TariffRestrictions>): string[] {
  return fields.filter((f) => isPresent(r[f]));
}

// ---------------------------------------------------------------------------------------------------------------
// Pricing one component

interface PricedComponent {
  billed: Dec;
  excl: Dec;
  incl: Dec;
  vatPercent: Dec | null;
  view: PriceEstimateComponent;
}

function priceComponent(pc: PriceComponent, usage: Usage): PricedComponent {
  const price = parseDecimal(pc.price, `${pc.type} price`, false);
  const vatPercent = pc.vat === null || pc.vat === undefined ? null : parseDecimal(pc.vat, `${pc.type} vat`, false);
  const q = billedQuantity(pc, usage);
  // Multiply before dividing so that exact results (e.g. 0.5 * 150 min) stay exact.
  const excl = price.times(q.billed).div(q.perUnit);
  const vat = vatPercent === null ? ZERO : excl.times(vatPercent).div(100);
  const incl = excl.plus(vat);
  return {
    billed: q.billed,
    excl,
    incl,
    vatPercent,
    view: {
      type: pc.type,
      quantity: show(q.billed.div(q.perUnit)),
      unit: q.unit,
      unitPrice: show(price),
      exclVat: show(excl),
      vatPercent: vatPercent === null ? null : vatPercent.toFixed(),
      vat: show(vat),
      inclVat: show(incl),
      stepSizeApplied: q.stepSizeApplied,
    },
  };
}

/**
 * The billed amount in step_size units (Wh, seconds, sessions) and how many of those make one priced unit
 * (1000 Wh per kWh, 3600 s per hour, 1 per session).
 */
function billedQuantity(
  pc: PriceComponent,
  usage: Usage,
): { billed: Dec; perUnit: number; unit: PriceEstimateComponent['unit']; stepSizeApplied: boolean } {
  switch (pc.type) {
    case 'FLAT':
      return { billed: new Dec(1), perUnit: 1, unit: 'session', stepSizeApplied: false };
    case 'ENERGY':
      return { ...roundUpToStep(usage.kwh.times(1000), pc.step_size), perUnit: 1000, unit: 'kWh' };
    case 'TIME':
      return { ...roundUpToStep(usage.seconds, pc.step_size), perUnit: 3600, unit: 'hours' };
    case 'PARKING_TIME':
      return { billed: ZERO, perUnit: 3600, unit: 'hours', stepSizeApplied: false };
    default:
      throw new Error(`Unknown TariffDimensionType "${String((pc as { type: unknown }).type)}"`);
  }
}

/** PriceComponent.step_size: amounts are rounded up to the smallest multiple of step_size not below them. */
function roundUpToStep(amount: Dec, stepSize: number): { billed: Dec; stepSizeApplied: boolean } {
  if (!Number.isFinite(stepSize) || stepSize <= 0) return { billed: amount, stepSizeApplied: false };
  const billed = amount.div(stepSize).ceil().times(stepSize);
  return { billed, stepSizeApplied: !billed.eq(amount) };
}

// ---------------------------------------------------------------------------------------------------------------
// min_price / max_price

interface Totals {
  excl: Dec;
  incl: Dec;
  minApplied: boolean;
  maxApplied: boolean;
  notes: string[];
}

function applyPriceBounds(tariff: CanonicalTariff, priced: PricedComponent[]): Totals {
  const sumExcl = priced.reduce((sum, c) => sum.plus(c.excl), ZERO);
  const sumIncl = priced.reduce((sum, c) => sum.plus(c.incl), ZERO);
  const totals: Totals = { excl: sumExcl, incl: sumIncl, minApplied: false, maxApplied: false, notes: [] };

  if (tariff.min_price) {
    const min = bound(tariff.min_price, 'min_price');
    const exclClamped = totals.excl.lt(min.excl);
    if (exclClamped) totals.excl = min.excl;
    if (min.incl !== null) {
      if (totals.incl.lt(min.incl)) {
        totals.incl = min.incl;
        totals.minApplied = true;
      }
    } else if (exclClamped) {
      totals.incl = min.excl.times(vatRatio(priced, sumExcl, sumIncl, 'min_price', totals.notes));
    }
    totals.minApplied ||= exclClamped;
  }

  if (tariff.max_price) {
    const max = bound(tariff.max_price, 'max_price');
    const exclClamped = totals.excl.gt(max.excl);
    if (exclClamped) totals.excl = max.excl;
    if (max.incl !== null) {
      if (totals.incl.gt(max.incl)) {
        totals.incl = max.incl;
        totals.maxApplied = true;
      }
    } else if (exclClamped) {
      totals.incl = max.excl.times(vatRatio(priced, sumExcl, sumIncl, 'max_price', totals.notes));
    }
    totals.maxApplied ||= exclClamped;
  }
  return totals;
}

function bound(price: { excl_vat: string; incl_vat: string | null }, name: string): { excl: Dec; incl: Dec | null } {
  return {
    excl: parseDecimal(price.excl_vat, `${name}.excl_vat`, false),
    incl: price.incl_vat === null || price.incl_vat === undefined ? null : parseDecimal(price.incl_vat, `${name}.incl_vat`, false),
  };
}

/**
 * incl/excl factor for a bound given without incl_vat: the charge's own ratio; with nothing charged, the single VAT
 * rate of its components, or (several rates, or none) the highest — a guess we report.
 */
function vatRatio(priced: PricedComponent[], sumExcl: Dec, sumIncl: Dec, name: string, notes: string[]): Dec {
  if (sumExcl.gt(0)) return sumIncl.div(sumExcl);
  const rates = [...new Set(priced.map((c) => (c.vatPercent ?? ZERO).toFixed()))].map((r) => new Dec(r));
  const highest = rates.reduce((a, b) => (b.gt(a) ? b : a), ZERO);
  if (rates.length !== 1) {
    notes.push(`${name} has no incl_vat and the VAT rate of the charge is unknown; ${highest.toFixed()} % VAT assumed`);
  }
  return highest.div(100).plus(1);
}

// ---------------------------------------------------------------------------------------------------------------
// Decimal strings

const DECIMAL_LITERAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal from a string (or, for integer fields like min_duration, a number); never NaN, Infinity or hex. */
function parseDecimal(value: unknown, what: string, nonNegative: boolean): Dec {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL_LITERAL.test(text.trim())) {
    throw new Error(`${what} must be a decimal string, got ${JSON.stringify(value)}`);
  }
  const d = new Dec(text.trim());
  if (nonNegative && d.isNegative() && !d.isZero()) throw new Error(`${what} must not be negative, got "${text}"`);
  return d;
}

function optionalDecimal(value: unknown, what: string): Dec | null {
  return value === null || value === undefined || value === '' ? null : parseDecimal(value, `restriction ${what}`, false);
}

/** At least 4 decimals, at most 8 (see the rounding rule in the module comment). */
function show(d: Dec): string {
  const r = d.toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
  return r.decimalPlaces() <= 4 ? r.toFixed(4) : r.toFixed();
}
