import Decimal from 'decimal.js';

const CANONICAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/**
 * An OCPI `number` (types 2.2.1 §number) as a decimal string. JSON.parse has already read it as a double;
 * the shortest round-trip form of that double (what String() gives) is the literal the CPO sent for any
 * value with at most 15 significant digits, so no precision a tariff can carry is lost. Numbers sent as
 * strings ("0.25") are accepted too. Returns null for anything that is not a finite decimal.
 */
export function toDecimalString(value: unknown): string | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    // Without an exponent, String() already is the plain decimal decimal.js would write (no leading or trailing
    // zeros, never "-0"): a CDR carries dozens of numbers, and building a Decimal for each was a tenth of reading it.
    const shortest = String(value);
    return shortest.includes('e') ? new Decimal(shortest).toFixed() : shortest;
  }
  if (typeof value === 'string') {
    // Already as decimal.js would write it (no sign on zero, no leading zeros, no trailing zeros after the point):
    // as it is. Coordinates come so, as strings, on every CDR.
    if (value !== '-0' && CANONICAL.test(value)) return value;
    if (/^-?\d+(\.\d+)?$/.test(value.trim())) return new Decimal(value.trim()).toFixed();
  }
  return null;
}
