/**
 * Is a Location open at a given instant? Evaluates OCPI Hours (mod_locations 2.2.1 §Hours class, §RegularHours class,
 * §ExceptionalPeriod class; same shape in 2.1.1 and 2.3.0) in the Location's IANA time zone.
 *
 * Rules, and why:
 * - No `opening_times`: open, reason NO_OPENING_TIMES. The spec does NOT say so: `Location.opening_times` is optional
 *   ("The times when the EVSEs at the location can be accessed for charging") and nothing states a default. We assume
 *   open because hiding chargers whose CPO omitted the field is worse for drivers; the distinct reason lets callers
 *   say "hours unknown" instead of "open 24/7". (2.1.1 §Hours hints the same: regular_hours "should not be set for
 *   representing 24/7 as this is the most common case".)
 * - `twentyfourseven: true`: open, except inside an exceptional closing.
 * - Exceptional closings override regular hours and exceptional openings; exceptional openings add to regular hours
 *   (§Hours class). Where a regular period and an exceptional opening both cover an instant, the reason is
 *   REGULAR_HOURS (the exception changes nothing there).
 * - `twentyfourseven: false` with neither regular_hours nor exceptional_openings violates 2.2.1 ("needs to contain at
 *   least one RegularHours") and says nothing about when it is open: treated like absent opening times
 *   (NO_OPENING_TIMES), exceptional closings still apply. With exceptional openings only, it is open only then.
 * - Regular periods are wall-clock times in the location's zone, weekday 1 = Monday … 7 = Sunday, half-open
 *   [period_begin, period_end). The spec requires period_end > period_begin (regex forbids "24:00"); we tolerate
 *   CPOs that break this: "24:00", or period_end <= period_begin, means the period ends on the next day
 *   (Friday 22:00–02:00 covers Saturday 01:00; begin == end is a 24-hour period).
 * - ExceptionalPeriod begin/end are DateTimes, "In UTC" (§ExceptionalPeriod class; types §DateTime: no zone designator
 *   means UTC). They are compared as instants, half-open [begin, end).
 * - DST: a wall-clock boundary on a local date becomes the FIRST instant at which the location's clock reads that time
 *   or later. So a time that does not exist (spring-forward gap, e.g. 02:30 on 2026-03-29 in Europe/Amsterdam) maps
 *   to the moment the clocks jump (03:00 CEST), and a time that occurs twice (fall-back) maps to its first occurrence.
 *   A period is then one contiguous span of instants: no flicker during a repeated hour.
 */
import { DateTime, IANAZone } from 'luxon';
import type { ExceptionalPeriod, Hours, RegularHours } from './opening-times.model';

export type OpeningReason = 'TWENTYFOURSEVEN' | 'NO_OPENING_TIMES' | 'REGULAR_HOURS' | 'EXCEPTIONAL_OPENING' | 'EXCEPTIONAL_CLOSING' | 'OUTSIDE_REGULAR_HOURS';

export interface OpeningState {
  open: boolean;
  reason: OpeningReason;
  /**
   * The next instant at which `open` flips, as local time with offset in the location's zone
   * (e.g. "2026-12-01T07:00:00+01:00"), when that happens within 7 days (7 × 24 h) after `at`; otherwise null.
   */
  changesAt: string | null;
}

/** How far ahead changesAt looks. */
const LOOKAHEAD_MS = 7 * 24 * 3600 * 1000;
const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** A half-open span of instants [begin, end), epoch milliseconds. */
interface Span {
  begin: number;
  end: number;
}

/**
 * Evaluates opening hours at instant `at`.
 *
 * @param hours    the Location's `opening_times` (null/undefined when the CPO sent none)
 * @param timeZone the Location's `time_zone`, an IANA zone such as "Europe/Amsterdam"
 * @param at       the instant to evaluate
 * @returns open/closed, why, and when that changes next (see OpeningState)
 * @throws Error when `timeZone` is not a valid IANA zone (the message names it), when `at` is an invalid Date, or when
 *         `hours` holds a malformed weekday, "HH:MM" time or DateTime (the message names the value)
 */
