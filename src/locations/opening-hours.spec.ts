import { evaluateOpeningHours, OpeningState } from './opening-hours';
import type { Hours } from './opening-times.model';

/** Shorthand: evaluate at an ISO instant. */
function at(hours: Hours | null | undefined, timeZone: string, iso: string): OpeningState {
  return evaluateOpeningHours(hours, timeZone, new Date(iso));
}

/** Monday–Sunday same hours. */
function daily(begin: string, end: string): Hours {
  return {
    twentyfourseven: false,
    regular_hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, period_begin: begin, period_end: end })),
  };
}

// The spec's Hours examples carry no time_zone and their prose reads the UTC DateTimes as local times
// ("25th of December 2018 between 03:00 and 05:00" next to regular hours 01:00–06:00), so they are evaluated in UTC.
describe('mod_locations 2.2.1 §Hours class, Example: 24/7 open with exceptional closing (location_hours_247_open_exception_closing.json)', () => {
  const hours: Hours = {
    twentyfourseven: true,
    exceptional_closings: [{ period_begin: '2018-12-25T03:00:00Z', period_end: '2018-12-25T05:00:00Z' }],
  };

  it('is open before the closing, and says when the closing starts', () => {
    expect(at(hours, 'UTC', '2018-12-25T02:59:59Z')).toEqual({
      open: true,
      reason: 'TWENTYFOURSEVEN',
      changesAt: '2018-12-25T03:00:00+00:00',
    });
  });

  it('is closed during the closing (begin inclusive), until its end', () => {
    expect(at(hours, 'UTC', '2018-12-25T03:00:00Z')).toEqual({
      open: false,
      reason: 'EXCEPTIONAL_CLOSING',
      changesAt: '2018-12-25T05:00:00+00:00',
    });
  });

  it('is open again at the end (end exclusive), with no further change in 7 days', () => {
    expect(at(hours, 'UTC', '2018-12-25T05:00:00Z')).toEqual({ open: true, reason: 'TWENTYFOURSEVEN', changesAt: null });
  });

  it('is open 24/7 when no closing is near', () => {
    expect(at(hours, 'UTC', '2019-03-01T12:00:00Z')).toEqual({ open: true, reason: 'TWENTYFOURSEVEN', changesAt: null });
  });
});

describe('mod_locations 2.2.1 §Hours class, Example: Opening Hours with exceptional closing (location_hours_opening_hours_with_exceptional_closing.json)', () => {
  // 2018-12-25 is a Tuesday (weekday 2).
  const hours: Hours = {
    twentyfourseven: false,
    regular_hours: [
      { weekday: 1, period_begin: '01:00', period_end: '06:00' },
      { weekday: 2, period_begin: '01:00', period_end: '06:00' },
    ],
    exceptional_closings: [{ period_begin: '2018-12-25T03:00:00Z', period_end: '2018-12-25T05:00:00Z' }],
  };

  it.each([
    ['2018-12-25T00:30:00Z', false, 'OUTSIDE_REGULAR_HOURS', '2018-12-25T01:00:00+00:00'],
    ['2018-12-25T02:00:00Z', true, 'REGULAR_HOURS', '2018-12-25T03:00:00+00:00'],
    ['2018-12-25T04:00:00Z', false, 'EXCEPTIONAL_CLOSING', '2018-12-25T05:00:00+00:00'],
    ['2018-12-25T05:30:00Z', true, 'REGULAR_HOURS', '2018-12-25T06:00:00+00:00'],
    // Next opening: Monday 31 December 01:00.
    ['2018-12-25T06:00:00Z', false, 'OUTSIDE_REGULAR_HOURS', '2018-12-31T01:00:00+00:00'],
    // The Monday before is unaffected by the closing.
    ['2018-12-24T04:00:00Z', true, 'REGULAR_HOURS', '2018-12-24T06:00:00+00:00'],
  ])('at %s: open=%s (%s), changes at %s', (iso, open, reason, changesAt) => {
    expect(at(hours, 'UTC', iso)).toEqual({ open, reason, changesAt });
  });
});

