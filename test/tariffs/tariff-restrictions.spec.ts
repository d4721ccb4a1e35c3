/**
 * mod_tariffs 2.2.1 §TariffRestrictions class and §Tariff object: each restriction, price switching mid-charge when
 * one stops holding, evaluation in the Location's own time zone across daylight-saving changes.
 */
import { ChargePeriod } from '../../src/tariffs/engine/charge-cost.model';
import { priceCharge, priceChargeWithReasons } from '../../src/tariffs/engine/price-charge';
import { charging, parking, pc, rows, tariffOf, timeline } from './support/spec-examples';

const AMSTERDAM = 'Europe/Amsterdam';
const NEW_YORK = 'America/New_York';

/** TIME at `night` per hour inside the window, 2.00 outside (a fallback element without restrictions). */
function nightTime(window: { start_time?: string; end_time?: string }, night = '1.00') {
  return tariffOf([{ price_components: [pc('TIME', night)], restrictions: window }, { price_components: [pc('TIME', '2.00')] }]);
}

/** Hours billed per element, e.g. { 0: '5.5', 1: '2.5' }. */
function hoursByElement(c: ReturnType<typeof priceCharge>): Record<number, string> {
  const out: Record<number, number> = {};
  for (const l of c.breakdown) out[l.element_index] = (out[l.element_index] ?? 0) + Number(l.billed_quantity) * 3600;
  return Object.fromEntries(Object.entries(out).map(([k, s]) => [k, String(Math.round(s) / 3600)]));
}

