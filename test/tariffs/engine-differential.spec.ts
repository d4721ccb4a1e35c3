/**
 * Issue 17: the tariff engine was made faster, and must price exactly as before. Thousands of generated CDRs and
 * tariffs (the spec's example tariffs and generated ones: time-of-day windows that wrap midnight, weekdays, dates,
 * kWh / duration / power / current bounds, reservation elements, step sizes, min/max price with and without their
 * after-tax side, taxes included or not, VAT omitted, Locations in zones with daylight saving, no zone, a zone that
 * is none) are priced by the engine in src and by the frozen copy of the engine before that work
 * (support/reference-engine, see its README), and every field of the results must be the same: totals, the
 * breakdown's figures and texts, the reasons and notes. Both engines throwing, with the same message, counts as the
 * same result.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recomputeCdrCost } from '../../src/finance/recompute-cdr-cost';
import { mapTariff221 } from '../../src/ocpi/v2_2_1/tariffs/tariff.mapper';
import { priceCharge } from '../../src/tariffs/engine/price-charge';
import { ChargePeriod } from '../../src/tariffs/engine/charge-cost.model';
import { CanonicalTariff, TariffElement, TariffRestrictions } from '../../src/tariffs/tariff.model';
import { CdrForPricing } from '../../src/cdrs/cdr-pricing.model';
import { findProjectRoot } from '../cpo-simulator';
import { priceCharge as referencePriceCharge } from './support/reference-engine/price-charge';
import { recomputeCdrCost as referenceRecomputeCdrCost } from './support/reference-engine/recompute-cdr-cost';
import { pc, tariffOf } from './support/spec-examples';

const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 3000);
const SEED = 17_2024;
const ZONES = ['Europe/Amsterdam', 'America/New_York', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC', null, 'Mars/Olympus'];
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** The spec's 2.2.1 example tariffs, as the bench and the service price them. */
function exampleTariffs(): CanonicalTariff[] {
  const dir = join(findProjectRoot(), 'test', 'fixtures', 'ocpi', '2.2.1', 'tariffs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const mapped = mapTariff221(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      if (!mapped.ok) throw new Error(`${f}: ${mapped.reason}`);
      return mapped.value;
    });
}

/** A decimal string of `max` at most with up to `decimals` decimals (volumes come with 3 or 4). */
const decimal = (max: number, decimals: number) =>
  fc.integer({ min: 0, max: max * 10 ** decimals }).map((n) => (n / 10 ** decimals).toFixed(decimals).replace(/\.?0+$/, '') || '0');