describe('mod_locations 2.2.1 §Hours class, Example: Opening Hours with exceptional opening (location_hours_opening_hours_with_exceptional_opening.json)', () => {
  // The prose says "between 05:00 and 07:00"; the JSON says 05:00–06:00. We follow the JSON.
  const hours: Hours = {
    twentyfourseven: false,
    regular_hours: [
      { weekday: 1, period_begin: '00:00', period_end: '04:00' },
      { weekday: 2, period_begin: '00:00', period_end: '04:00' },
    ],
    exceptional_openings: [{ period_begin: '2018-12-25T05:00:00Z', period_end: '2018-12-25T06:00:00Z' }],
  };

  it.each([
    ['2018-12-25T03:00:00Z', true, 'REGULAR_HOURS', '2018-12-25T04:00:00+00:00'],
    ['2018-12-25T04:30:00Z', false, 'OUTSIDE_REGULAR_HOURS', '2018-12-25T05:00:00+00:00'],
    ['2018-12-25T05:30:00Z', true, 'EXCEPTIONAL_OPENING', '2018-12-25T06:00:00+00:00'],
    ['2018-12-25T06:30:00Z', false, 'OUTSIDE_REGULAR_HOURS', '2018-12-31T00:00:00+00:00'],
  ])('at %s: open=%s (%s), changes at %s', (iso, open, reason, changesAt) => {
    expect(at(hours, 'UTC', iso)).toEqual({ open, reason, changesAt });
  });

  it('an exceptional opening that abuts regular hours is one continuous opening', () => {
    const abutting: Hours = {
      ...hours,
      exceptional_openings: [{ period_begin: '2018-12-25T04:00:00Z', period_end: '2018-12-25T06:00:00Z' }],
    };
    expect(at(abutting, 'UTC', '2018-12-25T03:00:00Z')).toEqual({
      open: true,
      reason: 'REGULAR_HOURS',
      changesAt: '2018-12-25T06:00:00+00:00',
    });
  });
});

describe('mod_locations 2.2.1 §RegularHours class, Example (location_regularhours_example.json)', () => {
  // The JSON (and the schedule table) put the exceptional opening on Saturday 21 June 2014 09:00–12:00 and the
  // exceptional closing on Tuesday 24 June; the prose ("22/6", "the Monday after") disagrees. We follow JSON + table.
  const hours: Hours = {
    regular_hours: [
      { weekday: 1, period_begin: '08:00', period_end: '20:00' },
      { weekday: 2, period_begin: '08:00', period_end: '20:00' },
      { weekday: 3, period_begin: '08:00', period_end: '20:00' },
      { weekday: 4, period_begin: '08:00', period_end: '20:00' },
      { weekday: 5, period_begin: '08:00', period_end: '20:00' },
    ],
    twentyfourseven: false,
    exceptional_openings: [{ period_begin: '2014-06-21T09:00:00Z', period_end: '2014-06-21T12:00:00Z' }],
    exceptional_closings: [{ period_begin: '2014-06-24T00:00:00Z', period_end: '2014-06-25T00:00:00Z' }],
  };

  // The table, Mo 16 … Su 29 June 2014: open from/till, '-' = closed all day.
  const table: Array<[number, string, string | null, string | null]> = [
    [16, 'Mo', '08', '20'],
    [17, 'Tu', '08', '20'],
    [18, 'We', '08', '20'],
    [19, 'Th', '08', '20'],
    [20, 'Fr', '08', '20'],
    [21, 'Sa', '09', '12'],
    [22, 'Su', null, null],
    [23, 'Mo', '08', '20'],
    [24, 'Tu', null, null],
    [25, 'We', '08', '20'],
    [26, 'Th', '08', '20'],
    [27, 'Fr', '08', '20'],
    [28, 'Sa', null, null],
    [29, 'Su', null, null],
  ];

  it.each(table)('June %i (%s): open from %s till %s', (day, _weekday, from, till) => {
    const dd = String(day).padStart(2, '0');
    const openAtHour = (hh: number) => at(hours, 'UTC', `2014-06-${dd}T${String(hh).padStart(2, '0')}:30:00Z`).open;
    for (let hh = 0; hh < 24; hh++) {
      const expected = from !== null && till !== null && hh >= Number(from) && hh < Number(till);
      expect([hh, openAtHour(hh)]).toEqual([hh, expected]);
    }
  });

  it('names the reasons: exceptional opening on Saturday, exceptional closing on Tuesday', () => {
    expect(at(hours, 'UTC', '2014-06-21T10:00:00Z').reason).toBe('EXCEPTIONAL_OPENING');
    expect(at(hours, 'UTC', '2014-06-24T10:00:00Z')).toEqual({
      open: false,
      reason: 'EXCEPTIONAL_CLOSING',
      changesAt: '2014-06-25T08:00:00+00:00',
    });
    expect(at(hours, 'UTC', '2014-06-22T10:00:00Z')).toEqual({
      open: false,
      reason: 'OUTSIDE_REGULAR_HOURS',
      changesAt: '2014-06-23T08:00:00+00:00',
    });
  });
});

