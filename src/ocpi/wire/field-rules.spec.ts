import 'reflect-metadata';
import { validateWireObject } from './wire-validation';
import { amountProblem, ciStringProblem, currencyProblem, MAX_AMOUNT, MAX_QUANTITY, quantityProblem } from './field-rules';
import { IsCurrencyCode, IsOcpiId, IsOcpiQuantity } from './field-rules.decorators';

class Probe {
  @IsOcpiId({ max: 39 }) id: string;
  @IsOcpiId({ min: 2, max: 2 }) country_code: string;
  @IsCurrencyCode() currency: string;
  @IsOcpiQuantity() total_energy: number | string;
}
const valid = { id: 'CDR-1', country_code: 'NL', currency: 'EUR', total_energy: 12.5 };
const reason = (patch: Record<string, unknown>) => {
  const r = validateWireObject(Probe, { ...valid, ...patch });
  return r.ok ? null : r.reason;
};

describe('types 2.2.1 §CiString: "Case Insensitive String. Only printable ASCII allowed"', () => {
  it('an identifier is 1..max printable ASCII characters, not blank, without a space at either end', () => {
    expect(ciStringProblem('CDR-00001', { max: 39 })).toBeNull();
    expect(ciStringProblem('#NA', { max: 36 })).toBeNull();
    expect(ciStringProblem('a b', { max: 36 })).toBeNull();
    expect(ciStringProblem('', { max: 39 })).toBe('must not be empty');
    expect(ciStringProblem(' ', { max: 39 })).toBe('must not be blank');
    expect(ciStringProblem(' X', { max: 39 })).toBe('must not begin or end with a space');
    expect(ciStringProblem('X'.repeat(40), { max: 39 })).toBe('must be shorter than or equal to 39 characters');
    expect(ciStringProblem('N', { min: 2, max: 2 })).toBe('must be 2 characters long');
    expect(ciStringProblem('😀', { max: 39 })).toBe('must be printable ASCII (types §CiString), not U+1F600');
    expect(ciStringProblem('ABC\u202eDEF', { max: 39 })).toBe('must be printable ASCII (types §CiString), not U+202E');
    expect(ciStringProblem('A\tB', { max: 39 })).toBe('must be printable ASCII (types §CiString), not U+0009');
    expect(ciStringProblem(42, { max: 39 })).toBe('must be a string');
  });

  it('as a decorator, the reason names the field: "<field>: must …"', () => {
    expect(reason({})).toBeNull();
    expect(reason({ id: '' })).toBe('id: must not be empty');
    expect(reason({ id: ' ' })).toBe('id: must not be blank');
    expect(reason({ id: '\u202eRTL' })).toBe('id: must be printable ASCII (types §CiString), not U+202E');
    expect(reason({ country_code: 'NLD' })).toBe('country_code: must be 2 characters long');
    expect(reason({ id: null })).toBe('id: is required');
  });
});

describe('mod_cdrs 2.2.1 §CDR object currency: "Currency of the CDR in ISO 4217 Code"', () => {
  it('three letters of a currency ISO 4217 lists (Intl); lower case is read as upper case by the mapper', () => {
    expect(currencyProblem('EUR')).toBeNull();
    expect(currencyProblem('eur')).toBeNull();
    expect(currencyProblem('CHF')).toBeNull();
    expect(currencyProblem('😀😀😀')).toBe('must be an ISO 4217 currency code (three letters), not "😀😀😀"');
    expect(currencyProblem('EURO')).toBe('must be an ISO 4217 currency code (three letters), not "EURO"');
    expect(currencyProblem('XYZ')).toBe('must be an ISO 4217 currency code; "XYZ" is none');
    expect(currencyProblem(978)).toBe('must be an ISO 4217 currency code (three letters), not 978');
    expect(reason({ currency: '😀😀😀' })).toBe('currency: must be an ISO 4217 currency code (three letters), not "😀😀😀"');
  });
});

describe('types 2.2.1 §number for quantities and amounts: finite, bounded, signed only where the spec allows', () => {
  it(`a quantity (kWh, hours) is a number from 0 to ${MAX_QUANTITY.toFixed()}`, () => {
    expect(quantityProblem('0')).toBeNull();
    expect(quantityProblem('15.342')).toBeNull();
    expect(quantityProblem('-0.001')).toBe('must not be negative, got -0.001');
    expect(quantityProblem(1e308)).toBe(`must not exceed ${MAX_QUANTITY.toFixed()}, got 1e+308`);
    expect(quantityProblem(null)).toBe('must be a number');
    expect(reason({ total_energy: -5 })).toBe('total_energy: must not be negative, got -5');
    expect(reason({ total_energy: 'abc' })).toBe('total_energy: must be a number');
    expect(reason({ total_energy: '12.5' })).toBeNull();
  });

  it(`an amount is at most ${MAX_AMOUNT.toFixed()} either way, and negative only where allowed (a credit CDR)`, () => {
    expect(amountProblem('4.40', { negativeAllowed: false })).toBeNull();
    expect(amountProblem('1000000', { negativeAllowed: false })).toBeNull();
    expect(amountProblem('-4.40', { negativeAllowed: true })).toBeNull();
    expect(amountProblem('-1000000', { negativeAllowed: false })).toBe('must not be negative on a CDR that is not a credit CDR (credit: true), got -1000000');
    expect(amountProblem('1e+308', { negativeAllowed: false })).toBe(`must not exceed ${MAX_AMOUNT.toFixed()} in absolute value, got 1e+308`);
    expect(amountProblem('-1000000.01', { negativeAllowed: true })).toBe(`must not exceed ${MAX_AMOUNT.toFixed()} in absolute value, got -1000000.01`);
  });
});