describe('mod_tariffs 2.2.1 §Tariff object: first element whose restrictions hold decides each dimension', () => {
  it('elements are looked up per dimension: ENERGY from the first element, TIME from the second', () => {
    const tariff = tariffOf([{ price_components: [pc('ENERGY', '0.30')] }, { price_components: [pc('ENERGY', '0.99'), pc('TIME', '1.20')] }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(60, 10)));
    expect(rows(c)).toEqual([
      ['ENERGY', 0, '10', '3.00'],
      ['TIME', 1, '1', '1.20'],
    ]);
  });

  it('no element for a dimension with holding restrictions, and no fallback: that dimension costs nothing', () => {
    const tariff = tariffOf([{ price_components: [pc('PARKING_TIME', '5.00')], restrictions: { start_time: '09:00', end_time: '18:00' } }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T18:00:00Z', charging(30, 5), parking(60)));
    expect(c.breakdown).toEqual([]);
    expect(c.total.before_taxes).toBe('0.00');
  });
});

describe('mod_tariffs 2.2.1 §TariffRestrictions class', () => {
  it('start_time / end_time wrap past midnight (22:00–06:00): 21:00–23:00 local is 1 h at the day price, 1 h at the night price', () => {
    const c = priceCharge(nightTime({ start_time: '22:00', end_time: '06:00' }), AMSTERDAM, timeline('2024-06-05T19:00:00Z', charging(120, 20)));
    expect(rows(c)).toEqual([
      ['TIME', 1, '1', '2.00'],
      ['TIME', 0, '1', '1.00'],
    ]);
    expect(c.breakdown[1].from_local).toBe('2024-06-05T22:00:00+02:00');
  });

  it('a wrapped window holds after midnight too (05:00–07:00 local: 1 h night, 1 h day)', () => {
    const c = priceCharge(nightTime({ start_time: '22:00', end_time: '06:00' }), AMSTERDAM, timeline('2024-06-06T03:00:00Z', charging(120, 20)));
    expect(hoursByElement(c)).toEqual({ 0: '1', 1: '1' });
  });

  it('end_time 00:00 is the end of the day; only start_time holds until midnight', () => {
    const c = priceCharge(nightTime({ start_time: '20:00', end_time: '00:00' }), AMSTERDAM, timeline('2024-06-05T17:30:00Z', charging(300, 20)));
    // 19:30–20:00 day, 20:00–00:00 night, 00:00–00:30 day again.
    expect(rows(c).map((r) => r.slice(0, 3))).toEqual([
      ['TIME', 1, '0.5'],
      ['TIME', 0, '4'],
      ['TIME', 1, '0.5'],
    ]);
  });

  it('start_date (inclusive) / end_date (exclusive), local dates: holds on 24, 25 and 26 December only', () => {
    const tariff = tariffOf([
      { price_components: [pc('ENERGY', '0.10')], restrictions: { start_date: '2024-12-24', end_date: '2024-12-27' } },
      { price_components: [pc('ENERGY', '0.40')] },
    ]);
    // 2024-12-23 23:00 CET → 2024-12-24 01:00 (starts the day before), and 26th 23:00 → 27th 01:00.
    const into = priceCharge(tariff, AMSTERDAM, timeline('2024-12-23T22:00:00Z', charging(120, 10)));
    expect(rows(into)).toEqual([
      ['ENERGY', 1, '5', '2.00'],
      ['ENERGY', 0, '5', '0.50'],
    ]);
    const out = priceCharge(tariff, AMSTERDAM, timeline('2024-12-26T22:00:00Z', charging(120, 10)));
    expect(rows(out)).toEqual([
      ['ENERGY', 0, '5', '0.50'],
      ['ENERGY', 1, '5', '2.00'],
    ]);
  });

  it('day_of_week switches at local midnight: Friday 23:00 → Saturday 01:00 with a weekend price', () => {
    const tariff = tariffOf([{ price_components: [pc('TIME', '1.25')], restrictions: { day_of_week: ['SATURDAY', 'SUNDAY'] } }, { price_components: [pc('TIME', '2.00')] }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-07T21:00:00Z', charging(120, 10)));
    expect(rows(c)).toEqual([
      ['TIME', 1, '1', '2.00'],
      ['TIME', 0, '1', '1.25'],
    ]);
    expect(c.breakdown[1].why).toContain('day_of_week SATURDAY, SUNDAY (SATURDAY): holds');
  });

  it('a wrapped night window with day_of_week FRIDAY holds on Friday evening, not on Saturday morning (each restriction at the instant)', () => {
    const tariff = tariffOf([
      { price_components: [pc('TIME', '1.00')], restrictions: { start_time: '22:00', end_time: '06:00', day_of_week: ['FRIDAY'] } },
      { price_components: [pc('TIME', '2.00')] },
    ]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-07T20:00:00Z', charging(240, 10)));
    expect(hoursByElement(c)).toEqual({ 0: '2', 1: '2' });
  });

  it('min_kwh (inclusive) / max_kwh (exclusive): 15 kWh delivered evenly switch price at 10 kWh, within one period', () => {
    const tariff = tariffOf([
      { price_components: [pc('ENERGY', '0.30')], restrictions: { max_kwh: '10' } },
      { price_components: [pc('ENERGY', '0.20')], restrictions: { min_kwh: '10' } },
    ]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(90, 15)));
    expect(rows(c)).toEqual([
      ['ENERGY', 0, '10', '3.00'],
      ['ENERGY', 1, '5', '1.00'],
    ]);
    expect(c.breakdown[1]).toMatchObject({ from: '2024-06-05T11:00:00.000Z' });
  });

  it('min_duration (inclusive): a TIME price that starts after the first hour', () => {
    const tariff = tariffOf([{ price_components: [pc('TIME', '3.00')], restrictions: { min_duration: 3600 } }, { price_components: [pc('TIME', '0.00')] }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(90, 15)));
    expect(rows(c)).toEqual([
      ['TIME', 1, '1', '0.00'],
      ['TIME', 0, '0.5', '1.50'],
    ]);
  });

  it('max_power is exclusive: exactly 16 kW is not "less than 16 kW"', () => {
    const tariff = tariffOf([{ price_components: [pc('ENERGY', '0.20')], restrictions: { max_power: '16' } }, { price_components: [pc('ENERGY', '0.50')] }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(60, 16, { power_kw: '16' })));
    expect(rows(c)).toEqual([['ENERGY', 1, '16', '8.00']]);
  });

  it('min_power without a power given: the period average decides (3 kWh in 30 min = 6 kW ≥ 5 kW)', () => {
    const tariff = tariffOf([{ price_components: [pc('ENERGY', '0.40')], restrictions: { min_power: '5' } }, { price_components: [pc('ENERGY', '0.20')] }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(30, 3)));
    expect(rows(c)).toEqual([['ENERGY', 0, '3', '1.20']]);
    expect(c.breakdown[0].why).toContain('power 6 kW, the average of the period');
    expect(c.exact).toBe(true);
  });

  it('min_current / max_current from MIN/MAX readings: a range that straddles the limit cannot be decided, and the result says so', () => {
    const tariff = tariffOf([
      { price_components: [pc('TIME', '1.00')], restrictions: { max_current: '32' } },
      { price_components: [pc('TIME', '2.00')], restrictions: { min_current: '32' } },
    ]);
    const below = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(60, 10, { min_current_a: '6', max_current_a: '16' })));
    expect(rows(below)).toEqual([['TIME', 0, '1', '1.00']]);
    const straddling = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(60, 10, { min_current_a: '16', max_current_a: '40' })));
    expect(straddling.exact).toBe(false);
    expect(straddling.not_exact_because[0]).toMatch(/^elements\[0\] \(TIME\): max_current 32 \(current 16–40 A\): unknown; treated as not holding$/);
    const unknown = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(60, 10)));
    expect(unknown.exact).toBe(false);
    expect(unknown.not_exact_because).toContain('elements[0] (TIME): max_current 32 (current unknown): unknown; treated as not holding');
  });

  it('power and current are 0 while parking: a max_current element prices parking exactly', () => {
    const tariff = tariffOf([{ price_components: [pc('PARKING_TIME', '2.00')], restrictions: { max_current: '32' } }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(30, 5, { current_a: '16' }), parking(30)));
    expect(rows(c)).toEqual([['PARKING_TIME', 0, '0.5', '1.00']]);
    expect(c.exact).toBe(true);
  });

  it('restrictions the CPO sent that cannot be read make the result inexact instead of guessing (day "FUNDAY", time "25:00")', () => {
    const tariff = tariffOf([
      { price_components: [pc('TIME', '1.00')], restrictions: { day_of_week: ['FUNDAY'] } },
      { price_components: [pc('TIME', '1.50')], restrictions: { start_time: '25:00' } },
      { price_components: [pc('TIME', '2.00')] },
    ]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(60, 5)));
    expect(rows(c)).toEqual([['TIME', 2, '1', '2.00']]);
    expect(c.exact).toBe(false);
    expect(c.not_exact_because).toEqual([
      'elements[0] (TIME): day_of_week "FUNDAY" is not a DayOfWeek: cannot be evaluated; treated as not holding',
      'elements[1] (TIME): start_time "25:00" is not a time of day (HH:MM): cannot be evaluated; treated as not holding',
    ]);
  });

  it("without the Location's time zone, time restrictions cannot be evaluated: inexact", () => {
    const c = priceCharge(nightTime({ start_time: '22:00', end_time: '06:00' }), null, timeline('2024-06-05T19:00:00Z', charging(120, 20)));
    expect(c.exact).toBe(false);
  });

  it('a PriceComponent type OCPI does not define is kept but not priced, and the result says so', () => {
    const tariff = tariffOf([{ price_components: [pc('ENERGY', '0.35'), pc('CARBON_OFFSET', '0.01')] }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(60, 10)));
    expect(c.total.before_taxes).toBe('3.50');
    expect(c.not_exact_because).toEqual(['element 0 has a price component of type CARBON_OFFSET, which OCPI does not define: it is not priced']);
  });

  it("each reason carries a code to decide by, and not_exact_because lists the reasons' texts", () => {
    const codes = (t: ReturnType<typeof tariffOf>, zone: string | null, ...periods: ChargePeriod[]) => {
      const { cost, reasons } = priceChargeWithReasons(t, zone, timeline('2024-06-05T10:00:00Z', ...periods));
      expect(cost.not_exact_because).toEqual(reasons.map((r) => r.text));
      return reasons.map((r) => r.code);
    };
    const byCurrent = tariffOf([{ price_components: [pc('TIME', '1.00')], restrictions: { max_current: '32' } }, { price_components: [pc('TIME', '2.00')] }]);
    expect(codes(byCurrent, AMSTERDAM, charging(60, 10))).toEqual(['CURRENT_NOT_KNOWN']);
    expect(codes(byCurrent, AMSTERDAM, charging(60, 10, { min_current_a: '16', max_current_a: '40' }))).toEqual(['RESTRICTION_NOT_EVALUATED']);
    const currentAndTime = tariffOf([{ price_components: [pc('TIME', '1.00')], restrictions: { max_current: '32', start_time: '25:00' } }]);
    expect(codes(currentAndTime, AMSTERDAM, charging(60, 10))).toEqual(['RESTRICTION_NOT_EVALUATED']);
    expect(codes(nightTime({ start_time: '22:00', end_time: '06:00' }), null, charging(60, 10))).toEqual(['RESTRICTION_NOT_EVALUATED', 'NO_TIME_ZONE']);
    expect(codes(tariffOf([{ price_components: [pc('ENERGY', '0.35'), pc('CARBON_OFFSET', '0.01')] }]), AMSTERDAM, charging(60, 10))).toEqual(['UNDEFINED_COMPONENT_TYPE']);
  });
});