describe('mod_locations 2.2.1 §Location object, Example charge point in a parking garage with opening hours (Europe/Stockholm)', () => {
  const hours = daily('07:00', '18:00');

  it('is closed before 07:00 local (CET, +01:00) and opens at 07:00', () => {
    expect(at(hours, 'Europe/Stockholm', '2017-03-07T05:59:00Z')).toEqual({
      open: false,
      reason: 'OUTSIDE_REGULAR_HOURS',
      changesAt: '2017-03-07T07:00:00+01:00',
    });
  });

  it('is open from 07:00 local until 18:00 local', () => {
    expect(at(hours, 'Europe/Stockholm', '2017-03-07T06:00:00Z')).toEqual({
      open: true,
      reason: 'REGULAR_HOURS',
      changesAt: '2017-03-07T18:00:00+01:00',
    });
  });
});

describe('mod_locations 2.2.1 §Location object opening_times (absent) and §Hours class (unusable)', () => {
  it('absent opening_times: open, reason NO_OPENING_TIMES (an assumption: the spec gives no default)', () => {
    expect(at(undefined, 'Europe/Amsterdam', '2026-12-01T03:00:00Z')).toEqual({
      open: true,
      reason: 'NO_OPENING_TIMES',
      changesAt: null,
    });
    expect(at(null, 'Europe/Amsterdam', '2026-12-01T03:00:00Z').reason).toBe('NO_OPENING_TIMES');
  });

  it('twentyfourseven false without regular hours or openings (invalid in 2.2.1): like absent, closings still apply', () => {
    const hours: Hours = {
      twentyfourseven: false,
      regular_hours: [],
      exceptional_closings: [{ period_begin: '2026-12-01T10:00:00Z', period_end: '2026-12-01T12:00:00Z' }],
    };
    expect(at(hours, 'UTC', '2026-12-01T09:00:00Z')).toEqual({
      open: true,
      reason: 'NO_OPENING_TIMES',
      changesAt: '2026-12-01T10:00:00+00:00',
    });
    expect(at(hours, 'UTC', '2026-12-01T11:00:00Z').reason).toBe('EXCEPTIONAL_CLOSING');
  });

  it('twentyfourseven false with only exceptional openings: open only during them', () => {
    const hours: Hours = {
      twentyfourseven: false,
      exceptional_openings: [{ period_begin: '2026-12-24T10:00:00Z', period_end: '2026-12-24T16:00:00Z' }],
    };
    expect(at(hours, 'UTC', '2026-12-24T09:00:00Z')).toEqual({
      open: false,
      reason: 'OUTSIDE_REGULAR_HOURS',
      changesAt: '2026-12-24T10:00:00+00:00',
    });
    expect(at(hours, 'UTC', '2026-12-24T12:00:00Z').reason).toBe('EXCEPTIONAL_OPENING');
  });

  it('twentyfourseven true ignores regular hours', () => {
    const hours: Hours = { twentyfourseven: true, regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '09:00' }] };
    expect(at(hours, 'UTC', '2026-11-30T12:00:00Z')).toEqual({ open: true, reason: 'TWENTYFOURSEVEN', changesAt: null });
  });
});

