/**
 * Money in the tariff engine: decimals, never floats; rounding only of the total, half-up to the currency's minor
 * unit (mod_tariffs 2.2.1 §Tariff object NOTE on rounding: left to law, contracts and currency); VAT omitted vs 0 %
 * (§PriceComponent class vat); clear errors for input that is not a charge.
 */
import { priceCharge } from '../../src/tariffs/engine/price-charge';
import { charging, parking, pc, tariffOf, timeline, totals } from './support/spec-examples';

const AMS = 'Europe/Amsterdam';
const AT = '2024-06-05T10:00:00Z';
const flatAndEnergy = (flat: string, perKwh: string, currency = 'EUR') => tariffOf([{ price_components: [pc('FLAT', flat), pc('ENERGY', perKwh)] }], { currency });

describe('tariff engine: money', () => {
  it('no float artefacts: 0.1 + 0.2 is 0.30; HALF_UP rounds 1.005 to 1.01 and 2.675 to 2.68 (JS toFixed gives 1.00 and 2.67)', () => {
    expect(priceCharge(flatAndEnergy('0.1', '0.2'), AMS, timeline(AT, charging(10, 1))).total.before_taxes).toBe('0.30');
    expect(priceCharge(flatAndEnergy('1.005', '0'), AMS, timeline(AT, charging(10, 1))).total.before_taxes).toBe('1.01');
    expect(priceCharge(flatAndEnergy('2.675', '0'), AMS, timeline(AT, charging(10, 1))).total.before_taxes).toBe('2.68');
  });

  it('per-dimension figures stay exact (7 minutes at € 1.00 / h = 0.11666667 shown, summed unrounded)', () => {
    const t = tariffOf([{ price_components: [pc('TIME', '1.00')] }]);
    const c = priceCharge(t, AMS, timeline(AT, charging(7, 1), charging(7, 1), charging(7, 1)));
    expect(c.costs.TIME.before_taxes).toBe('0.35');
    expect(c.breakdown[0].quantity).toBe('0.35');
  });

  it('JPY has no minor unit: 10.5 kWh × ¥35 = ¥367.5 → ¥368; KWD has three; an unknown currency two', () => {
    const jpy = priceCharge(tariffOf([{ price_components: [pc('ENERGY', '35', 1, '10')] }], { currency: 'JPY' }), AMS, timeline(AT, charging(30, '10.5')));
    expect(totals(jpy)).toEqual(['368', '404']);
    expect(jpy.total.taxes).toEqual([{ name: 'VAT', percentage: '10', amount: '36' }]);
    expect(priceCharge(flatAndEnergy('1.23456', '0', 'KWD'), AMS, timeline(AT, charging(1, 0))).total.before_taxes).toBe('1.235');
    expect(priceCharge(flatAndEnergy('1.23456', '0', 'XYZ'), AMS, timeline(AT, charging(1, 0))).total.before_taxes).toBe('1.23');
  });

  it('vat omitted (2.2.1: no VAT) and vat 0 give the same amounts; only the tax line differs', () => {
    const none = priceCharge(tariffOf([{ price_components: [pc('FLAT', '1.00')] }]), AMS, timeline(AT, charging(1, 0)));
    const zero = priceCharge(tariffOf([{ price_components: [pc('FLAT', '1.00', 1, '0')] }]), AMS, timeline(AT, charging(1, 0)));
    expect(none.total).toEqual({ before_taxes: '1.00', taxes: [], after_taxes: '1.00' });
    expect(zero.total).toEqual({ before_taxes: '1.00', taxes: [{ name: 'VAT', percentage: '0', amount: '0.00' }], after_taxes: '1.00' });
  });

  it("min_price without after_taxes: the after-tax total follows at the charge's own ratio (0.25 → 0.275: × 1.1)", () => {
    const t = tariffOf([{ price_components: [pc('ENERGY', '0.25', 1, '10')] }], { min_price: { before_taxes: '2.00', after_taxes: null } });
    expect(totals(priceCharge(t, AMS, timeline(AT, charging(10, 1))))).toEqual(['2.00', '2.20']);
    // Nothing charged: the one VAT rate of the tariff.
    expect(totals(priceCharge(t, AMS, timeline(AT, parking(10))))).toEqual(['2.00', '2.20']);
  });

  it('a tariff without elements costs nothing, but min_price still applies', () => {
    const c = priceCharge(tariffOf([], { min_price: { before_taxes: '1.00', after_taxes: '1.21' } }), AMS, timeline(AT, charging(10, 1)));
    expect(totals(c)).toEqual(['1.00', '1.21']);
  });
});

describe('tariff engine: input that is not a charge', () => {
  const t = tariffOf([{ price_components: [pc('ENERGY', '0.25')] }]);
  it.each([
    [{ start: 'tomorrow', periods: [] }, /timeline.start must be an ISO-8601 instant/],
    [timeline(AT, charging(10, '-1')), /timeline.periods\[0\].energy_kwh must not be negative/],
    [timeline(AT, { kind: 'CHARGING', duration_s: 'NaN', energy_kwh: '1' }), /timeline.periods\[0\].duration_s must be a decimal number/],
    [timeline(AT, { kind: 'PARKING', duration_s: 60, energy_kwh: '1' }), /only a CHARGING period delivers energy/],
    [timeline(AT, charging(10, 1), { kind: 'RESERVATION', duration_s: 60 }), /a RESERVATION period cannot follow the session's start/],
  ])('%#: raises a clear Error', (tl, message) => {
    expect(() => priceCharge(t, AMS, tl as never)).toThrow(message);
  });

  it('a zero-length session still pays its FLAT fee once; an empty timeline pays nothing', () => {
    const flat = tariffOf([{ price_components: [pc('FLAT', '0.50'), pc('ENERGY', '0.25')] }]);
    expect(priceCharge(flat, AMS, timeline(AT, charging(0, 0))).total.before_taxes).toBe('0.50');
    expect(priceCharge(flat, AMS, timeline(AT)).total.before_taxes).toBe('0.00');
  });
});
