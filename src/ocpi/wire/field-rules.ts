import Decimal from 'decimal.js';
import { toDecimalString } from './ocpi-number';

/**
 * The spec's field rules that a JSON schema does not say, as plain checks: each returns null when the value is
 * fine, else the problem as "must …" (the caller puts the field's path in front). Used by the wire DTOs' decorators
 * (field-rules.decorators.ts) and by the mappers for rules that span fields (a credit CDR's negative amounts).
 */

/**
 * The largest amount of money we take in one Price field, in the currency's major unit, either sign. No real charging
 * session comes near it in the currencies where roaming happens (a 1 MWh truck session costs a few hundred euros);
 * what lies beyond is a CPO's fault (an overflow, 1e308, minor units sent as major ones) that would otherwise swamp
 * every sum finance makes. The bound is one figure for every currency: per-currency bounds would need exchange rates,
 * which we do not keep; a CDR refused by it is kept raw in rejected_object with this reason.
 */
export const MAX_AMOUNT = new Decimal(1_000_000);

/**
 * The largest quantity (kWh, hours, A, kW, %) we take in a CDR: a million of any of them is beyond any session, and
 * a volume beyond it would be multiplied by a price into a cost that swamps the finance figures as a bad amount does.
 */
export const MAX_QUANTITY = new Decimal(1_000_000);
const MAX_QUANTITY_NUMBER = MAX_QUANTITY.toNumber();

/** types §CiString: printable ASCII, U+0020 to U+007E. */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/u;

/**
 * An identifier or reference typed CiString(max) (types 2.2.1 §CiString: "Only printable ASCII allowed"; 2.1.1's
 * ids are string(n), which 2.1.1 also limits to printable ASCII): a string of `min` (default 1) to `max` printable
 * ASCII characters, not blank, with no space at either end (an id that differs from another only by a space would be
 * another object to us and the same to a human). Case is the caller's: a CiString compares case-insensitively.
 */
export function ciStringProblem(value: unknown, length: { min?: number; max: number }): string | null {
  if (typeof value !== 'string') return 'must be a string';
  const min = length.min ?? 1;
  if (value.length === 0 && min > 0) return 'must not be empty';
  const bad = NOT_PRINTABLE_ASCII.exec(value);
  if (bad) return `must be printable ASCII (types §CiString), not U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  if (value.trim().length === 0) return 'must not be blank';
  if (value.trim() !== value) return 'must not begin or end with a space';
  if (min === length.max && value.length !== min) return `must be ${min} characters long`;
  if (value.length < min) return `must be longer than or equal to ${min} characters`;
  if (value.length > length.max) return `must be shorter than or equal to ${length.max} characters`;
  return null;
}

let iso4217: ReadonlySet<string> | null = null;

/**
 * The currencies ISO 4217 lists, as this Node's ICU knows them (`Intl.supportedValuesOf('currency')`: 162 codes on
 * Node 20, the current ones and a few recently withdrawn such as HRK; no test or fund codes such as XXX or BOV).
 */
function knownCurrencies(): ReadonlySet<string> {
  iso4217 ??= new Set(Intl.supportedValuesOf('currency'));
  return iso4217;
}

/**
 * A CDR's or Tariff's `currency` (mod_cdrs 2.2.1 §CDR object: "ISO 4217 Code"): three letters naming a currency ISO
 * 4217 lists. A known code is required, not only the shape: a CDR is an invoice line, and one in a currency nobody
 * can name can be neither billed to a driver nor summed with its peers; refused, it is kept raw with the reason.
 * Lower case is accepted here (the mapper reads it as upper case and counts the deviation).
 */
export function currencyProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value)) return `must be an ISO 4217 currency code (three letters), not ${JSON.stringify(value)}`;
  return knownCurrencies().has(value.toUpperCase()) ? null : `must be an ISO 4217 currency code; "${value}" is none`;
}

/** A quantity (total_energy, total_time, a CdrDimension volume that cannot be negative): an OCPI number from 0 to MAX_QUANTITY. */
export function quantityProblem(value: unknown): string | null {
  // A JSON number within the bounds needs no decimal: the shortest form of a double lies on the same side of 0 and
  // of MAX_QUANTITY (itself a double) as the double does. Anything else is read as a decimal, to say what is wrong.
  if (typeof value === 'number' && value >= 0 && value <= MAX_QUANTITY_NUMBER) return null;
  const text = toDecimalString(value);
  if (text === null) return 'must be a number';
  const d = new Decimal(text);
  if (d.isNegative() && !d.isZero()) return `must not be negative, got ${d.toString()}`;
  if (d.greaterThan(MAX_QUANTITY)) return `must not exceed ${MAX_QUANTITY.toFixed()}, got ${d.toString()}`;
  return null;
}

/** A signed measurement (a CdrDimension volume that may be negative, e.g. ENERGY fed back to the grid): |value| ≤ MAX_QUANTITY. */
export function signedQuantityProblem(value: unknown): string | null {
  if (typeof value === 'number' && Math.abs(value) <= MAX_QUANTITY_NUMBER) return null;
  const text = toDecimalString(value);
  if (text === null) return 'must be a number';
  const d = new Decimal(text);
  return d.abs().greaterThan(MAX_QUANTITY) ? `must not exceed ${MAX_QUANTITY.toFixed()} in absolute value, got ${d.toString()}` : null;
}

const SMALL_UNSIGNED_AMOUNT = /^\d{1,6}(\.\d+)?$/;

/**
 * An amount of money already read as a decimal string: |amount| ≤ MAX_AMOUNT, and not negative unless
 * `negativeAllowed` (mod_cdrs 2.2.1 §Credit CDRs: only a credit CDR carries negative amounts).
 */
export function amountProblem(amount: string, rule: { negativeAllowed: boolean }): string | null {
  // Unsigned with at most six digits before the point: at least 0 and below MAX_AMOUNT, read without a Decimal.
  if (SMALL_UNSIGNED_AMOUNT.test(amount)) return null;
  const d = new Decimal(amount);
  if (d.abs().greaterThan(MAX_AMOUNT)) return `must not exceed ${MAX_AMOUNT.toFixed()} in absolute value, got ${d.toString()}`;
  if (!rule.negativeAllowed && d.isNegative() && !d.isZero()) return `must not be negative on a CDR that is not a credit CDR (credit: true), got ${d.toString()}`;
  return null;
}

/**
 * A field the spec types as a class (e.g. Price): a JSON object, not a list, string or number. `what` names the
 * class for the message, e.g. "a Price object".
 */
export function objectProblem(value: unknown, what: string): string | null {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return null;
  if (Array.isArray(value)) return `must be ${what}, not a list`;
  const decimalComma = typeof value === 'string' && /^\s*-?\d+,\d+\s*$/.test(value);
  return `must be ${what}, not ${JSON.stringify(value)}${decimalComma ? ' (a decimal comma is not a JSON number)' : ''}`;
}