describe('mod_locations 2.2.1 §ExceptionalPeriod class: DateTimes are UTC instants, not local times', () => {
  const hours: Hours = {
    twentyfourseven: true,
    // 03:00–05:00 UTC = 04:00–06:00 in Amsterdam (CET, +01:00). The second has no zone designator: UTC by types §DateTime.
    exceptional_closings: [{ period_begin: '2018-12-25T03:00:00Z', period_end: '2018-12-25T05:00:00' }],
  };

  it('is open at 03:30 local (02:30 UTC) and closed at 04:30 local (03:30 UTC)', () => {
    expect(at(hours, 'Europe/Amsterdam', '2018-12-25T02:30:00Z')).toEqual({
      open: true,
      reason: 'TWENTYFOURSEVEN',
      changesAt: '2018-12-25T04:00:00+01:00',
    });
    expect(at(hours, 'Europe/Amsterdam', '2018-12-25T03:30:00Z')).toEqual({
      open: false,
      reason: 'EXCEPTIONAL_CLOSING',
      changesAt: '2018-12-25T06:00:00+01:00',
    });
  });

  it('a closing overrides an exceptional opening', () => {
    const both: Hours = {
      twentyfourseven: false,
      regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '09:00' }],
      exceptional_openings: [{ period_begin: '2018-12-25T10:00:00Z', period_end: '2018-12-25T14:00:00Z' }],
      exceptional_closings: [{ period_begin: '2018-12-25T11:00:00Z', period_end: '2018-12-25T12:00:00Z' }],
    };
    expect(at(both, 'UTC', '2018-12-25T11:30:00Z')).toEqual({
      open: false,
      reason: 'EXCEPTIONAL_CLOSING',
      changesAt: '2018-12-25T12:00:00+00:00',
    });
  });
});

describe('mod_locations 2.2.1 §RegularHours class: periods past midnight (tolerated; 2.2.1 requires end > begin)', () => {
  // 2026-11-27 is a Friday, 2026-11-28 a Saturday. UTC keeps the arithmetic plain.
  const fridayNight: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 5, period_begin: '22:00', period_end: '02:00' }] };

  it('a Friday 22:00–02:00 period covers Saturday 01:00 and closes at 02:00', () => {
    expect(at(fridayNight, 'UTC', '2026-11-28T01:00:00Z')).toEqual({
      open: true,
      reason: 'REGULAR_HOURS',
      changesAt: '2026-11-28T02:00:00+00:00',
    });
  });

  it('is closed on Friday before 22:00 and on Saturday from 02:00 (end exclusive)', () => {
    expect(at(fridayNight, 'UTC', '2026-11-27T21:59:00Z')).toEqual({
      open: false,
      reason: 'OUTSIDE_REGULAR_HOURS',
      changesAt: '2026-11-27T22:00:00+00:00',
    });
    expect(at(fridayNight, 'UTC', '2026-11-28T02:00:00Z')).toEqual({
      open: false,
      reason: 'OUTSIDE_REGULAR_HOURS',
      changesAt: '2026-12-04T22:00:00+00:00',
    });
  });

  it('does not cover Saturday night 22:00–02:00 (weekday is the day the period begins)', () => {
    expect(at(fridayNight, 'UTC', '2026-11-28T23:00:00Z').open).toBe(false);
    expect(at(fridayNight, 'UTC', '2026-11-29T01:00:00Z').open).toBe(false);
  });

  it('"24:00" ends at midnight, and a following Tuesday 00:00 period continues without a change', () => {
    const hours: Hours = {
      twentyfourseven: false,
      regular_hours: [
        { weekday: 1, period_begin: '20:00', period_end: '24:00' },
        { weekday: 2, period_begin: '00:00', period_end: '06:00' },
      ],
    };
    // 2026-11-30 is a Monday.
    expect(at(hours, 'UTC', '2026-11-30T23:59:00Z')).toEqual({
      open: true,
      reason: 'REGULAR_HOURS',
      changesAt: '2026-12-01T06:00:00+00:00',
    });
  });

  it('"00:00" as period_end means end of the day; begin == end means 24 hours', () => {
    const endOfDay: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '00:00' }] };
    expect(at(endOfDay, 'UTC', '2026-11-30T23:59:00Z').changesAt).toBe('2026-12-01T00:00:00+00:00');
    const allDay: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '00:00', period_end: '00:00' }] };
    expect(at(allDay, 'UTC', '2026-11-30T00:00:00Z')).toEqual({
      open: true,
      reason: 'REGULAR_HOURS',
      changesAt: '2026-12-01T00:00:00+00:00',
    });
  });
});