export function evaluateOpeningHours(hours: Hours | null | undefined, timeZone: string, at: Date): OpeningState {
  const zone = requireZone(timeZone);
  const now = at.getTime();
  if (Number.isNaN(now)) throw new Error('evaluateOpeningHours: `at` is an invalid Date');
  if (!hours) return { open: true, reason: 'NO_OPENING_TIMES', changesAt: null };

  const schedule = cachedSchedule(hours, zone, now);
  const state = stateAt(schedule, now);
  const changesAt = nextChange(schedule, now, state.open);
  return { ...state, changesAt: changesAt === null ? null : formatLocal(changesAt, zone) };
}

/**
 * evaluateOpeningHours, plus the instant until which that same answer holds, so a caller may keep it (the search
 * index keeps one per Location). The answer — open, reason AND changesAt — can only differ at a span boundary
 * (state or reason flips) or when a boundary enters the 7-day look-ahead (changesAt appears or moves): the first
 * such instant after `at`. Spans beyond the schedule's window (local dates up to 8 days ahead) begin at least 8
 * days after `at`, so they enter the look-ahead no sooner than a day after `at`: the answer is kept one day at most.
 * @returns validUntil in epoch ms (exclusive); same errors as evaluateOpeningHours
 */
export function evaluateOpeningHoursUntil(hours: Hours | null | undefined, timeZone: string, at: Date): { state: OpeningState; validUntil: number } {
  const state = evaluateOpeningHours(hours, timeZone, at);
  const now = at.getTime();
  let validUntil = now + DAY_MS;
  if (hours) {
    const schedule = cachedSchedule(hours, requireZone(timeZone), now);
    for (const span of [...schedule.regular, ...schedule.openings, ...schedule.closings]) {
      for (const t of [span.begin, span.end, span.begin - LOOKAHEAD_MS, span.end - LOOKAHEAD_MS]) if (t > now && t < validUntil) validUntil = t;
    }
  }
  return { state, validUntil };
}

/**
 * A Schedule is a pure function of (hours, zone, the local date of `now`): regularSpans depends on `now` only through
 * its local date. So it is built once per distinct (hours, zone, local date) and reused, which makes evaluating the
 * same shop hours at many Locations (the chargers search) cheap; answers are identical to building it every time.
 * Parsing errors are not cached (they are thrown before anything is stored).
 */
const schedules = new Map<string, Schedule>();
const MAX_SCHEDULES = 5000;

/** Empties the schedule cache (tests compare answers with and without it). */
export function clearScheduleCache(): void {
  schedules.clear();
}

function cachedSchedule(hours: Hours, zone: IANAZone, now: number): Schedule {
  const localDate = Math.floor((now + zone.offset(now) * MINUTE_MS) / DAY_MS);
  const key = `${zone.name}|${localDate}|${JSON.stringify(hours)}`;
  let schedule = schedules.get(key);
  if (!schedule) {
    schedule = buildSchedule(hours, zone, now);
    if (schedules.size >= MAX_SCHEDULES) schedules.clear(); // crude but bounded; a refill costs one build per key
    schedules.set(key, schedule);
  }
  return schedule;
}

/**
 * The instant from which the Location is open at EVERY instant by these hours, so that "open now" needs no
 * evaluation: epoch ms, `-Infinity` when that always held, or null when the hours have a real schedule (regular
 * hours or exceptional openings without twentyfourseven) or cannot be read (then evaluateOpeningHours must run,
 * and will say why). Computed once when a Location is stored (location.always_open_from), because evaluating
 * hours per search result was the hot spot of "available now".
 * For `at` >= the returned instant, evaluateOpeningHours(hours, timeZone, at) equals {@link alwaysOpenState}(hours).
 */
export function alwaysOpenFrom(hours: Hours | null | undefined, timeZone: string): number | null {
  try {
    requireZone(timeZone);
    if (!hours) return -Infinity;
    const is247 = hours.twentyfourseven === true;
    // Parse exactly what buildSchedule parses, so hours it would reject are left to it.
    const regular = is247 ? [] : parseRegularHours(hours.regular_hours ?? []);
    const openings = (hours.exceptional_openings ?? []).map((p) => exceptionalSpan(p));
    const closings = (hours.exceptional_closings ?? []).map((p) => exceptionalSpan(p));
    if (!is247 && (regular.length > 0 || openings.length > 0)) return null;
    return closings.reduce((latest, c) => Math.max(latest, c.end), -Infinity);
  } catch {
    return null;
  }
}

