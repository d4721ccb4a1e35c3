/**
 * A ChargeTimeline read into periods on one axis (seconds from the timeline's start, decimals), and cut into
 * segments at every instant where a tariff restriction could start or stop holding.
 */
import { ChargePeriod, ChargeTimeline, PeriodKind } from './charge-cost.model';
import { CompiledTariff } from './compiled-tariff';
import { Dec, SECONDS_PER_HOUR, ZERO, toDec, toDecOrNull } from './money';
import { Reading } from './restrictions';
import { parseIsoMs } from './zone-clock';

export interface Period {
  index: number;
  kind: PeriodKind;
  start: Dec;
  end: Dec;
  energy: Dec;
  power: Reading | null;
  current: Reading | null;
  unpriced: boolean;
}

export interface ReadTimeline {
  startMs: number;
  periods: Period[];
  /** Where the session (first CHARGING or PARKING period) starts; the end when there is none. */
  sessionStart: Dec;
  end: Dec;
  /** A reservation followed by no session. */
  expired: boolean;
  hasReservation: boolean;
  hasSession: boolean;
}

export interface Segment {
  period: Period;
  start: Dec;
  end: Dec;
  /** kWh delivered in the session before the segment, and in it. */
  energyBefore: Dec;
  energy: Dec;
}

/**
 * Reads and checks a timeline.
 * @throws Error naming the field: an unreadable start, a negative or non-decimal value, energy outside a CHARGING
 *   period, a RESERVATION period after the session began.
 */
export function readTimeline(timeline: ChargeTimeline): ReadTimeline {
  const startMs = parseIsoMs(timeline.start);
  if (typeof timeline.start !== 'string' || Number.isNaN(startMs)) throw new Error(`timeline.start must be an ISO-8601 instant, got ${JSON.stringify(timeline.start)}`);
  if (!Array.isArray(timeline.periods)) throw new Error('timeline.periods must be a list');
  const periods: Period[] = [];
  let at = ZERO;
  let sessionStart: Dec | null = null;
  timeline.periods.forEach((p, index) => {
    const where = `timeline.periods[${index}]`;
    if (p.kind !== 'RESERVATION' && p.kind !== 'CHARGING' && p.kind !== 'PARKING') throw new Error(`${where}.kind must be RESERVATION, CHARGING or PARKING`);
    if (p.kind === 'RESERVATION' && sessionStart !== null) throw new Error(`${where}: a RESERVATION period cannot follow the session's start`);
    const duration = toDec(p.duration_s, `${where}.duration_s`, true);
    const energy = toDecOrNull(p.energy_kwh, `${where}.energy_kwh`, true) ?? ZERO;
    if (p.kind !== 'CHARGING' && !energy.isZero()) throw new Error(`${where}: only a CHARGING period delivers energy`);
    if (p.kind !== 'RESERVATION' && sessionStart === null) sessionStart = at;
    const end = at.plus(duration);
    periods.push({
      index,
      kind: p.kind,
      start: at,
      end,
      energy,
      power: readPower(p, where, duration, energy),
      current: readCurrent(p, where),
      unpriced: p.unpriced === true,
    });
    at = end;
  });
  const hasSession = sessionStart !== null;
  const hasReservation = periods.some((p) => p.kind === 'RESERVATION');
  return { startMs, periods, sessionStart: sessionStart ?? at, end: at, expired: hasReservation && !hasSession, hasReservation, hasSession };
}

/** Outside CHARGING: 0 kW, 0 A, known exactly (one object for every such period: a Reading is never changed). */
const NO_FLOW: Reading = Object.freeze({ min: ZERO, max: ZERO, estimate: null });

/** Outside CHARGING no power flows (0 kW, 0 A): known exactly. A CHARGING period without power gets its average. */
function readPower(p: ChargePeriod, where: string, duration: Dec, energy: Dec): Reading | null {
  if (p.kind !== 'CHARGING') return NO_FLOW;
  const given = readReading(p.power_kw, p.min_power_kw, p.max_power_kw, `${where} power`);
  if (given) return given;
  if (duration.isZero()) return null;
  return new AveragePower(energy, duration);
}

