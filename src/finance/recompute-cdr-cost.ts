/**
 * The finance hook: recompute a CDR's cost from its tariff(s) and charging_periods with the tariff engine, and the
 * difference to the total_cost the CPO stated. Pure; storing CDRs and running this over every stored one waits for
 * the CDR pull.
 *
 * How a CDR becomes a timeline (mod_cdrs 2.2.1 §CDR object, §ChargingPeriod class, §CdrDimensionType enum):
 * - Each ChargingPeriod lasts until the next one starts (the last until end_date_time). Within it, the reserved time
 *   (RESERVATION_TIME), then charging (TIME, with the period's ENERGY), then parking (PARKING_TIME), in hours. The
 *   dimensions are what the CPO billed, so they win over the wall clock; time the dimensions leave unaccounted for
 *   (more than 0.001 h, the precision volumes are sent with) is kept as unpriced time so that later periods stay at
 *   their own time of day. A period without any time dimension is charging if it delivered energy, else parking,
 *   for its wall-clock length, and the result is inexact.
 * - MIN/MAX_CURRENT and MIN/MAX_POWER are the period's range (CURRENT / POWER, meant for Sessions, are read too).
 * - Which tariff prices a period: its tariff_id. When no period names one (2.1.1 has no tariff_id; many CPOs omit
 *   it) and exactly one tariff is given, that one prices every period. A period without tariff_id in a CDR whose
 *   other periods name one is priced by none ("If not provided, no Tariff is relevant during this period").
 * - Each tariff prices its own periods, the others counting towards duration and energy only; step_size is applied
 *   per tariff ("The step_size is not taken into account when switching between two Tariffs"), min/max price too.
 * - The computed total is the sum over tariffs, rounded half-up to the currency's minor unit, as the stated one is.
 */
import { Amount, ChargeCost, ChargePeriod, ChargeTimeline } from '../tariffs/engine/charge-cost.model';
import { Dec, SECONDS_PER_HOUR, ZERO, minorUnits, roundMoney, toDec } from '../tariffs/engine/money';
import { priceCharge } from '../tariffs/engine/price-charge';
import { CanonicalTariff } from '../tariffs/tariff.model';
import { CdrForPricing, ChargingPeriodForPricing } from '../cdrs/cdr-pricing.model';

/** Volumes are sent in hours with 3 or 4 decimals: differences below 0.001 h are rounding, not unaccounted time. */
const TOLERANCE_S = new Dec('3.6');

export interface CdrRecomputation {
  cdr: { country_code: string; party_id: string; id: string };
  currency: string;
  exact: boolean;
  not_exact_because: string[];
  /** Our total, rounded to the currency's minor unit; a side is null when a tariff leaves it unknown. */
  computed: Amount;
  stated: { before_taxes: string; after_taxes: string | null };
  /** computed − stated, per side (null when either is unknown). Zero when the CPO billed what its tariffs say. */
  difference: { before_taxes: string | null; after_taxes: string | null };
  /** The engine's result per tariff, with its breakdown. */
  per_tariff: Array<{ tariff_id: string; cost: ChargeCost }>;
  notes: string[];
}

/**
 * @param cdr the CDR (see CdrForPricing)
 * @param tariffs the tariffs to price it with: the CDR's own (cdr.tariffs), or the versions we held when the session
 *   started (TariffReader.findValidAt), to see how they differ
 * @param timeZone the Location's IANA time zone
 * @throws Error when the CDR's periods cannot be read (unreadable instants, non-decimal volumes)
 */
export function recomputeCdrCost(cdr: CdrForPricing, tariffs: CanonicalTariff[], timeZone: string | null): CdrRecomputation {
  const notes: string[] = [];
  const inexact: string[] = [];
  const { timeline, tariffOf } = cdrTimeline(cdr, tariffs, notes, inexact);
  const used = [...new Set(tariffOf.filter((id): id is string => id !== null))];
  const perTariff = used.map((id) => {
    const tariff = tariffs.find((t) => t.id === id)!;
    if (tariff.currency !== cdr.currency) inexact.push(`tariff ${id} is in ${tariff.currency}, the CDR in ${cdr.currency}`);
    const periods = timeline.periods.map((p, i) => (tariffOf[i] === id ? p : { ...p, unpriced: true }));
    return { tariff_id: id, cost: priceCharge(tariff, timeZone, { ...timeline, periods }) };
  });
  for (const { tariff_id, cost } of perTariff) for (const r of cost.not_exact_because) inexact.push(`tariff ${tariff_id}: ${r}`);
  const minor = minorUnits(cdr.currency);
  const computed = sumTotals(
    perTariff.map((p) => p.cost),
    minor,
  );
  const diff = (a: string | null, b: string | null) => (a === null || b === null ? null : new Dec(a).minus(b).toFixed(minor));
  const stated = {
    before_taxes: toDec(cdr.total_cost.before_taxes, 'total_cost').toFixed(minor),
    after_taxes: cdr.total_cost.after_taxes === null ? null : toDec(cdr.total_cost.after_taxes, 'total_cost').toFixed(minor),
  };
  return {
    cdr: { country_code: cdr.country_code, party_id: cdr.party_id, id: cdr.id },
    currency: cdr.currency,
    exact: inexact.length === 0,
    not_exact_because: inexact,
    computed,
    stated,
    difference: { before_taxes: diff(computed.before_taxes, stated.before_taxes), after_taxes: diff(computed.after_taxes, stated.after_taxes) },
    per_tariff: perTariff,
    notes,
  };
}