const hhmm = fc.integer({ min: 0, max: 95 }).map((q) => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`);

const restrictions: fc.Arbitrary<TariffRestrictions> = fc.record(
  {
    start_time: fc.oneof(hhmm, fc.constant('9:00')),
    end_time: fc.oneof(hhmm, fc.constant('00:00'), fc.constant('25:00')),
    start_date: fc.constantFrom('2024-01-01', '2024-03-31', '2024-07-01', '2024-13-01'),
    end_date: fc.constantFrom('2024-06-30', '2024-10-27', '2025-01-01'),
    day_of_week: fc.subarray([...DAYS, 'FUNDAY'], { minLength: 1 }),
    min_kwh: decimal(30, 1),
    max_kwh: decimal(60, 1),
    min_power: decimal(50, 0),
    max_power: decimal(150, 0),
    min_current: decimal(32, 0),
    max_current: decimal(96, 0),
    min_duration: fc.integer({ min: 0, max: 240 }).map((m) => m * 60),
    max_duration: fc.integer({ min: 0, max: 480 }).map((m) => m * 60 + 7),
    reservation: fc.constantFrom('RESERVATION', 'RESERVATION_EXPIRES'),
  },
  { requiredKeys: [] },
);

const element: fc.Arbitrary<TariffElement> = fc.record({
  price_components: fc
    .tuple(fc.subarray(['ENERGY', 'FLAT', 'TIME', 'PARKING_TIME'], { minLength: 1 }), fc.integer({ min: 0, max: 19 }))
    .map(([types, one]) => (one === 0 ? [...types, 'CO2'] : types))
    .chain((types) =>
      fc.tuple(
        ...types.map((type) =>
          fc
            .record({ price: decimal(5, 4), vat: fc.constantFrom(null, '0', '9', '21', '5.5'), step: fc.constantFrom(0, 1, 60, 300, 900, 500) })
            .map((c) => pc(type, c.price, c.step, c.vat)),
        ),
      ),
    ),
  restrictions: fc.option(restrictions, { nil: null }),
});

const bound = fc.record({ before: decimal(40, 2), after: fc.option(decimal(50, 2), { nil: null }) }).map((b) => ({ before_taxes: b.before, after_taxes: b.after }));

const generatedTariff: fc.Arbitrary<CanonicalTariff> = fc
  .record({
    elements: fc.array(element, { minLength: 1, maxLength: 6 }),
    tax_included: fc.constantFrom('NO', 'NO', 'YES', 'N/A'),
    omitted_vat: fc.constantFrom('NO_VAT', 'UNKNOWN'),
    min_price: fc.option(bound, { nil: null }),
    max_price: fc.option(bound, { nil: null }),
    currency: fc.constantFrom('EUR', 'EUR', 'JPY', 'KWD'),
  })
  .map(({ elements, tax_included, omitted_vat, min_price, max_price, currency }) =>
    tariffOf(elements, {
      id: 'GEN',
      tax_included: tax_included,
      omitted_vat: omitted_vat,
      min_price,
      max_price,
      currency,
    }),
  );

const tariffs = exampleTariffs();
const tariff = fc.oneof(generatedTariff, fc.constantFrom(...tariffs));

/** A start in 2024, near a daylight-saving change of one of the zones as often as not, on a second or a millisecond. */
const start = fc.oneof(
  fc.integer({ min: 0, max: 366 * 86_400 }).map((s) => Date.UTC(2024, 0, 1) + s * 1000),
  fc
    .constantFrom('2024-03-31T00:30:00Z', '2024-10-27T00:30:00Z', '2024-03-10T06:30:00Z', '2024-11-03T05:30:00Z', '2024-04-06T15:30:00Z', '2024-10-05T15:30:00Z')
    .chain((s) => fc.integer({ min: -14_400, max: 14_400 }).map((d) => Date.parse(s) + d * 1000)),
  fc.integer({ min: 0, max: 366 * 86_400_000 }).map((ms) => Date.UTC(2024, 0, 1) + ms),
);

interface PeriodShape {
  gapSeconds: number;
  dimensions: Array<{ type: string; volume: string }>;
  named: boolean;
}

/** A period's dimensions: mostly charging (ENERGY with TIME), sometimes parking, a reservation only in the first. */
function dimensionsOf(first: boolean): fc.Arbitrary<Array<{ type: string; volume: string }>> {
  const some = (type: string, volume: fc.Arbitrary<string>, weight: number) =>
    fc.oneof({ arbitrary: volume.map((v) => [{ type, volume: v }]), weight }, { arbitrary: fc.constant([]), weight: 10 - weight });
  return fc
    .tuple(
      some('RESERVATION_TIME', decimal(1, 4), first ? 1 : 0),
      some('ENERGY', decimal(40, 3), 8),
      some('TIME', decimal(4, 4), 8),
      some('PARKING_TIME', decimal(3, 4), 3),
      fc.oneof(some('MAX_CURRENT', decimal(64, 0), 4), some('CURRENT', decimal(64, 0), 4), some('MIN_CURRENT', decimal(32, 0), 4)),
      fc.oneof(some('MAX_POWER', decimal(150, 1), 3), some('POWER', decimal(150, 1), 3)),
    )
    .map((parts) => parts.flat());
}

const periodShape = (first: boolean): fc.Arbitrary<PeriodShape> =>
  fc.record({
    gapSeconds: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 3 * 3600 }), weight: 1 }),
    dimensions: dimensionsOf(first),
    named: fc.boolean(),
  });

const periodShapes = fc.tuple(periodShape(true), fc.array(periodShape(false), { maxLength: 3 })).map(([first, rest]) => [first, ...rest]);

/** A CDR priced by `t`: periods one after another (each as long as its dimensions say, then a gap). */
function cdrOf(t: CanonicalTariff, startMs: number, shapes: PeriodShape[], stated: string, endSlackSeconds: number): CdrForPricing {
  let at = startMs;
  const charging_periods = shapes.map((s) => {
    const p = { start_date_time: new Date(at).toISOString(), dimensions: s.dimensions, tariff_id: s.named ? t.id : null };
    const hours = s.dimensions.filter((d) => d.type.endsWith('TIME')).reduce((sum, d) => sum + Number(d.volume), 0);
    at += Math.round(hours * 3_600_000) + s.gapSeconds * 1000;
    return p;
  });
  return {
    country_code: t.country_code,
    party_id: t.party_id,
    id: 'CDR-1',
    currency: t.currency,
    start_date_time: new Date(startMs).toISOString(),
    end_date_time: new Date(at + endSlackSeconds * 1000).toISOString(),
    charging_periods,
    total_cost: { before_taxes: stated, after_taxes: stated === '0' ? null : stated },
    tariffs: [t],
  };
}

/** The result, or the error's message: both engines must agree on either. */
function outcome<T>(run: () => T): { ok: T } | { threw: string } {
  try {
    return { ok: run() };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

describe('tariff engine: the same results as before issue 17 (differential)', () => {
  it(`prices ${RUNS} generated CDRs exactly as the reference engine does, to the last field`, () => {
    fc.assert(
      fc.property(tariff, start, periodShapes, fc.constantFrom(...ZONES), decimal(60, 2), fc.constantFrom(0, 0, 30, 600), (t, startMs, shapes, zone, stated, slack) => {
        // The reference and the engine each get their own copy: the engine keeps its compiled form on the object.
        const cdr = cdrOf(t, startMs, shapes, stated, slack);
        const copy = JSON.parse(JSON.stringify(cdr)) as CdrForPricing;
        expect(outcome(() => recomputeCdrCost(cdr, cdr.tariffs!, zone))).toEqual(outcome(() => referenceRecomputeCdrCost(copy, copy.tariffs!, zone)));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('prices timelines given as numbers, strings and decimals (as the estimates give them) exactly as the reference engine does', () => {
    const period: fc.Arbitrary<ChargePeriod> = fc.oneof(
      fc
        .record({
          seconds: fc.integer({ min: 0, max: 9000 }),
          kwh: decimal(50, 3),
          power: fc.option(decimal(150, 1), { nil: null }),
          current: fc.option(decimal(64, 0), { nil: null }),
        })
        .map(({ seconds, kwh, power, current }) => ({ kind: 'CHARGING' as const, duration_s: seconds, energy_kwh: kwh, power_kw: power, current_a: current })),
      fc.integer({ min: 0, max: 9000 }).map((s) => ({ kind: 'PARKING' as const, duration_s: String(s) })),
      fc.integer({ min: 1, max: 3600 }).map((s) => ({ kind: 'RESERVATION' as const, duration_s: s })),
    );
    fc.assert(
      fc.property(tariff, start, fc.array(period, { minLength: 1, maxLength: 4 }), fc.constantFrom(...ZONES), (t, startMs, periods, zone) => {
        const timeline = { start: new Date(startMs).toISOString(), periods };
        const copy = JSON.parse(JSON.stringify(t)) as CanonicalTariff;
        expect(outcome(() => priceCharge(t, zone, timeline))).toEqual(outcome(() => referencePriceCharge(copy, zone, timeline)));
      }),
      { numRuns: Math.ceil(RUNS / 3), seed: SEED + 1 },
    );
  });
});
