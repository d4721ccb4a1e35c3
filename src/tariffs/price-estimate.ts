/**
 * The cost of a charge the app describes simply (kWh, minutes, start, expected power), at one connector, under one
 * Tariff: the charge is turned into a timeline and priced by the tariff engine (engine/price-charge.ts).
 *
 * - With `powerKw`, charging takes energy / power; the rest of the stay is parking. A stay too short for the energy
 *   at that power is an error (the description contradicts itself). Without it, the whole stay is charging at the
 *   average power energy / duration.
 * - Current (for min/max_current restrictions) is not something the app knows. On AC it follows from power and the
 *   connector's voltage (max_voltage is line to neutral, so the current summed over the phases is P / V on one or
 *   three phases alike), which we say. On DC the battery sets the voltage, so the current is unknown: when a
 *   restriction needs it, the charge is priced for every current band the tariff distinguishes and the estimate
 *   gives the range, not a guess.
 * - Anything else the engine cannot decide makes the estimate inexact: `total` is null and `not_exact_because` says why
 *   (`not_exact_codes` the same as closed codes, to decide by).
 * - A tariff not in force when the charge starts (start_date_time / end_date_time, mod_tariffs 2.2.1 §Tariff object)
 *   is priced for information but said not to apply: inexact, TARIFF_NOT_IN_FORCE, no total and no range.
 * - A charge the connector cannot deliver (more energy than its maximum power gives in the stay, or a power_kw above
 *   that maximum) is refused before any tariff is priced (checkChargePossible).
 */
import { assertNever } from '../common/assert-never';
import { Amount, ChargeCost, ChargePeriod, ChargeTimeline, NotExactCode, NotExactReason } from './engine/charge-cost.model';
import { Dec, SECONDS_PER_HOUR, toDec } from './engine/money';
import { priceCharge, priceChargeWithReasons } from './engine/price-charge';
import { activityBoundMs, isTariffActive } from './tariff-activity';
import { CanonicalTariff } from './tariff.model';

/** The charge: decimal strings; energy in kWh, duration in minutes, power in kW; start an instant. */
export interface ChargeToEstimate {
  energyKwh: string;
  durationMinutes: string;
  start: Date;
  powerKw?: string | null;
}

/** What the estimate needs to know of the connector and its Location. */
export interface ConnectorFacts {
  power_type: string;
  /** V, line to neutral for AC_3_PHASE (mod_locations 2.2.1 §Connector object). */
  max_voltage: number;
  /** The Location's IANA time zone; null when unknown. */
  time_zone: string | null;
}

/** Thrown when the charge described cannot happen (too much energy for the time at the given power). */
export class ImpossibleChargeError extends Error {}

export interface PriceEstimate extends Omit<ChargeCost, 'total'> {
  /** The code of each reason in not_exact_because, in the same order. */
  not_exact_codes: NotExactCode[];
  /** The total, rounded; null when the estimate is not exact. */
  total: Amount | null;
  /** When the total depends on something the app cannot tell us (the current on DC): the lowest and highest. */
  range: { low: Amount; high: Amount; depends_on: string } | null;
}

/**
 * @returns the estimate (see module comment); money as decimal strings in major units of the tariff's currency
 * @throws ImpossibleChargeError when energy cannot be delivered in the duration at `powerKw`
 * @throws Error for a negative or non-decimal input
 */
export function estimateChargeCost(tariff: CanonicalTariff, charge: ChargeToEstimate, connector: ConnectorFacts): PriceEstimate {
  const estimate = estimateUnderTariff(tariff, charge, connector);
  return isTariffActive(tariff, charge.start) ? estimate : notInForce(estimate, tariff, charge.start);
}

/**
 * Refuses a charge the connector cannot deliver, whatever its tariffs: more energy than `maxPowerKw` (the connector's
 * maximum power, connector-power.ts; null or 0 when unknown) gives in the stay, or a `powerKw` above it; and, as
 * estimateChargeCost does, more energy than `powerKw` gives in the stay. Each message names the figures.
 * @throws ImpossibleChargeError (see above)
 * @throws Error for a negative or non-decimal input
 */