/** The CDR as an engine timeline, and which tariff (id, or null: none) prices each timeline period. */
export function cdrTimeline(
  cdr: CdrForPricing,
  tariffs: CanonicalTariff[],
  notes: string[] = [],
  inexact: string[] = [],
): { timeline: ChargeTimeline; tariffOf: Array<string | null> } {
  const periods: ChargePeriod[] = [];
  const tariffOf: Array<string | null> = [];
  const sorted = [...cdr.charging_periods].sort((a, b) => Date.parse(a.start_date_time) - Date.parse(b.start_date_time));
  const anyNamed = sorted.some((p) => p.tariff_id);
  const single = !anyNamed && tariffs.length === 1 ? tariffs[0].id : null;
  if (!anyNamed && tariffs.length > 1) inexact.push('no charging period names its tariff and the CDR has several: cannot tell which priced what');
  if (!anyNamed && tariffs.length === 1) notes.push(`no charging period names a tariff; the one tariff (${single}) prices them all`);
  const startMs = Math.min(Date.parse(cdr.start_date_time), ...sorted.map((p) => Date.parse(p.start_date_time)));
  if (Number.isNaN(startMs)) throw new Error('CDR start_date_time and charging_periods[].start_date_time must be ISO-8601 instants');
  let at = new Dec(0);
  sorted.forEach((p, i) => {
    const from = new Dec(Date.parse(p.start_date_time) - startMs).div(1000);
    const nextMs = i + 1 < sorted.length ? Date.parse(sorted[i + 1].start_date_time) : Date.parse(cdr.end_date_time);
    const wall = new Dec(nextMs - Date.parse(p.start_date_time)).div(1000);
    if (from.minus(at).gt(TOLERANCE_S)) {
      periods.push({ kind: 'PARKING', duration_s: from.minus(at).toFixed(), unpriced: true });
      tariffOf.push(null);
      at = from;
    }
    let tariff: string | null = p.tariff_id ?? single;
    if (tariff !== null && !tariffs.some((t) => t.id === tariff)) {
      inexact.push(`charging period ${i} names tariff ${tariff}, which was not given`);
      tariff = null;
    }
    const own = periodParts(p, i, wall, inexact);
    for (const part of own) {
      periods.push(part);
      tariffOf.push(tariff);
      at = at.plus(part.duration_s);
    }
    const accounted = own.reduce((s, x) => s.plus(x.duration_s), ZERO);
    if (accounted.minus(wall).gt(TOLERANCE_S)) notes.push(`charging period ${i}: its dimensions add up to ${accounted.toFixed()} s, more than its ${wall.toFixed()} s`);
  });
  return { timeline: { start: new Date(startMs).toISOString(), periods }, tariffOf };
}

/** One ChargingPeriod as RESERVATION / CHARGING / PARKING parts, from its dimensions. */
function periodParts(p: ChargingPeriodForPricing, index: number, wall: Dec, inexact: string[]): ChargePeriod[] {
  const volume = (type: string): string | null => {
    const d = p.dimensions.find((x) => x.type === type);
    return d ? toDec(d.volume, `charging_periods[${index}] ${type}`).toFixed() : null;
  };
  const seconds = (type: string) => {
    const v = volume(type);
    return v === null ? null : new Dec(v).times(SECONDS_PER_HOUR);
  };
  const energy = volume('ENERGY') ?? '0';
  const readings = {
    power_kw: volume('POWER'),
    min_power_kw: volume('MIN_POWER'),
    max_power_kw: volume('MAX_POWER'),
    current_a: volume('CURRENT'),
    min_current_a: volume('MIN_CURRENT'),
    max_current_a: volume('MAX_CURRENT'),
  };
  const [reserved, charged, parked] = [seconds('RESERVATION_TIME'), seconds('TIME'), seconds('PARKING_TIME')];
  if (reserved === null && charged === null && parked === null) {
    const kind = new Dec(energy).gt(0) ? 'CHARGING' : 'PARKING';
    inexact.push(`charging period ${index} has no TIME, PARKING_TIME or RESERVATION_TIME: its ${wall.toFixed()} s were taken as ${kind.toLowerCase()}`);
    return [{ kind, duration_s: wall.toFixed(), ...(kind === 'CHARGING' ? { energy_kwh: energy, ...readings } : {}) }];
  }
  const parts: ChargePeriod[] = [];
  if (reserved?.gt(0)) parts.push({ kind: 'RESERVATION', duration_s: reserved.toFixed() });
  if (charged?.gt(0) || new Dec(energy).gt(0)) parts.push({ kind: 'CHARGING', duration_s: (charged ?? ZERO).toFixed(), energy_kwh: energy, ...readings });
  if (parked?.gt(0)) parts.push({ kind: 'PARKING', duration_s: parked.toFixed() });
  return parts;
}

/** Sum of the tariffs' unrounded totals, rounded once. */
function sumTotals(costs: ChargeCost[], minor: number): Amount {
  if (costs.length === 1) return costs[0].total;
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