describe('mod_locations 2.2.1 §RegularHours class: weekday boundaries (1 = Monday … 7 = Sunday)', () => {
  // 2026-11-29 is a Sunday, 2026-11-30 a Monday.
  const sundayIntoMonday: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 7, period_begin: '23:00', period_end: '01:00' }] };

  it('a Sunday (7) period wrapping into Monday covers Monday 00:30', () => {
    expect(at(sundayIntoMonday, 'UTC', '2026-11-30T00:30:00Z')).toEqual({
      open: true,
      reason: 'REGULAR_HOURS',
      changesAt: '2026-11-30T01:00:00+00:00',
    });
  });

  it('a Monday-only period does not cover Sunday, and is found 7 days ahead at most', () => {
    const monday: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '20:00' }] };
    expect(at(monday, 'UTC', '2026-11-29T12:00:00Z')).toEqual({
      open: false,
      reason: 'OUTSIDE_REGULAR_HOURS',
      changesAt: '2026-11-30T08:00:00+00:00',
    });
    // Monday 20:00 → next opening next Monday 08:00 (6 days 12 hours later): within 7 days.
    expect(at(monday, 'UTC', '2026-11-30T20:00:00Z').changesAt).toBe('2026-12-07T08:00:00+00:00');
  });

  it('changesAt is null when the next change is more than 7 days away', () => {
    const once: Hours = {
      twentyfourseven: false,
      exceptional_openings: [{ period_begin: '2026-12-24T10:00:00Z', period_end: '2026-12-24T16:00:00Z' }],
    };
    expect(at(once, 'UTC', '2026-12-01T00:00:00Z')).toEqual({ open: false, reason: 'OUTSIDE_REGULAR_HOURS', changesAt: null });
  });
});

describe('mod_locations 2.2.1 §RegularHours class: local time across DST, Europe/Amsterdam (2026-03-29, 2026-10-25)', () => {
  // Spring forward: Sunday 2026-03-29 02:00 CET → 03:00 CEST (01:00 UTC).
  it('regular hours follow the wall clock: 08:00 local is 07:00 UTC before and 06:00 UTC after the change', () => {
    const hours = daily('08:00', '18:00');
    expect(at(hours, 'Europe/Amsterdam', '2026-03-28T06:30:00Z').open).toBe(false); // Sat 07:30 CET
    expect(at(hours, 'Europe/Amsterdam', '2026-03-28T07:30:00Z').open).toBe(true); // Sat 08:30 CET
    expect(at(hours, 'Europe/Amsterdam', '2026-03-29T06:30:00Z')).toEqual({
      open: true, // Sun 08:30 CEST
      reason: 'REGULAR_HOURS',
      changesAt: '2026-03-29T18:00:00+02:00',
    });
    expect(at(hours, 'Europe/Amsterdam', '2026-03-28T20:00:00Z').changesAt).toBe('2026-03-29T08:00:00+02:00');
  });

  it('a begin inside the spring-forward gap (02:30 does not exist) starts when the clocks jump, 03:00 CEST', () => {
    const hours: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 7, period_begin: '02:30', period_end: '05:00' }] };
    expect(at(hours, 'Europe/Amsterdam', '2026-03-29T00:59:59Z')).toEqual({
      open: false, // 01:59:59 CET
      reason: 'OUTSIDE_REGULAR_HOURS',
      changesAt: '2026-03-29T03:00:00+02:00',
    });
    expect(at(hours, 'Europe/Amsterdam', '2026-03-29T01:00:00Z')).toEqual({
      open: true, // 03:00 CEST
      reason: 'REGULAR_HOURS',
      changesAt: '2026-03-29T05:00:00+02:00',
    });
  });

  it('an end inside the gap ends when the clocks jump', () => {
    const hours: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 7, period_begin: '01:00', period_end: '02:30' }] };
    expect(at(hours, 'Europe/Amsterdam', '2026-03-29T00:30:00Z').changesAt).toBe('2026-03-29T03:00:00+02:00');
  });

  it('a time that occurs twice (fall back, 2026-10-25 03:00 CEST → 02:00 CET) means its first occurrence', () => {
    const hours: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 7, period_begin: '02:30', period_end: '04:00' }] };
    // First 02:30 is 02:30 CEST = 00:30 UTC.
    expect(at(hours, 'Europe/Amsterdam', '2026-10-25T00:15:00Z').changesAt).toBe('2026-10-25T02:30:00+02:00');
    expect(at(hours, 'Europe/Amsterdam', '2026-10-25T00:45:00Z').open).toBe(true); // 02:45 CEST
    // 02:15 CET (second pass through the hour) is after the begin instant: still open, no flicker.
    expect(at(hours, 'Europe/Amsterdam', '2026-10-25T01:15:00Z')).toEqual({
      open: true,
      reason: 'REGULAR_HOURS',
      changesAt: '2026-10-25T04:00:00+01:00',
    });
  });
});

