/**
 * Properties of the tariff engine over generated tariffs and charges (fast-check): mod_tariffs 2.2.1 §Tariff object
 * (min_price / max_price always hold), §TariffRestrictions (cutting a charge into more periods changes nothing when
 * nothing else changes), and "cost never decreases when the charge grows".
 *
 * Growth is monotone only where the spec's step_size rule allows it: mod_cdrs §step_size bills the amount a step
 * adds in the *last* stretch, at its price, so adding one cheap minute can move that amount off a dearer stretch (the
 * last test shows the spec's own example of such a drop). The monotonicity property therefore uses step_size 1 and
 * whole seconds / Wh, where no step adds anything.
 */
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { ChargeCost, ChargePeriod } from '../../src/tariffs/engine/charge-cost.model';
import { priceCharge } from '../../src/tariffs/engine/price-charge';
import { CanonicalTariff, TariffElement, TariffRestrictions } from '../../src/tariffs/tariff.model';
import { charging, parking, pc, tariffOf, timeline } from './support/spec-examples';

const ZONES = ['Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

const money = fc.integer({ min: 0, max: 500 }).map((c) => new Decimal(c).div(100).toFixed());
const hhmm = fc.integer({ min: 0, max: 95 }).map((q) => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`);
const intString = (max: number) => fc.integer({ min: 0, max }).map(String);

const restrictions: fc.Arbitrary<TariffRestrictions> = fc.record(
  {
    start_time: hhmm,
    end_time: hhmm,
    day_of_week: fc.subarray(DAYS, { minLength: 1 }),
    min_kwh: intString(40),
    max_kwh: intString(60),
    min_power: intString(100),
    max_power: intString(150),
    min_current: intString(64),
    max_current: intString(96),
    min_duration: fc.integer({ min: 0, max: 120 }).map((m) => m * 60),
    max_duration: fc.integer({ min: 0, max: 240 }).map((m) => m * 60),
  },
  { requiredKeys: [] },
);

function element(steps: fc.Arbitrary<number>): fc.Arbitrary<TariffElement> {
  const component = (type: string) => fc.record({ price: money, vat: fc.constantFrom(null, '0', '9', '21'), step: steps }).map((c) => pc(type, c.price, c.step, c.vat));
  return fc.record({
    price_components: fc.subarray(['ENERGY', 'FLAT', 'TIME', 'PARKING_TIME'], { minLength: 1 }).chain((types) => fc.tuple(...types.map(component))),
    restrictions: fc.option(restrictions, { nil: null }),
  });
}

function tariff(steps: fc.Arbitrary<number> = fc.constant(1)): fc.Arbitrary<CanonicalTariff> {
  return fc.array(element(steps), { minLength: 1, maxLength: 5 }).map((elements) => tariffOf(elements));
}

/** A period in whole minutes; charging with whole Wh per minute, a given power and current. */
const period: fc.Arbitrary<ChargePeriod> = fc.oneof(
  fc
    .record({ minutes: fc.integer({ min: 1, max: 150 }), whPerMinute: fc.integer({ min: 0, max: 2500 }), amps: fc.integer({ min: 0, max: 120 }) })
    .map(({ minutes, whPerMinute, amps }) =>
      charging(minutes, new Decimal(minutes * whPerMinute).div(1000).toFixed(), { power_kw: new Decimal(whPerMinute * 60).div(1000).toFixed(), current_a: String(amps) }),
    ),
  fc.integer({ min: 1, max: 150 }).map(parking),
);

/** A start on a whole minute in 2024, around the daylight-saving changes as often as not. */
const start = fc.oneof(
  fc.integer({ min: 0, max: 366 * 24 * 60 }).map((m) => new Date(Date.UTC(2024, 0, 1) + m * 60_000).toISOString()),
  fc
    .constantFrom('2024-03-31T00:00:00Z', '2024-10-27T00:00:00Z', '2024-03-10T05:00:00Z', '2024-11-03T04:00:00Z')
    .chain((s) => fc.integer({ min: -180, max: 180 }).map((m) => new Date(Date.parse(s) + m * 60_000).toISOString())),
);

const charge = fc.record({ start, zone: fc.constantFrom(...ZONES), periods: fc.array(period, { minLength: 1, maxLength: 4 }) });

const before = (c: ChargeCost) => new Decimal(c.total_unrounded.before_taxes!);
const after = (c: ChargeCost) => (c.total_unrounded.after_taxes === null ? null : new Decimal(c.total_unrounded.after_taxes));
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

describe('tariff engine properties (fast-check)', () => {
  it('cost never decreases when the charge grows by another period (more energy or more time), step_size 1', () => {
    fc.assert(
      fc.property(tariff(), charge, period, (t, c, more) => {
        const base = priceCharge(t, c.zone, timeline(c.start, ...c.periods));
        const grown = priceCharge(t, c.zone, timeline(c.start, ...c.periods, more));
        expect(before(grown).gte(before(base))).toBe(true);
        expect(after(grown)!.gte(after(base)!)).toBe(true);
      }),
      RUNS,
    );
  });

  /** min_price and max_price between 0 and 50 €, before taxes and, `withAfter`, after taxes too (at a VAT of 0–25 %). */
  const bounds = (withAfter: boolean) =>
    fc.record({ min: fc.integer({ min: 0, max: 2000 }), span: fc.integer({ min: 0, max: 3000 }), vat: fc.integer({ min: 0, max: 25 }) }).map(({ min, span, vat }) => {
      const limit = (cents: number) => ({
        before_taxes: new Decimal(cents).div(100).toFixed(),
        after_taxes: withAfter
          ? new Decimal(cents)
              .times(100 + vat)
              .div(10000)
              .toFixed()
          : null,
      });
      return { min_price: limit(min), max_price: limit(min + span) };
    });

  it('min_price and max_price always hold before and after taxes (mod_tariffs 2.2.1 §Tariff object NOTEs), whatever the step sizes', () => {
    fc.assert(
      fc.property(tariff(fc.constantFrom(1, 60, 300, 900, 500)), bounds(true), charge, (t, b, c) => {
        const cost = priceCharge({ ...t, ...b }, c.zone, timeline(c.start, ...c.periods));
        expect(before(cost).gte(b.min_price.before_taxes) && before(cost).lte(b.max_price.before_taxes)).toBe(true);
        expect(after(cost)!.gte(b.min_price.after_taxes!) && after(cost)!.lte(b.max_price.after_taxes!)).toBe(true);
        expect(new Decimal(cost.total.before_taxes!).minus(before(cost)).abs().lte('0.005')).toBe(true);
      }),
      RUNS,
    );
  });

  it('min_price and max_price given before taxes only bound the total before taxes, whatever the step sizes', () => {
    fc.assert(
      fc.property(tariff(fc.constantFrom(1, 60, 300, 900, 500)), bounds(false), charge, (t, b, c) => {
        const cost = priceCharge({ ...t, ...b }, c.zone, timeline(c.start, ...c.periods));
        expect(before(cost).gte(b.min_price.before_taxes) && before(cost).lte(b.max_price.before_taxes)).toBe(true);
        expect(new Decimal(cost.total.before_taxes!).minus(before(cost)).abs().lte('0.005')).toBe(true);
      }),
      RUNS,
    );
  });

  it('cutting a period in two at a whole minute, same power and current, changes nothing (whatever the step sizes)', () => {
    const split = fc
      .record({ minutes: fc.integer({ min: 2, max: 300 }), whPerMinute: fc.integer({ min: 0, max: 2500 }), amps: fc.integer({ min: 0, max: 120 }) })
      .chain((p) => fc.integer({ min: 1, max: p.minutes - 1 }).map((at) => ({ ...p, at })));
    fc.assert(
      fc.property(tariff(fc.constantFrom(1, 60, 300, 900, 500)), start, fc.constantFrom(...ZONES), split, (t, s, zone, p) => {
        const kwh = (m: number) => new Decimal(m * p.whPerMinute).div(1000).toFixed();
        const extra = { power_kw: new Decimal(p.whPerMinute * 60).div(1000).toFixed(), current_a: String(p.amps) };
        const whole = priceCharge(t, zone, timeline(s, charging(p.minutes, kwh(p.minutes), extra)));
        const cut = priceCharge(t, zone, timeline(s, charging(p.at, kwh(p.at), extra), charging(p.minutes - p.at, kwh(p.minutes - p.at), extra)));
        expect(cut.total_unrounded).toEqual(whole.total_unrounded);
        expect(cut.costs).toEqual(whole.costs);
      }),
      RUNS,
    );
  });

  it('the rounded total adds up: after − before = the sum of its taxes; dimensions add up to the total when no bound applied', () => {
    fc.assert(
      fc.property(tariff(fc.constantFrom(1, 300, 900)), charge, (t, c) => {
        const cost = priceCharge(t, c.zone, timeline(c.start, ...c.periods));
        const taxes = cost.total.taxes!.reduce((s, x) => s.plus(x.amount), new Decimal(0));
        expect(new Decimal(cost.total.after_taxes!).minus(cost.total.before_taxes!).eq(taxes)).toBe(true);
        const sum = Object.values(cost.costs).reduce((s, a) => s.plus(a.before_taxes!), new Decimal(0));
        expect(sum.minus(before(cost)).abs().lte('0.00000005')).toBe(true);
      }),
      RUNS,
    );
  });

  it('counter-example the spec implies (mod_cdrs §step_size): one more free minute of parking lowers the bill', () => {
    // TIME € 6 / h per 15 min, PARKING_TIME free: 16 min charging alone is billed as 30 min (3.00); followed by one
    // minute of parking, TIME is no longer the last time-based stretch and is billed as 16 min (1.60).
    const t = tariffOf([{ price_components: [pc('TIME', '6.00', 900), pc('PARKING_TIME', '0.00', 900)] }]);
    const alone = priceCharge(t, 'Europe/Amsterdam', timeline('2024-06-05T10:00:00Z', charging(16, 3)));
    const longer = priceCharge(t, 'Europe/Amsterdam', timeline('2024-06-05T10:00:00Z', charging(16, 3), parking(1)));
    expect([alone.total.before_taxes, longer.total.before_taxes]).toEqual(['3.00', '1.60']);
  });
});