/** The state of a Location that is open at every instant (see {@link alwaysOpenFrom}); no time zone work. */
export function alwaysOpenState(hours: Hours | null | undefined): OpeningState {
  return { open: true, reason: hours?.twentyfourseven === true ? 'TWENTYFOURSEVEN' : 'NO_OPENING_TIMES', changesAt: null };
}

/** Everything needed to decide open/closed for any instant in [now - 1 day, now + 8 days]. */
interface Schedule {
  /** Open by default (24/7 or no usable regular schedule), so only closings matter. */
  alwaysOpen: boolean;
  alwaysOpenReason: 'TWENTYFOURSEVEN' | 'NO_OPENING_TIMES';
  regular: Span[];
  openings: Span[];
  closings: Span[];
}

function buildSchedule(hours: Hours, zone: IANAZone, now: number): Schedule {
  const is247 = hours.twentyfourseven === true;
  // Regular hours are ignored (so not validated either) when the location is open 24/7.
  const regularHours = is247 ? [] : parseRegularHours(hours.regular_hours ?? []);
  const openings = (hours.exceptional_openings ?? []).map((p) => exceptionalSpan(p));
  const closings = (hours.exceptional_closings ?? []).map((p) => exceptionalSpan(p));
  const noSchedule = regularHours.length === 0 && openings.length === 0;
  return {
    alwaysOpen: is247 || noSchedule,
    alwaysOpenReason: is247 ? 'TWENTYFOURSEVEN' : 'NO_OPENING_TIMES',
    regular: regularSpans(regularHours, zone, now),
    openings,
    closings,
  };
}

function stateAt(s: Schedule, t: number): Omit<OpeningState, 'changesAt'> {
  if (covers(s.closings, t)) return { open: false, reason: 'EXCEPTIONAL_CLOSING' };
  if (s.alwaysOpen) return { open: true, reason: s.alwaysOpenReason };
  if (covers(s.regular, t)) return { open: true, reason: 'REGULAR_HOURS' };
  if (covers(s.openings, t)) return { open: true, reason: 'EXCEPTIONAL_OPENING' };
  return { open: false, reason: 'OUTSIDE_REGULAR_HOURS' };
}

/** `open` only flips at a span boundary, so checking each boundary in the look-ahead window in order suffices. */
function nextChange(s: Schedule, now: number, openNow: boolean): number | null {
  const horizon = now + LOOKAHEAD_MS;
  const boundaries = [...s.regular, ...s.openings, ...s.closings]
    .flatMap((span) => [span.begin, span.end])
    .filter((t) => t > now && t <= horizon)
    .sort((a, b) => a - b);
  return boundaries.find((t) => stateAt(s, t).open !== openNow) ?? null;
}

function covers(spans: Span[], t: number): boolean {
  return spans.some((span) => span.begin <= t && t < span.end);
}

/** A RegularHours entry, validated: minutes after local midnight, end > begin (past-midnight ends on the next day). */
interface WeeklyPeriod {
  weekday: number;
  begin: number;
  end: number;
}

function parseRegularHours(regularHours: RegularHours[]): WeeklyPeriod[] {
  return regularHours.map((period) => {
    const begin = parseHhMm(period.period_begin, 'period_begin', false);
    const end = parseHhMm(period.period_end, 'period_end', true);
    // "24:00" is already 1440. An end at or before the begin runs past midnight; begin == end is a 24-hour period.
    return { weekday: requireWeekday(period.weekday), begin, end: end <= begin ? end + 24 * 60 : end };
  });
}

/**
 * Regular periods as instants, for local dates from the day before `now` (a past-midnight period from yesterday may
 * still run) to 8 days after (the 7-day look-ahead plus up to a DST hour).
 */
