import fc from 'fast-check';
import { evaluateOpeningHours, evaluateOpeningHoursUntil } from './opening-hours';
import type { Hours } from './opening-times.model';

/**
 * The search index keeps a Location's opening state until evaluateOpeningHoursUntil's validUntil: the whole answer
 * (open, reason and changesAt, mod_locations 2.2.1 §Hours class, §RegularHours class, §ExceptionalPeriod class) must
 * be the same at every instant before it, across DST changes and in zones with odd offsets too.
 */
const ZONES = ['Europe/Amsterdam', 'America/New_York', 'Asia/Tokyo', 'UTC', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
const DAY = 86_400_000;
// Around the 2026 DST changes of Europe (29 Mar, 25 Oct), North America (8 Mar, 1 Nov) and Lord Howe (5 Apr, 4 Oct).
const WINDOWS = [Date.UTC(2026, 2, 4), Date.UTC(2026, 2, 26), Date.UTC(2026, 9, 1), Date.UTC(2026, 9, 22)];

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const regularHours = fc
  .array(fc.record({ weekday: fc.integer({ min: 1, max: 7 }), begin: fc.integer({ min: 0, max: 47 }), end: fc.integer({ min: 0, max: 48 }) }), { maxLength: 8 })
  .map((periods) => periods.map((p) => ({ weekday: p.weekday, period_begin: hhmm(p.begin * 30), period_end: hhmm(p.end * 30) })));

const period = (base: number) =>
  fc.record({ start: fc.integer({ min: -5 * 48, max: 15 * 48 }), length: fc.integer({ min: 1, max: 6 * 48 }) }).map((p) => ({
    period_begin: new Date(base + p.start * 1_800_000).toISOString(),
    period_end: new Date(base + (p.start + p.length) * 1_800_000).toISOString(),
  }));

const caseArb = fc.constantFrom(...WINDOWS).chain((base) =>
  fc.record({
    zone: fc.constantFrom(...ZONES),
    hours: fc.record({
      twentyfourseven: fc.boolean(),
      regular_hours: regularHours,
      exceptional_openings: fc.array(period(base), { maxLength: 2 }),
      exceptional_closings: fc.array(period(base), { maxLength: 2 }),
    }),
    at: fc.integer({ min: base, max: base + 10 * DAY }),
    fractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 1, maxLength: 6 }),
  }),
);

describe('mod_locations 2.2.1 §Hours class: an opening state holds until evaluateOpeningHoursUntil says it may change', () => {
  it('gives the same answer at every instant from `at` up to validUntil (exclusive), and validUntil is at most a day ahead', () => {
    fc.assert(
      fc.property(caseArb, ({ zone, hours, at, fractions }) => {
        const { state, validUntil } = evaluateOpeningHoursUntil(hours, zone, new Date(at));
        expect(state).toEqual(evaluateOpeningHours(hours, zone, new Date(at)));
        expect(validUntil).toBeGreaterThan(at);
        expect(validUntil).toBeLessThanOrEqual(at + DAY);
        for (const t of [...fractions.map((f) => at + Math.floor(f * (validUntil - at))), validUntil - 1]) {
          expect(evaluateOpeningHours(hours, zone, new Date(t))).toEqual(state);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('is not merely cautious: shop hours stay valid until their next opening or closing', () => {
    const shop: Hours = { twentyfourseven: false, regular_hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, period_begin: '08:00', period_end: '18:00' })) };
    const at = new Date('2026-12-01T10:00:00Z'); // Tuesday 11:00 in Amsterdam: open until 18:00 local
    const { state, validUntil } = evaluateOpeningHoursUntil(shop, 'Europe/Amsterdam', at);
    expect(state).toMatchObject({ open: true, reason: 'REGULAR_HOURS', changesAt: '2026-12-01T18:00:00+01:00' });
    expect(new Date(validUntil).toISOString()).toBe('2026-12-01T17:00:00.000Z');
  });
});
