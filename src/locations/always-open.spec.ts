import fc from 'fast-check';
import { alwaysOpenFrom, alwaysOpenState, clearScheduleCache, evaluateOpeningHours } from './opening-hours';
import type { Hours } from './opening-times.model';

/**
 * location.always_open_from lets the search skip evaluating hours; it must never change an answer. Checked against
 * evaluateOpeningHours (mod_locations 2.2.1 §8.4.14 Hours, §8.4.21 RegularHours, §8.4.11 ExceptionalPeriod).
 */
describe('mod_locations 2.2.1 §8.4.14 Hours: always-open shortcut agrees with the full evaluation', () => {
  const zones = ['Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe'];
  const base = Date.parse('2026-01-01T00:00:00Z');
  const instant = fc.integer({ min: 0, max: 400 * 24 * 60 }).map((minutes) => base + minutes * 60_000);
  const period = fc.tuple(instant, fc.integer({ min: -600, max: 6000 })).map(([begin, minutes]) => ({
    period_begin: new Date(begin).toISOString(),
    period_end: new Date(begin + minutes * 60_000).toISOString(),
  }));
  const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const regular = fc.record({ weekday: fc.integer({ min: 1, max: 7 }), period_begin: hhmm, period_end: hhmm });
  const hours: fc.Arbitrary<Hours | null> = fc.option(
    fc.record(
      {
        twentyfourseven: fc.boolean(),
        regular_hours: fc.array(regular, { maxLength: 3 }),
        exceptional_openings: fc.array(period, { maxLength: 2 }),
        exceptional_closings: fc.array(period, { maxLength: 3 }),
      },
      { requiredKeys: ['twentyfourseven'] },
    ),
    { nil: null },
  );

  it('for every instant at or after always_open_from, the Location is open with the shortcut state', () => {
    fc.assert(
      fc.property(hours, fc.constantFrom(...zones), instant, (h, zone, at) => {
        const from = alwaysOpenFrom(h, zone);
        fc.pre(from !== null && at >= from);
        expect(evaluateOpeningHours(h, zone, new Date(at))).toEqual(alwaysOpenState(h));
      }),
      { numRuns: 2000 },
    );
  });

  it('the schedule cache never changes an answer: evaluating after another instant nearby equals evaluating fresh', () => {
    const shop: fc.Arbitrary<Hours> = fc.record({ twentyfourseven: fc.constant(false), regular_hours: fc.array(regular, { minLength: 1, maxLength: 4 }) });
    const nearby = fc.integer({ min: -12 * 24 * 60, max: 12 * 24 * 60 }).map((minutes) => minutes * 60_000);
    fc.assert(
      fc.property(shop, shop, fc.boolean(), fc.constantFrom(...zones), instant, nearby, (h, other, same, zone, at, delta) => {
        clearScheduleCache();
        const fresh = evaluateOpeningHours(h, zone, new Date(at));
        clearScheduleCache();
        evaluateOpeningHours(same ? h : other, zone, new Date(at + delta)); // warms the cache with another key
        expect(evaluateOpeningHours(h, zone, new Date(at))).toEqual(fresh);
      }),
      { numRuns: 1000 },
    );
  });

  it('is -Infinity without hours, for 24/7 without closings, and the end of the last closing for 24/7 with closings', () => {
    expect(alwaysOpenFrom(null, 'Europe/Amsterdam')).toBe(-Infinity);
    expect(alwaysOpenFrom({ twentyfourseven: true }, 'Europe/Amsterdam')).toBe(-Infinity);
    const closings = [
      { period_begin: '2026-03-01T02:00:00Z', period_end: '2026-03-01T06:00:00Z' },
      { period_begin: '2026-01-10T02:00:00Z', period_end: '2026-01-10T06:00:00Z' },
    ];
    expect(alwaysOpenFrom({ twentyfourseven: true, exceptional_closings: closings }, 'UTC')).toBe(Date.parse('2026-03-01T06:00:00Z'));
  });

  it('is null (evaluate per request) for regular hours, for exceptional openings without 24/7, and for unreadable hours or zones', () => {
    expect(alwaysOpenFrom({ twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '20:00' }] }, 'UTC')).toBeNull();
    expect(alwaysOpenFrom({ twentyfourseven: false, exceptional_openings: [{ period_begin: '2026-01-01T00:00:00Z', period_end: '2026-01-02T00:00:00Z' }] }, 'UTC')).toBeNull();
    expect(alwaysOpenFrom({ twentyfourseven: true, exceptional_closings: [{ period_begin: 'soon', period_end: 'later' }] }, 'UTC')).toBeNull();
    expect(alwaysOpenFrom({ twentyfourseven: true }, 'Mars/Olympus_Mons')).toBeNull();
  });
});