export function checkChargePossible(charge: ChargeToEstimate, maxPowerKw: number | null): void {
  const max = maxPowerKw !== null && maxPowerKw > 0 ? new Dec(maxPowerKw) : null;
  const power = charge.powerKw ? toDec(charge.powerKw, 'power_kw', true) : null;
  // A power the driver gives within the connector's maximum is the stricter limit, with its own message.
  if (max === null || (power !== null && power.lte(max))) {
    chargeTimeline(charge);
    return;
  }
  const energy = toDec(charge.energyKwh, 'energy_kwh', true);
  const stayMinutes = toDec(charge.durationMinutes, 'duration_minutes', true);
  const deliverable = max.times(stayMinutes).div(60);
  if (energy.gt(deliverable)) {
    const needed = energy.times(60).div(max).toDecimalPlaces(1).toFixed();
    throw new ImpossibleChargeError(
      `${energy.toFixed()} kWh cannot be delivered in ${stayMinutes.toFixed()} minutes at this connector: at its maximum power of ${max.toFixed()} kW it delivers at most ` +
        `${deliverable.toDecimalPlaces(3).toFixed()} kWh in that time (${energy.toFixed()} kWh take ${needed} minutes): ask for less energy or more time`,
    );
  }
  if (power !== null) throw new ImpossibleChargeError(`power_kw ${power.toFixed()} is more than this connector's maximum power of ${max.toFixed()} kW`);
}

function estimateUnderTariff(tariff: CanonicalTariff, charge: ChargeToEstimate, connector: ConnectorFacts): PriceEstimate {
  const timeline = chargeTimeline(charge);
  const notes: string[] = [];
  const ac = connector.power_type.startsWith('AC') && connector.max_voltage > 0;
  const usesCurrent = tariff.elements.some((e) => isSet(e.restrictions?.min_current) || isSet(e.restrictions?.max_current));
  // Only a current restriction reads the current: without one it changes nothing, so it is not worked out.
  if (ac && usesCurrent) {
    for (const p of timeline.periods) if (p.kind === 'CHARGING') p.current_a = currentOf(p, connector.max_voltage);
    notes.push(`current taken as power / ${connector.max_voltage} V (the connector's voltage, summed over its phases)`);
  }
  const { cost, reasons } = priceChargeWithReasons(tariff, connector.time_zone, timeline);
  if (cost.exact || ac || !usesCurrent || !reasons.every(settledByCurrentBands)) return finish(cost, codesOf(reasons), notes, null);
  return byCurrentBand(tariff, connector, timeline, cost, codesOf(reasons), notes);
}

/** The estimate under a tariff that is not in force at the charge's start: said so, with no total or range. */
function notInForce(estimate: PriceEstimate, tariff: CanonicalTariff, start: Date): PriceEstimate {
  const startMs = activityBoundMs(tariff.start_date_time);
  const endMs = activityBoundMs(tariff.end_date_time);
  let why: string;
  if (Number.isNaN(startMs) || Number.isNaN(endMs)) why = 'its start_date_time or end_date_time cannot be read';
  else if (endMs !== null && start.getTime() >= endMs) why = `it ended at ${tariff.end_date_time} (end_date_time)`;
  else why = `it starts at ${tariff.start_date_time} (start_date_time)`;
  return {
    ...estimate,
    exact: false,
    not_exact_because: [...estimate.not_exact_because, `the tariff is not in force when the charge starts: ${why}`],
    not_exact_codes: [...estimate.not_exact_codes, 'TARIFF_NOT_IN_FORCE'],
    total: null,
    range: null,
  };
}

/** The codes of the engine's reasons, in the order of its not_exact_because (one per text, as the engine keeps them). */
function codesOf(reasons: NotExactReason[]): NotExactCode[] {
  return reasons.map((r) => r.code);
}

function chargeTimeline(charge: ChargeToEstimate): ChargeTimeline {
  const energy = toDec(charge.energyKwh, 'energy_kwh', true);
  const stay = toDec(charge.durationMinutes, 'duration_minutes', true).times(60);
  if (Number.isNaN(charge.start.getTime())) throw new Error('start must be an instant');
  const start = charge.start.toISOString();
  if (!charge.powerKw) return { start, periods: [{ kind: 'CHARGING', duration_s: stay, energy_kwh: energy }] };
  const power = toDec(charge.powerKw, 'power_kw', true);
  if (power.isZero()) throw new ImpossibleChargeError('power_kw must be more than 0');
  const chargingSeconds = energy.times(SECONDS_PER_HOUR).div(power);
  if (chargingSeconds.gt(stay)) {
    const minutes = chargingSeconds.div(60).toDecimalPlaces(1).toFixed();
    throw new ImpossibleChargeError(
      `at ${power.toFixed()} kW, ${energy.toFixed()} kWh take ${minutes} minutes, more than the ${charge.durationMinutes} asked: ask for less energy, more time or more power`,
    );
  }
  const periods: ChargePeriod[] = [{ kind: 'CHARGING', duration_s: chargingSeconds, energy_kwh: energy, power_kw: power }];
  if (stay.gt(chargingSeconds)) periods.push({ kind: 'PARKING', duration_s: stay.minus(chargingSeconds) });
  return { start, periods };
}