describe('mod_tariffs 2.2.1 §TariffRestrictions class: local time across daylight-saving changes', () => {
  it('Europe/Amsterdam, spring forward (31 March 2024): night window 00:00–07:00 from 00:30 CET lasts 5.5 real hours', () => {
    // 00:30 CET = 23:30Z; 07:00 CEST = 05:00Z. 8 hours of charging: 5.5 h night, 2.5 h day.
    const c = priceCharge(nightTime({ start_time: '00:00', end_time: '07:00' }), AMSTERDAM, timeline('2024-03-30T23:30:00Z', charging(480, 40)));
    expect(hoursByElement(c)).toEqual({ 0: '5.5', 1: '2.5' });
    expect(c.breakdown.map((l) => [l.from_local, l.to_local])).toEqual([
      ['2024-03-31T00:30:00+01:00', '2024-03-31T07:00:00+02:00'],
      ['2024-03-31T07:00:00+02:00', '2024-03-31T09:30:00+02:00'],
    ]);
  });

  it('Europe/Amsterdam, fall back (27 October 2024): the same window from 00:30 CEST lasts 7.5 real hours', () => {
    // 00:30 CEST = 22:30Z; 07:00 CET = 06:00Z.
    const c = priceCharge(nightTime({ start_time: '00:00', end_time: '07:00' }), AMSTERDAM, timeline('2024-10-26T22:30:00Z', charging(480, 40)));
    expect(hoursByElement(c)).toEqual({ 0: '7.5', 1: '0.5' });
  });

  it('Europe/Amsterdam: a window starting in the skipped hour (02:30–04:00) starts at the change, 03:00 CEST', () => {
    const c = priceCharge(nightTime({ start_time: '02:30', end_time: '04:00' }), AMSTERDAM, timeline('2024-03-31T00:00:00Z', charging(180, 10)));
    // 01:00 CET → 03:00 CEST (01:00Z) is the change; window holds 01:00Z–02:00Z.
    expect(c.breakdown.map((l) => [l.element_index, l.from_local])).toEqual([
      [1, '2024-03-31T01:00:00+01:00'],
      [0, '2024-03-31T03:00:00+02:00'],
      [1, '2024-03-31T04:00:00+02:00'],
    ]);
  });

  it('America/New_York, spring forward (10 March 2024): window 00:00–07:00 from 00:30 EST lasts 5.5 real hours', () => {
    // 00:30 EST = 05:30Z; 07:00 EDT = 11:00Z.
    const c = priceCharge(nightTime({ start_time: '00:00', end_time: '07:00' }), NEW_YORK, timeline('2024-03-10T05:30:00Z', charging(480, 40)));
    expect(hoursByElement(c)).toEqual({ 0: '5.5', 1: '2.5' });
  });

  it('America/New_York, fall back (3 November 2024): the repeated hour holds a 01:30–02:30 window twice (1.5 real hours)', () => {
    // 01:30 EDT (05:30Z) → 02:00 EDT becomes 01:00 EST (06:00Z); 01:30 EST (06:30Z) → 02:30 EST (07:30Z).
    const c = priceCharge(nightTime({ start_time: '01:30', end_time: '02:30' }), NEW_YORK, timeline('2024-11-03T05:00:00Z', charging(180, 10)));
    expect(c.breakdown.map((l) => [l.element_index, l.from_local, l.to_local])).toEqual([
      [1, '2024-11-03T01:00:00-04:00', '2024-11-03T01:30:00-04:00'],
      [0, '2024-11-03T01:30:00-04:00', '2024-11-03T01:00:00-05:00'],
      [1, '2024-11-03T01:00:00-05:00', '2024-11-03T01:30:00-05:00'],
      [0, '2024-11-03T01:30:00-05:00', '2024-11-03T02:30:00-05:00'],
      [1, '2024-11-03T02:30:00-05:00', '2024-11-03T03:00:00-05:00'],
    ]);
    expect(hoursByElement(c)).toEqual({ 0: '1.5', 1: '1.5' });
  });

  it('a max_duration window counts real seconds across the change, not wall-clock time', () => {
    const tariff = tariffOf([{ price_components: [pc('TIME', '0.00')], restrictions: { max_duration: 7200 } }, { price_components: [pc('TIME', '3.00')] }]);
    // 01:30 CET on 31 March: two real hours end at 04:30 CEST.
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-03-31T00:30:00Z', charging(180, 10)));
    expect(c.breakdown[0]).toMatchObject({ element_index: 0, to_local: '2024-03-31T04:30:00+02:00', billed_quantity: '2' });
  });
});
