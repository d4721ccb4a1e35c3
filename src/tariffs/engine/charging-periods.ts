/**
 * What a charge described by OCPI ChargingPeriods costs: the part of pricing that a CDR (finance's recompute) and a
 * Session (the cost so far the app shows) share. Pure.
 *
 * How ChargingPeriods become a timeline (mod_cdrs 2.2.1 §CDR object, §ChargingPeriod class, §CdrDimensionType enum;
 * mod_sessions 2.2.1 §Session object: "ChargingPeriods … can be used to calculate and verify the total cost"):
 * - Each ChargingPeriod lasts until the next one starts (the last until the charge's end). Within it, the reserved time
 *   (RESERVATION_TIME), then charging (TIME, with the period's ENERGY), then parking (PARKING_TIME), in hours. The
 *   dimensions are what the CPO billed, so they win over the wall clock; time the dimensions leave unaccounted for
 *   (more than 0.001 h, the precision volumes are sent with) is kept as unpriced time so that later periods stay at
 *   their own time of day. A period without any time dimension is charging if it delivered energy, else parking,
 *   for its wall-clock length, and the result is inexact.
 * - MIN/MAX_CURRENT and MIN/MAX_POWER are the period's range (CURRENT / POWER, meant for Sessions, are read too).
 * - Which tariff prices a period: its tariff_id. When no period names one (2.1.1 has no tariff_id; many CPOs omit
 *   it) and exactly one tariff is given, that one prices every period. A period without tariff_id in a charge whose
 *   other periods name one is priced by none ("If not provided, no Tariff is relevant during this period").
 * - Each tariff prices its own periods, the others counting towards duration and energy only; step_size is applied
 *   per tariff ("The step_size is not taken into account when switching between two Tariffs"), min/max price too.
 * - The total is the sum over tariffs, rounded half-up to the currency's minor unit.
 */
import { CanonicalTariff } from '../tariff.model';
import { Amount, ChargeCost, ChargePeriod, ChargeTimeline } from './charge-cost.model';
import { Dec, SECONDS_PER_HOUR, ZERO, minorUnits, roundMoney, secondsOfMs, toDec } from './money';
import { priceCharge } from './price-charge';
import { isoOfMs, parseIsoMs } from './zone-clock';

/** CdrDimension (mod_cdrs 2.2.1 §CdrDimension class): type (CdrDimensionType, kept as sent) and volume (kWh, hours, A or kW by type). */
export interface ChargingPeriodDimension {
  type: string;
  volume: string;
}

/** ChargingPeriod (mod_cdrs 2.2.1 §ChargingPeriod class): starts at start_date_time, ends where the next one starts. */
export interface ChargingPeriod {
  start_date_time: string;
  dimensions: ChargingPeriodDimension[];
  /** 2.2.1+: the Tariff relevant in this period; absent in 2.1.1. */
  tariff_id?: string | null;
}

/** A charge as OCPI describes it: its instants (ISO-8601 UTC), currency and ChargingPeriods. */
export interface MeteredCharge {
  currency: string;
  /** The charge's start (with a reservation: the reservation's start). */
  start_date_time: string;
  /** Where the last ChargingPeriod ends: a CDR's end; for a Session still running, the instant its figures are as of. */
  end_date_time: string;
  charging_periods: ChargingPeriod[];
}

/** What the charging periods cost under the given tariffs. */
export interface ChargingPeriodsCost {
  currency: string;
  exact: boolean;
  not_exact_because: string[];
  /** The total over every tariff, rounded to the currency's minor unit; a side is null when a tariff leaves it unknown. */
  computed: Amount;
  /** The engine's result per tariff, with its breakdown. */
  per_tariff: Array<{ tariff_id: string; cost: ChargeCost }>;
  notes: string[];
}

/** Volumes are sent in hours with 3 or 4 decimals: differences below 0.001 h are rounding, not unaccounted time. */
const TOLERANCE_S = new Dec('3.6');

/**
 * Prices `charge` with `tariffs` in the Location's `timeZone` (IANA; null when unknown).
 * @param noun what the charge is, in messages ("CDR", "session")
 * @throws Error when the periods cannot be read (unreadable instants, non-decimal volumes)
 */