/** Current summed over the phases, A: P / V_line-to-neutral (P at the given power, or the period's average). */
function currentOf(p: ChargePeriod, volts: number): Dec {
  const duration = new Dec(p.duration_s);
  const power = p.power_kw ? new Dec(p.power_kw) : duration.isZero() ? new Dec(0) : new Dec(p.energy_kwh ?? 0).times(SECONDS_PER_HOUR).div(duration);
  return power.times(1000).div(volts).toDecimalPlaces(3);
}

function isSet(v: unknown): boolean {
  return v !== null && v !== undefined && v !== '';
}

/** Whether pricing once per current band can take this reason away: only when the current alone was unknown. */
function settledByCurrentBands(reason: NotExactReason): boolean {
  switch (reason.code) {
    case 'CURRENT_NOT_KNOWN':
      return true;
    case 'UNDEFINED_COMPONENT_TYPE':
    case 'RESTRICTION_NOT_EVALUATED':
    case 'NO_TIME_ZONE':
    case 'PRICE_BOUND_VAT_GUESSED':
    case 'CURRENT_BANDS_DIFFER':
    case 'TARIFF_NOT_IN_FORCE':
      return false;
    default:
      return assertNever(reason.code, 'reason a price is not exact');
  }
}

/** Prices the charge once per current band the tariff distinguishes; exact if all agree, else a range. */
function byCurrentBand(
  tariff: CanonicalTariff,
  connector: ConnectorFacts,
  timeline: ChargeTimeline,
  first: ChargeCost,
  firstCodes: NotExactCode[],
  notes: string[],
): PriceEstimate {
  const limits = new Set<string>(['0']);
  for (const e of tariff.elements) for (const v of [e.restrictions?.min_current, e.restrictions?.max_current]) if (isSet(v)) limits.add(new Dec(v!).toFixed());
  const bands = [...limits].map((amps) => {
    const periods = timeline.periods.map((p) => (p.kind === 'CHARGING' ? { ...p, current_a: amps } : p));
    return { amps, cost: priceCharge(tariff, connector.time_zone, { ...timeline, periods }) };
  });
  if (bands.some((b) => !b.cost.exact)) return finish(first, firstCodes, notes, null);
  const key = (c: ChargeCost) => new Dec(c.total.after_taxes ?? c.total.before_taxes ?? 0);
  const sorted = [...bands].sort((a, b) => key(a.cost).comparedTo(key(b.cost)));
  const [low, high] = [sorted[0], sorted[sorted.length - 1]];
  if (key(low.cost).eq(key(high.cost))) return finish(low.cost, [], [...notes, 'the current on DC is not known, but every current band the tariff has costs the same'], null);
  const reason: NotExactReason = {
    code: 'CURRENT_BANDS_DIFFER',
    text: 'the charging current is not known on DC (the battery sets the voltage) and the tariff prices current bands differently',
  };
  return finish(
    { ...low.cost, exact: false, not_exact_because: [reason.text] },
    [reason.code],
    [...notes, `breakdown shown for the cheapest band (${low.amps} A); the dearest is ${high.amps} A`],
    {
      low: low.cost.total,
      high: high.cost.total,
      depends_on: 'charging current',
    },
  );
}

/** The engine's cost as an estimate: its codes beside its reasons, no total unless exact, our notes first. */
function finish(cost: ChargeCost, codes: NotExactCode[], notes: string[], range: PriceEstimate['range']): PriceEstimate {
  const { tariff, currency, tax_included, exact, not_exact_because, ...rest } = cost;
  return { tariff, currency, tax_included, exact, not_exact_because, not_exact_codes: codes, ...rest, total: exact ? rest.total : null, range, notes: [...notes, ...cost.notes] };
}