/**
 * The average power of a CHARGING period that gave none, worked out when first read: only a tariff with a power
 * restriction reads it, and a division is dear. A class rather than an object literal with getters (which V8 builds
 * slowly, once per period).
 */
class AveragePower implements Reading {
  private average: Dec | null = null;
  readonly estimate = 'the average of the period (power not given)';

  constructor(
    private readonly energy: Dec,
    private readonly duration: Dec,
  ) {}

  get min(): Dec {
    return (this.average ??= this.energy.times(SECONDS_PER_HOUR).div(this.duration));
  }

  get max(): Dec {
    return this.min;
  }
}

function readCurrent(p: ChargePeriod, where: string): Reading | null {
  if (p.kind !== 'CHARGING') return NO_FLOW;
  return readReading(p.current_a, p.min_current_a, p.max_current_a, `${where} current`);
}

function readReading(value: unknown, min: unknown, max: unknown, what: string): Reading | null {
  const v = toDecOrNull(value, what);
  if (v) return { min: v, max: v, estimate: null };
  const lo = toDecOrNull(min, `${what} (min)`);
  const hi = toDecOrNull(max, `${what} (max)`);
  if (!lo && !hi) return null;
  return { min: lo ?? ZERO, max: hi ?? new Dec('1e9'), estimate: null };
}

/**
 * Cuts the periods at `localCuts` (seconds from the start: local times of day, midnights, daylight-saving changes)
 * and at the tariff's duration and energy thresholds. Energy is spread evenly over its period, so an energy
 * threshold falls at the matching fraction of the period; each segment's energy is the difference of the
 * cumulative energy at its ends, so the pieces add up to the period's energy exactly.
 */
export function cutSegments(t: ReadTimeline, tariff: CompiledTariff, localCuts: Dec[]): Segment[] {
  const segments: Segment[] = [];
  let energyBefore = ZERO;
  for (const p of t.periods) {
    // A cut, and the energy delivered by then when it is an energy threshold (exactly the threshold).
    const cuts: Array<{ at: Dec; energy: Dec | null }> = [];
    const inside = (x: Dec) => x.gt(p.start) && x.lt(p.end);
    for (const c of localCuts) if (inside(c)) cuts.push({ at: c, energy: null });
    const base = p.kind === 'RESERVATION' ? ZERO : t.sessionStart;
    for (const d of tariff.durationThresholds) {
      const c = base.plus(d);
      if (inside(c)) cuts.push({ at: c, energy: null });
    }
    const duration = p.end.minus(p.start);
    const periodEnd = energyBefore.plus(p.energy);
    if (!p.energy.isZero()) {
      for (const x of tariff.energyThresholds) {
        if (!x.gt(energyBefore) || !x.lt(periodEnd)) continue;
        const at = p.start.plus(duration.times(x.minus(energyBefore)).div(p.energy)).toDecimalPlaces(6);
        if (inside(at)) cuts.push({ at, energy: x });
      }
    }
    // Cuts fall to the microsecond and interpolated energy to the µWh: short exact decimals, so the pieces of a period
    // add up to it exactly (repeating decimals would leave a last-digit residue that step_size could round up).
    cuts.sort((a, b) => a.at.comparedTo(b.at) || (b.energy ? 1 : 0) - (a.energy ? 1 : 0));
    // Without energy in the period, the energy at any cut is the energy before it (already to the µWh: as it is).
    const flat = p.energy.isZero() && energyBefore.decimalPlaces() <= 9;
    const energyAt = (c: { at: Dec; energy: Dec | null }) =>
      c.energy ?? (c.at.eq(p.end) ? periodEnd : flat ? energyBefore : energyBefore.plus(p.energy.times(c.at.minus(p.start)).div(duration)).toDecimalPlaces(9));
    let from = p.start;
    let fromEnergy = energyBefore;
    for (const c of [...cuts, { at: p.end, energy: periodEnd }]) {
      if (c.at.eq(from) && !(c.at.eq(p.end) && from.eq(p.start))) continue;
      const toEnergy = energyAt(c);
      segments.push({ period: p, start: from, end: c.at, energyBefore: fromEnergy, energy: toEnergy.minus(fromEnergy) });
      from = c.at;
      fromEnergy = toEnergy;
    }
    energyBefore = periodEnd;
  }
  return segments;
}