export function priceChargingPeriods(charge: MeteredCharge, tariffs: CanonicalTariff[], timeZone: string | null, noun = 'CDR'): ChargingPeriodsCost {
  const notes: string[] = [];
  const inexact: string[] = [];
  const { timeline, tariffOf } = chargingPeriodsTimeline(charge, tariffs, notes, inexact, noun);
  const used = [...new Set(tariffOf.filter((id): id is string => id !== null))];
  const perTariff = used.map((id) => {
    const tariff = tariffs.find((t) => t.id === id)!;
    if (tariff.currency !== charge.currency) inexact.push(`tariff ${id} is in ${tariff.currency}, the ${noun} in ${charge.currency}`);
    const periods = timeline.periods.map((p, i) => (tariffOf[i] === id ? p : { ...p, unpriced: true }));
    return { tariff_id: id, cost: priceCharge(tariff, timeZone, { start: timeline.start, periods }) };
  });
  for (const { tariff_id, cost } of perTariff) for (const r of cost.not_exact_because) inexact.push(`tariff ${tariff_id}: ${r}`);
  const computed = sumTotals(
    perTariff.map((p) => p.cost),
    charge.currency,
  );
  return { currency: charge.currency, exact: inexact.length === 0, not_exact_because: inexact, computed, per_tariff: perTariff, notes };
}

/** The charge as an engine timeline, and which tariff (id, or null: none) prices each timeline period. */
export function chargingPeriodsTimeline(
  charge: MeteredCharge,
  tariffs: CanonicalTariff[],
  notes: string[] = [],
  inexact: string[] = [],
  noun = 'CDR',
): { timeline: ChargeTimeline; tariffOf: Array<string | null> } {
  const periods: ChargePeriod[] = [];
  const tariffOf: Array<string | null> = [];
  // Each start read once (not twice per comparison); the sort is stable, as before.
  const byStart = charge.charging_periods.map((p) => ({ p, ms: parseIsoMs(p.start_date_time) })).sort((a, b) => a.ms - b.ms);
  const sorted = byStart.map((x) => x.p);
  const startsMs = byStart.map((x) => x.ms);
  const anyNamed = sorted.some((p) => p.tariff_id);
  const single = !anyNamed && tariffs.length === 1 ? tariffs[0].id : null;
  if (!anyNamed && tariffs.length > 1) inexact.push(`no charging period names its tariff and the ${noun} has several: cannot tell which priced what`);
  if (!anyNamed && tariffs.length === 1) notes.push(`no charging period names a tariff; the one tariff (${single}) prices them all`);
  const startMs = Math.min(parseIsoMs(charge.start_date_time), ...startsMs);
  if (Number.isNaN(startMs)) throw new Error(`${noun} start_date_time and charging_periods[].start_date_time must be ISO-8601 instants`);
  let at = new Dec(0);
  sorted.forEach((p, i) => {
    const from = secondsOfMs(startsMs[i] - startMs);
    const nextMs = i + 1 < sorted.length ? startsMs[i + 1] : parseIsoMs(charge.end_date_time);
    const wall = secondsOfMs(nextMs - startsMs[i]);
    const gap = from.minus(at);
    if (gap.gt(TOLERANCE_S)) {
      periods.push({ kind: 'PARKING', duration_s: gap, unpriced: true });
      tariffOf.push(null);
      at = from;
    }
    let tariff: string | null = p.tariff_id ?? single;
    if (tariff !== null && !tariffs.some((t) => t.id === tariff)) {
      inexact.push(`charging period ${i} names tariff ${tariff}, which was not given`);
      tariff = null;
    }
    const own = periodParts(p, i, wall, inexact);
    let accounted = ZERO;
    for (const part of own) {
      periods.push(part);
      tariffOf.push(tariff);
      at = at.plus(part.duration_s);
      accounted = accounted.plus(part.duration_s);
    }
    if (accounted.minus(wall).gt(TOLERANCE_S)) notes.push(`charging period ${i}: its dimensions add up to ${accounted.toFixed()} s, more than its ${wall.toFixed()} s`);
  });
  return { timeline: { start: isoOfMs(startMs), periods }, tariffOf };
}

/**
 * Of several tariffs a connector lists, when no charging period names one: the one that applies to all sessions (no
 * type, or REGULAR; mod_tariffs 2.2.1 §TariffType), if exactly one does; else all of them (and the pricing says it
 * cannot tell). A note says which was taken.
 */
