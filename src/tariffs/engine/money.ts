/**
 * Decimal arithmetic for prices and quantities (decimal.js, never floats). 50 significant digits, so that only the
 * one rounding we do on purpose (totals to the currency's minor unit, half-up) ever changes a figure.
 */
import { Decimal } from 'decimal.js';

export const Dec = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -60, toExpPos: 60 });
export type Dec = Decimal;

export const ZERO = new Dec(0);
export const ONE = new Dec(1);
export const HUNDRED = new Dec(100);
export const THOUSAND = new Dec(1000);
export const SECONDS_PER_HOUR = new Dec(3600);

/** ISO 4217 minor units that are not 2; every other currency has 2. */
const MINOR_UNITS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/**
 * `ms` milliseconds in seconds: new Dec(ms).div(1000), read from text ("1234e-3") for a whole number of ms, which is
 * exact and costs a tenth of a division (instants are whole ms; several are turned into seconds per charging period).
 */
export function secondsOfMs(ms: number): Dec {
  if (ms === 0) return ZERO;
  return Number.isSafeInteger(ms) ? new Dec(`${ms}e-3`) : new Dec(ms).div(THOUSAND);
}

/** Decimals of the currency's minor unit (ISO 4217): 2 for EUR, 0 for JPY, 3 for KWD. */
export function minorUnits(currency: string): number {
  return MINOR_UNITS[String(currency).toUpperCase()] ?? 2;
}

const DECIMAL_LITERAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A decimal from a decimal string (or a finite JS number, for int fields such as step_size and durations).
 * @throws Error naming `what` for anything else (NaN, Infinity, hex, empty), or a negative value when `nonNegative`.
 */
export function toDec(value: unknown, what: string, nonNegative = false): Dec {
  if (value instanceof Dec) {
    if (nonNegative && value.isNegative() && !value.isZero()) throw new Error(`${what} must not be negative, got ${value.toFixed()}`);
    return value;
  }
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : null;
  if (text === null || !DECIMAL_LITERAL.test(text)) throw new Error(`${what} must be a decimal number, got ${JSON.stringify(value)}`);
  const d = new Dec(text);
  if (nonNegative && d.isNegative() && !d.isZero()) throw new Error(`${what} must not be negative, got ${JSON.stringify(value)}`);
  return d;
}

/** Like toDec, but null / undefined / "" give null. */
export function toDecOrNull(value: unknown, what: string, nonNegative = false): Dec | null {
  return value === null || value === undefined || value === '' ? null : toDec(value, what, nonNegative);
}

/**
 * An unrounded figure for display: exact when it has at most 8 decimals, else rounded there (repeating decimals such
 * as 7 minutes = 0.11666… h); at least `minDecimals` decimals (the currency's, for money).
 */
export function showDec(d: Dec, minDecimals = 0): string {
  // The decimal places are counted once (the same figure fixed() would count again): most figures shown are short.
  let places = d.decimalPlaces();
  let r = d;
  if (places > 8) {
    r = d.toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
    places = r.decimalPlaces();
  }
  const exact = r.toFixed();
  if (places >= minDecimals) return exact;
  return `${exact}${places === 0 ? '.' : ''}${'0'.repeat(minDecimals - places)}`;
}

/**
 * d.toFixed(decimals), the same string: when d has no more decimals than that, its exact digits padded with zeros,
 * which skips decimal.js's rounding pass (the larger part of an estimate's cost went into formatting amounts).
 */
export function fixed(d: Dec, decimals: number): string {
  const places = d.decimalPlaces();
  if (places > decimals) return d.toFixed(decimals);
  const exact = d.toFixed();
  return places === decimals ? exact : `${exact}${places === 0 ? '.' : ''}${'0'.repeat(decimals - places)}`;
}

const PLAIN = /^-?\d+(?:\.\d+)?$/;

/**
 * A plain decimal text ("12.5", "-0.05") with at most `decimals` decimals and 15 digits in all, as an integer number of
 * 10^-decimals units (exact: below 2^53); null for anything else.
 */
function scaled(text: string, decimals: number): number | null {
  if (text.length > 17 || !PLAIN.test(text)) return null;
  const point = text.indexOf('.');
  const places = point < 0 ? 0 : text.length - point - 1;
  if (places > decimals) return null;
  const digits = point < 0 ? text : text.slice(0, point) + text.slice(point + 1);
  if (digits.replace('-', '').length + (decimals - places) > 15) return null;
  return Number(digits) * 10 ** (decimals - places);
}

/** An integer number of 10^-decimals units written with `decimals` decimals, as decimal.js's toFixed writes it. */
function unscaled(units: number, decimals: number): string {
  if (units === 0) return decimals === 0 ? '0' : `0.${'0'.repeat(decimals)}`;
  const digits = String(Math.abs(units)).padStart(decimals + 1, '0');
  const sign = units < 0 ? '-' : '';
  return decimals === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/**
 * new Dec(a).minus(b).toFixed(decimals), the same text: two amounts of a currency (at most its decimals each) are
 * subtracted as integers of its minor unit, which is exact, without building decimals (a CDR's check takes two).
 */
export function minusFixed(a: string, b: string, decimals: number): string {
  const x = scaled(a, decimals);
  const y = scaled(b, decimals);
  if (x === null || y === null) return new Dec(a).minus(b).toFixed(decimals);
  return unscaled(x - y, decimals);
}

/** toDec(text, what).toFixed(decimals), the same text (and the same error), without a decimal when the text is plain. */
export function fixedText(text: unknown, what: string, decimals: number): string {
  const x = typeof text === 'string' ? scaled(text, decimals) : null;
  return x === null ? toDec(text, what).toFixed(decimals) : unscaled(x, decimals);
}

/** Rounded half-up to the currency's minor unit, with exactly that many decimals. */
export function roundMoney(d: Dec, minor: number): Dec {
  return d.toDecimalPlaces(minor, Decimal.ROUND_HALF_UP);
}
