/**
 * Whether a TariffElement's restrictions hold during one segment of a charge (mod_tariffs 2.2.1 §TariffRestrictions
 * class): all set restrictions, as a logical AND, evaluated at the segment's start. The engine cuts the charge at
 * every instant where a restriction could change (local times, durations, energy), so a verdict holds for the whole
 * segment.
 */
import { CompiledRestrictions } from './compiled-tariff';
import { Dec } from './money';
import { isoOfMs, localMidnight, weekdayOf } from './zone-clock';

/** A power (kW) or current (A) during a segment: a value (min = max) or a range; `estimate` says how it was derived. */
export interface Reading {
  min: Dec;
  max: Dec;
  estimate: string | null;
}

/** What is known at the start of a segment. */
export interface SegmentFacts {
  /** Local wall-clock reading (local ms), or null when the Location has no valid time zone. */
  local: number | null;
  /** Seconds since the session started (for reservation elements: since the reservation started). */
  elapsed: Dec;
  /** kWh delivered in the session before this segment. */
  energy: Dec;
  power: Reading | null;
  current: Reading | null;
  /** 'RESERVATION' or 'RESERVATION_EXPIRES' in a reservation segment; null otherwise. */
  reservation: 'RESERVATION' | 'RESERVATION_EXPIRES' | null;
  /** Kept by explain(): its answers per restriction set, and the facts as its words write them. */
  explained?: Map<CompiledRestrictions | null, RestrictionCheck[]>;
  shown?: Shown;
  elapsedShown?: string;
  energyShown?: string;
}

export type Verdict = 'HOLDS' | 'FAILS' | 'UNKNOWN';

/**
 * Evaluates `r` for a segment. UNKNOWN when no restriction fails but one cannot be decided (a value the CPO sent
 * that we cannot read, a power or current that is not known or straddles the limit, no time zone).
 */
export function evaluate(r: CompiledRestrictions | null, f: SegmentFacts): Verdict {
  if (!r) return 'HOLDS';
  let unknown = r.problems.length > 0;
  if (r.startMinute !== null || r.endMinute !== null || r.days !== null || r.startDate !== null || r.endDate !== null) {
    if (f.local === null) unknown = true;
    else {
      const v = localVerdict(r, f.local);
      if (v === 'FAILS') return 'FAILS';
      if (v === 'UNKNOWN') unknown = true;
    }
  }
  if (r.minDuration && f.elapsed.lt(r.minDuration)) return 'FAILS';
  if (r.maxDuration && f.elapsed.gte(r.maxDuration)) return 'FAILS';
  if (r.minKwh && f.energy.lt(r.minKwh)) return 'FAILS';
  if (r.maxKwh && f.energy.gte(r.maxKwh)) return 'FAILS';
  for (const [min, max, reading] of [
    [r.minPower, r.maxPower, f.power],
    [r.minCurrent, r.maxCurrent, f.current],
  ] as const) {
    const v = rangeVerdict(min, max, reading);
    if (v === 'FAILS') return 'FAILS';
    if (v === 'UNKNOWN') unknown = true;
  }
  return unknown ? 'UNKNOWN' : 'HOLDS';
}

/** min (inclusive) and max (exclusive) against a reading that may be a range. */
function rangeVerdict(min: Dec | null, max: Dec | null, reading: Reading | null): Verdict {
  if (!min && !max) return 'HOLDS';
  if (!reading) return 'UNKNOWN';
  if ((min && reading.max.lt(min)) || (max && reading.min.gte(max))) return 'FAILS';
  if ((min && reading.min.lt(min)) || (max && reading.max.gte(max))) return 'UNKNOWN';
  return 'HOLDS';
}