export function tariffsForUnnamedPeriods(periods: ChargingPeriod[], listed: CanonicalTariff[], notes: string[]): CanonicalTariff[] {
  if (listed.length < 2 || periods.some((p) => p.tariff_id)) return listed;
  const regular = listed.filter((t) => t.type === null || t.type === 'REGULAR');
  if (regular.length !== 1) return listed;
  notes.push(`the connector lists ${listed.length} tariffs and no charging period names one: priced with ${regular[0].id}, the one for all sessions (no type or REGULAR)`);
  return regular;
}

/** Whether a tariff's price depends on the local time of day, date or weekday (so a wrong time zone can change it). */
export function readsLocalTime(tariffs: CanonicalTariff[]): boolean {
  return tariffs.some((t) => t.elements.some(({ restrictions: r }) => !!r && !!(r.start_time || r.end_time || r.start_date || r.end_date || r.day_of_week?.length)));
}

/**
 * A figure handed to the timeline reader: the decimal itself (not its text, read again there), except a negative one,
 * which the reader refuses quoting it as the text it was given.
 */
function handed(d: Dec): Dec | string {
  return d.isNegative() ? d.toFixed() : d;
}

/** One ChargingPeriod as RESERVATION / CHARGING / PARKING parts, from its dimensions. */
function periodParts(p: ChargingPeriod, index: number, wall: Dec, inexact: string[]): ChargePeriod[] {
  const volume = (type: string): Dec | null => {
    const d = p.dimensions.find((x) => x.type === type);
    return d ? toDec(d.volume, `charging_periods[${index}] ${type}`) : null;
  };
  const text = (type: string): string | null => volume(type)?.toFixed() ?? null;
  const seconds = (type: string) => volume(type)?.times(SECONDS_PER_HOUR) ?? null;
  const energy = volume('ENERGY') ?? ZERO;
  const energyGiven = handed(energy);
  // Read first (an unreadable one throws before the time dimensions are read, as always).
  const power_kw = text('POWER');
  const min_power_kw = text('MIN_POWER');
  const max_power_kw = text('MAX_POWER');
  const current_a = text('CURRENT');
  const min_current_a = text('MIN_CURRENT');
  const max_current_a = text('MAX_CURRENT');
  // A CHARGING part, written out (a literal with a spread is built property by property).
  const charging = (duration_s: Dec | string): ChargePeriod => ({
    kind: 'CHARGING',
    duration_s,
    energy_kwh: energyGiven,
    power_kw,
    min_power_kw,
    max_power_kw,
    current_a,
    min_current_a,
    max_current_a,
  });
  const [reserved, charged, parked] = [seconds('RESERVATION_TIME'), seconds('TIME'), seconds('PARKING_TIME')];
  if (reserved === null && charged === null && parked === null) {
    const kind = energy.gt(0) ? 'CHARGING' : 'PARKING';
    inexact.push(`charging period ${index} has no TIME, PARKING_TIME or RESERVATION_TIME: its ${wall.toFixed()} s were taken as ${kind.toLowerCase()}`);
    return [kind === 'CHARGING' ? charging(handed(wall)) : { kind, duration_s: handed(wall) }];
  }
  const parts: ChargePeriod[] = [];
  if (reserved?.gt(0)) parts.push({ kind: 'RESERVATION', duration_s: reserved });
  if (charged?.gt(0) || energy.gt(0)) parts.push(charging(handed(charged ?? ZERO)));
  if (parked?.gt(0)) parts.push({ kind: 'PARKING', duration_s: parked });
  return parts;
}

/** Sum of the tariffs' unrounded totals, rounded once. No tariff: zero, with no taxes. */
function sumTotals(costs: ChargeCost[], currency: string): Amount {
  if (costs.length === 1) return costs[0].total;
  const minor = minorUnits(currency);
  const side = (pick: (a: Amount) => string | null) => {
    let sum = ZERO;
    for (const c of costs) {
      const v = pick(c.total_unrounded);
      if (v === null) return null;
      sum = sum.plus(v);
    }
    return roundMoney(sum, minor).toFixed(minor);
  };
  const before = side((a) => a.before_taxes);
  const after = side((a) => a.after_taxes);
  if (before === null || after === null) return { before_taxes: before, taxes: null, after_taxes: after };
  const tax = new Dec(after).minus(before);
  return { before_taxes: before, taxes: tax.isZero() ? [] : [{ name: 'VAT', percentage: null, amount: tax.toFixed(minor) }], after_taxes: after };
}