function regularSpans(periods: WeeklyPeriod[], zone: IANAZone, now: number): Span[] {
  const today = DateTime.fromMillis(now, { zone });
  const spans: Span[] = [];
  for (let k = -1; k <= 8; k++) {
    // Plain calendar arithmetic on a UTC date: stepping days involves no DST.
    const midnight = Date.UTC(today.year, today.month - 1, today.day + k);
    const weekday = ((new Date(midnight).getUTCDay() + 6) % 7) + 1; // JS 0 = Sunday → ISO 7 = Sunday
    for (const p of periods.filter((period) => period.weekday === weekday)) {
      spans.push({
        begin: firstInstantAtOrAfterWallClock(zone, midnight + p.begin * MINUTE_MS),
        end: firstInstantAtOrAfterWallClock(zone, midnight + p.end * MINUTE_MS),
      });
    }
  }
  return spans;
}

/**
 * The first instant at which the zone's wall clock reads `wallMs` or later. `wallMs` is the local wall-clock time
 * written as if it were UTC epoch ms. See the DST rule in the module comment.
 */
function firstInstantAtOrAfterWallClock(zone: IANAZone, wallMs: number): number {
  // The offset in force at the answer is one of those around it (assumes at most one transition within ±1 day).
  const offsets = [...new Set([zone.offset(wallMs - DAY_MS), zone.offset(wallMs), zone.offset(wallMs + DAY_MS)])];
  const exact = offsets.map((o) => wallMs - o * MINUTE_MS).filter((t) => t + zone.offset(t) * MINUTE_MS === wallMs);
  if (exact.length > 0) return Math.min(...exact); // twice in a fall-back hour: the first occurrence

  // Spring-forward gap: the clock jumps over wallMs. Binary-search the jump: the first instant reading >= wallMs.
  let lo = wallMs - Math.max(...offsets) * MINUTE_MS; // reads before wallMs
  let hi = wallMs - Math.min(...offsets) * MINUTE_MS; // reads after wallMs
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + zone.offset(mid) * MINUTE_MS >= wallMs) hi = mid;
    else lo = mid;
  }
  return hi;
}

function exceptionalSpan(period: ExceptionalPeriod): Span {
  return { begin: parseUtcDateTime(period.period_begin), end: parseUtcDateTime(period.period_end) };
}

/** OCPI DateTime: RFC 3339, UTC; a missing zone designator means UTC (types 2.2.1 §DateTime). */
function parseUtcDateTime(value: string): number {
  const dt = DateTime.fromISO(String(value), { zone: 'utc' });
  if (!dt.isValid) throw new Error(`Invalid ExceptionalPeriod DateTime "${value}"`);
  return dt.toMillis();
}

/** "HH:MM" → minutes after midnight; an end may be "24:00" (tolerated, see module comment). */
function parseHhMm(value: string, field: string, isEnd: boolean): number {
  const m = /^(\d{2}):(\d{2})$/.exec(String(value));
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  const max = isEnd ? 24 * 60 : 24 * 60 - 1;
  if (!m || Number(m[2]) > 59 || minutes > max) {
    throw new Error(`Invalid RegularHours ${field} "${value}": expected "HH:MM", 00:00–23:59${isEnd ? ' or 24:00' : ''}`);
  }
  return minutes;
}

function requireWeekday(weekday: number): number {
  if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
    throw new Error(`Invalid RegularHours weekday ${JSON.stringify(weekday)}: expected 1 (Monday) … 7 (Sunday)`);
  }
  return weekday;
}

/** IANAZone.isValidZone builds an Intl.DateTimeFormat per call (~0.2 ms): remember the answer per zone name. */
const zones = new Map<string, IANAZone | null>();

function requireZone(timeZone: string): IANAZone {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = typeof timeZone === 'string' && IANAZone.isValidZone(timeZone) ? IANAZone.create(timeZone) : null;
    if (zones.size < 1000) zones.set(timeZone, zone);
  }
  if (!zone) throw new Error(`Invalid time zone "${timeZone}": not an IANA tz database zone (e.g. "Europe/Amsterdam")`);
  return zone;
}

/** ISO local time with numeric offset, "+00:00" rather than "Z" so every zone reads alike. */
function formatLocal(instant: number, zone: IANAZone): string {
  const offset = zone.offset(instant); // minutes east of UTC
  const local = new Date(instant + offset * MINUTE_MS).toISOString(); // the wall clock, written as if UTC
  const ms = instant % 1000 === 0 ? '' : local.slice(19, 23);
  const sign = offset < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const mm = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local.slice(0, 19)}${ms}${sign}${hh}:${mm}`;
}