/** Dates, weekday and time of day at a local reading. A kind with an unreadable value cannot fail, only be unknown. */
function localVerdict(r: CompiledRestrictions, local: number): Verdict {
  const midnight = localMidnight(local);
  const minute = (local - midnight) / 60_000;
  let unknown = false;
  const check = (holds: boolean, unreadable: boolean): boolean => {
    if (holds) return true;
    if (unreadable) unknown = true;
    return unreadable;
  };
  if (r.startDate !== null && !check(midnight >= r.startDate, r.unreadable.date)) return 'FAILS';
  if (r.endDate !== null && !check(midnight < r.endDate, r.unreadable.date)) return 'FAILS';
  if (r.days !== null && !check(r.days.has(weekdayOf(midnight)), r.unreadable.days)) return 'FAILS';
  if (!r.unreadable.time && !inTimeWindow(r.startMinute, r.endMinute, minute)) return 'FAILS';
  return unknown ? 'UNKNOWN' : 'HOLDS';
}

/** start inclusive, end exclusive; end before start wraps past midnight; start = end means all day. */
function inTimeWindow(start: number | null, end: number | null, minute: number): boolean {
  const s = start ?? 0;
  const e = end ?? 1440;
  if (s === e || (s === 0 && e === 1440)) return true;
  return s < e ? minute >= s && minute < e : minute >= s || minute < e;
}

const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const VERDICT_WORDS: Record<Verdict, string> = { HOLDS: 'holds', FAILS: 'fails', UNKNOWN: 'unknown' };

/** One line of explain(): a restriction, how the segment measured against it, and the verdict it got. */
export interface RestrictionCheck {
  /** In plain words, e.g. "max_current 32 (current 16 A): holds". */
  text: string;
  /** null for a line that only informs ("no restrictions", "reservation RESERVATION"). */
  verdict: Verdict | null;
  /** For a power or current range: which one, so a caller can tell what it would need to know. */
  measure?: 'power' | 'current';
}

/**
 * Plain words for each set restriction and how the segment measured against it, with its verdict, e.g.
 * "max_current 32 (current 16 A): holds", "day_of_week SATURDAY, SUNDAY (MONDAY): fails". The answer is kept on `f`
 * per restriction set (a breakdown explains the same element at the same segment for each of its lines, and the
 * skipped elements again for each): callers must not change the list.
 */
export function explain(r: CompiledRestrictions | null, f: SegmentFacts): RestrictionCheck[] {
  const memo = (f.explained ??= new Map<CompiledRestrictions | null, RestrictionCheck[]>());
  let out = memo.get(r);
  if (!out) {
    out = explainOnce(r, f);
    memo.set(r, out);
  }
  return out;
}

/** The parts of a restriction's words that depend on the restriction only, written once per compiled tariff. */
interface Labels {
  time: string;
  days: string;
  minDuration: string;
  maxDuration: string;
  minKwh: string;
  maxKwh: string;
}

const LABELS = Symbol('restriction labels');

function labelsOf(r: CompiledRestrictions): Labels {
  const held = (r as unknown as Record<symbol, Labels | undefined>)[LABELS];
  if (held) return held;
  const s = r.source;
  const labels: Labels = {
    time: `time ${s.start_time ?? '00:00'}–${s.end_time ?? '00:00'}`,
    days: `day_of_week ${(s.day_of_week ?? []).join(', ')}`,
    minDuration: r.minDuration ? `min_duration ${r.minDuration.toFixed()} s` : '',
    maxDuration: r.maxDuration ? `max_duration ${r.maxDuration.toFixed()} s` : '',
    minKwh: r.minKwh ? `min_kwh ${r.minKwh.toFixed()}` : '',
    maxKwh: r.maxKwh ? `max_kwh ${r.maxKwh.toFixed()}` : '',
  };
  if (Object.isExtensible(r)) Object.defineProperty(r, LABELS, { value: labels, enumerable: false });
  return labels;
}

/** How a segment's facts are written in explanations, once per segment. */
interface Shown {
  hhmm: string;
  date: string;
  weekday: number;
  midnight: number;
  minute: number;
}

