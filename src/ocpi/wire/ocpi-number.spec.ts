import fc from 'fast-check';
import Decimal from 'decimal.js';
import { amountProblem, MAX_AMOUNT, MAX_QUANTITY, quantityProblem, signedQuantityProblem } from './field-rules';
import { toDecimalString } from './ocpi-number';

// Issue 17 read JSON numbers without decimal.js where it can; these say it reads them as before, double for double.
const doubles = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer({ min: -2_000_000, max: 2_000_000 }).map((n) => n / 1000),
  fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, 1_000_000, 1_000_000.0000000001, -1_000_000, Number.MAX_VALUE, Infinity, -Infinity, NaN),
);

/** What the readers gave before: every number through decimal.js. */
function decimalString(value: number): string | null {
  return Number.isFinite(value) ? new Decimal(String(value)).toFixed() : null;
}

function quantity(value: number, signed: boolean): string | null {
  const text = decimalString(value);
  if (text === null) return 'must be a number';
  const d = new Decimal(text);
  if (signed) return d.abs().greaterThan(MAX_QUANTITY) ? `must not exceed ${MAX_QUANTITY.toFixed()} in absolute value, got ${d.toString()}` : null;
  if (d.isNegative() && !d.isZero()) return `must not be negative, got ${d.toString()}`;
  if (d.greaterThan(MAX_QUANTITY)) return `must not exceed ${MAX_QUANTITY.toFixed()}, got ${d.toString()}`;
  return null;
}

describe('OCPI numbers read without decimal.js give what decimal.js gives', () => {
  it('toDecimalString of any double is the plain decimal decimal.js writes for it', () => {
    fc.assert(
      fc.property(doubles, (v) => expect(toDecimalString(v)).toBe(decimalString(v))),
      { numRuns: 20_000, seed: 17 },
    );
  });

  it('quantityProblem and signedQuantityProblem say of any double what the decimal reading says', () => {
    fc.assert(
      fc.property(doubles, (v) => {
        expect(quantityProblem(v)).toBe(quantity(v, false));
        expect(signedQuantityProblem(v)).toBe(quantity(v, true));
      }),
      { numRuns: 20_000, seed: 17 },
    );
  });
});

describe('amounts read without decimal.js where they need none', () => {
  /** What amountProblem said before: every amount through decimal.js. */
  function amount(text: string, negativeAllowed: boolean): string | null {
    const d = new Decimal(text);
    if (d.abs().greaterThan(MAX_AMOUNT)) return `must not exceed ${MAX_AMOUNT.toFixed()} in absolute value, got ${d.toString()}`;
    if (!negativeAllowed && d.isNegative() && !d.isZero()) return `must not be negative on a CDR that is not a credit CDR (credit: true), got ${d.toString()}`;
    return null;
  }

  it('amountProblem says of any decimal string what the decimal reading says', () => {
    const texts = fc.oneof(
      doubles.map((v) => toDecimalString(v)).filter((t): t is string => t !== null),
      fc.constantFrom('0', '-0', '000000', '999999.999999', '1000000', '1000000.0', '1000000.01', '0999999', '-0.00', '12.'),
    );
    fc.assert(
      fc.property(texts, fc.boolean(), (text, negativeAllowed) => {
        let expected: string | null | Error;
        try {
          expected = amount(text, negativeAllowed);
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) expect(() => amountProblem(text, { negativeAllowed })).toThrow();
        else expect(amountProblem(text, { negativeAllowed })).toBe(expected);
      }),
      { numRuns: 20_000, seed: 17 },
    );
  });
});