describe('mod_locations 2.2.1 §RegularHours class: local time across DST, America/New_York (2026-03-08)', () => {
  // Spring forward: Sunday 2026-03-08 02:00 EST → 03:00 EDT (07:00 UTC).
  const saturdayNight: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 6, period_begin: '22:00', period_end: '06:00' }] };

  it('a Saturday 22:00–06:00 period opens at 22:00 EST and closes at 06:00 EDT (7 real hours)', () => {
    expect(at(saturdayNight, 'America/New_York', '2026-03-08T01:00:00Z')).toEqual({
      open: false, // Sat 20:00 EST
      reason: 'OUTSIDE_REGULAR_HOURS',
      changesAt: '2026-03-07T22:00:00-05:00',
    });
    expect(at(saturdayNight, 'America/New_York', '2026-03-08T03:00:00Z')).toEqual({
      open: true, // Sat 22:00 EST
      reason: 'REGULAR_HOURS',
      changesAt: '2026-03-08T06:00:00-04:00',
    });
  });

  it('10:30 UTC is 06:30 EDT: closed (it would be 05:30 with the winter offset)', () => {
    expect(at(saturdayNight, 'America/New_York', '2026-03-08T10:30:00Z').open).toBe(false);
    expect(at(saturdayNight, 'America/New_York', '2026-03-08T09:30:00Z').open).toBe(true); // 05:30 EDT
  });
});

describe('mod_locations 2.2.1 §RegularHours class: local weekday differs from the UTC weekday (Asia/Tokyo, +09:00)', () => {
  const mondayOnly: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '20:00' }] };

  it('Sunday 23:30 UTC is Monday 08:30 in Tokyo: open', () => {
    expect(at(mondayOnly, 'Asia/Tokyo', '2026-11-29T23:30:00Z')).toEqual({
      open: true,
      reason: 'REGULAR_HOURS',
      changesAt: '2026-11-30T20:00:00+09:00',
    });
  });

  it('Monday 12:00 UTC is Monday 21:00 in Tokyo: closed until next Monday 08:00', () => {
    expect(at(mondayOnly, 'Asia/Tokyo', '2026-11-30T12:00:00Z')).toEqual({
      open: false,
      reason: 'OUTSIDE_REGULAR_HOURS',
      changesAt: '2026-12-07T08:00:00+09:00',
    });
  });
});

describe('evaluateOpeningHours: invalid input raises a clear Error', () => {
  const hours = daily('08:00', '20:00');

  it('names an unknown time zone', () => {
    expect(() => at(hours, 'Europe/Atlantis', '2026-12-01T12:00:00Z')).toThrow(/Invalid time zone "Europe\/Atlantis"/);
    expect(() => at(null, 'Mars/Olympus', '2026-12-01T12:00:00Z')).toThrow(/Mars\/Olympus/);
  });

  it('names a malformed period time, weekday or DateTime', () => {
    const badTime: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '8:00', period_end: '20:00' }] };
    expect(() => at(badTime, 'UTC', '2026-12-01T12:00:00Z')).toThrow(/period_begin "8:00"/);
    const badWeekday: Hours = { twentyfourseven: false, regular_hours: [{ weekday: 0, period_begin: '08:00', period_end: '20:00' }] };
    expect(() => at(badWeekday, 'UTC', '2026-12-01T12:00:00Z')).toThrow(/weekday 0/);
    const badDate: Hours = { twentyfourseven: true, exceptional_closings: [{ period_begin: 'soon', period_end: '2026-12-01T12:00:00Z' }] };
    expect(() => at(badDate, 'UTC', '2026-12-01T12:00:00Z')).toThrow(/"soon"/);
  });

  it('rejects an invalid Date', () => {
    expect(() => evaluateOpeningHours(hours, 'UTC', new Date('nope'))).toThrow(/invalid Date/);
  });
});