function shownOf(f: SegmentFacts, local: number): Shown {
  if (f.shown) return f.shown;
  const midnight = localMidnight(local);
  const minute = (local - midnight) / 60_000;
  const hh = Math.floor(minute / 60);
  const mm = Math.floor(minute % 60);
  const shown: Shown = {
    hhmm: `${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}`,
    date: isoOfMs(midnight).slice(0, 10),
    weekday: weekdayOf(midnight),
    midnight,
    minute,
  };
  f.shown = shown;
  return shown;
}

function explainOnce(r: CompiledRestrictions | null, f: SegmentFacts): RestrictionCheck[] {
  if (!r) return [{ text: 'no restrictions', verdict: null }];
  const out: RestrictionCheck[] = r.problems.map((p) => ({ text: `${p}: cannot be evaluated`, verdict: 'UNKNOWN' }));
  const s = r.source;
  const labels = labelsOf(r);
  const say = (label: string, ok: boolean | null) => {
    const verdict: Verdict = ok === null ? 'UNKNOWN' : ok ? 'HOLDS' : 'FAILS';
    out.push({ text: `${label}: ${VERDICT_WORDS[verdict]}`, verdict });
  };
  if (f.local !== null) {
    const { hhmm, date, weekday, midnight, minute } = shownOf(f, f.local);
    if (r.startMinute !== null || r.endMinute !== null) say(`${labels.time} (local ${hhmm})`, inTimeWindow(r.startMinute, r.endMinute, minute));
    if (r.days) say(`${labels.days} (${WEEKDAYS[weekday]})`, r.days.has(weekday));
    if (r.startDate !== null) say(`start_date ${s.start_date} (${date})`, midnight >= r.startDate);
    if (r.endDate !== null) say(`end_date ${s.end_date} (${date})`, midnight < r.endDate);
  } else if (r.startMinute !== null || r.endMinute !== null || r.days || r.startDate !== null || r.endDate !== null) {
    out.push({ text: 'time, day and date restrictions: unknown (the Location has no valid time zone)', verdict: 'UNKNOWN' });
  }
  const seconds = () => (f.elapsedShown ??= f.elapsed.toDecimalPlaces(3).toFixed());
  if (r.minDuration) say(`${labels.minDuration} (${seconds()} s in)`, f.elapsed.gte(r.minDuration));
  if (r.maxDuration) say(`${labels.maxDuration} (${seconds()} s in)`, f.elapsed.lt(r.maxDuration));
  const kwh = () => (f.energyShown ??= f.energy.toDecimalPlaces(4).toFixed());
  if (r.minKwh) say(`${labels.minKwh} (${kwh()} kWh so far)`, f.energy.gte(r.minKwh));
  if (r.maxKwh) say(`${labels.maxKwh} (${kwh()} kWh so far)`, f.energy.lt(r.maxKwh));
  sayRange(out, 'power', 'kW', r.minPower, r.maxPower, f.power);
  sayRange(out, 'current', 'A', r.minCurrent, r.maxCurrent, f.current);
  if (r.reservation) out.push({ text: `reservation ${r.reservation}`, verdict: null });
  return out;
}

function sayRange(out: RestrictionCheck[], what: 'power' | 'current', unit: string, min: Dec | null, max: Dec | null, reading: Reading | null): void {
  if (!min && !max) return;
  const shown = !reading
    ? `${what} unknown`
    : reading.min.eq(reading.max)
      ? `${what} ${reading.min.toDecimalPlaces(3).toFixed()} ${unit}${reading.estimate ? `, ${reading.estimate}` : ''}`
      : `${what} ${reading.min.toFixed()}–${reading.max.toFixed()} ${unit}`;
  const verdict = rangeVerdict(min, max, reading);
  const limits = [min ? `min_${what} ${min.toFixed()}` : null, max ? `max_${what} ${max.toFixed()}` : null].filter(Boolean).join(', ');
  out.push({ text: `${limits} (${shown}): ${VERDICT_WORDS[verdict]}`, verdict, measure: what });
}
