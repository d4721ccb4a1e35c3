/**
 * The tariff engine: what a charge costs under one Tariff, exactly as mod_tariffs and mod_cdrs describe it
 * (2.1.1, 2.2.1, 2.3.0), with a breakdown of which TariffElement and PriceComponent priced which stretch and why.
 *
 * Rules (mod_tariffs 2.2.1 §Tariff object, §TariffElement, §TariffRestrictions, §PriceComponent step_size and its
 * examples; mod_cdrs 2.2.1 §CDR object "step_size"):
 * - Per dimension and per moment, the first TariffElement (in list order) that has a PriceComponent of that dimension
 *   and whose restrictions all hold prices it; none: the dimension costs nothing then. The charge is cut at every
 *   instant a restriction can change (local times of day, local midnights, daylight-saving changes, min/max_duration,
 *   min/max_kwh), so a price switches mid-charge exactly when a restriction stops or starts holding.
 * - Local time is the Location's time zone: times of day, dates and weekdays are read from the wall clock there.
 *   end_time before start_time wraps past midnight; end_time 00:00 is the end of the day; equal start and end mean
 *   all day. Each restriction is evaluated at the instant (a night window 22:00–06:00 with day_of_week FRIDAY holds
 *   Friday 22:00–24:00 and Friday 00:00–06:00, not Saturday morning). In the skipped hour of spring, a window that
 *   starts inside it starts at the change; in the repeated hour of autumn, a window holds each time its reading does.
 * - min/max_duration count from the session's start (reservation elements: from the reservation's start);
 *   min/max_kwh count the energy delivered so far, spread evenly over each period. Minimums are inclusive, maximums
 *   exclusive. Power and current are those of the period (0 while parking or reserved); a range that straddles a
 *   limit, or a current that is not given, cannot be decided: the result says so (exact: false).
 * - ENERGY is priced while charging; TIME while charging; PARKING_TIME while parked (not requesting power).
 * - FLAT is charged once per session: by the first element with a FLAT component whose restrictions hold at the
 *   session's start (or, if none does, at the first moment one does).
 * - Reservations (2.2.1+): RESERVATION periods are priced only by elements with a `reservation` restriction (FLAT once,
 *   TIME for the reserved time), and those elements price nothing else. A reservation that expired (no session
 *   follows) is priced by RESERVATION_EXPIRES elements first, then RESERVATION ones (§ReservationRestrictionType NOTE).
 * - step_size is applied once per session per dimension group, to the total billed amount, and the amount it adds is
 *   billed in the last stretch of that group, at its price and with its step_size: ENERGY alone; TIME and PARKING_TIME
 *   together, where only the dimension of the last time-based stretch is rounded (charging followed by parking:
 *   parking is rounded, charging is not); reservation TIME alone. Stretches nobody prices (no component) do not count.
 *   A step_size of 0 or less rounds nothing.
 * - min_price and max_price bound the session's total (see taxes.ts). Taxes as the version defines them (taxes.ts).
 * - Rounding: none, except the total, rounded half-up to the currency's minor unit (the spec leaves rounding to law,
 *   contracts and currency; §Tariff object NOTE). Per-dimension figures are exact (shown to at most 8 decimals).
 * - Not looked at here: the tariff's start/end_date_time and type (the caller picks the tariff: see tariff-history).
 */
import { CanonicalTariff } from '../tariff.model';
import { Amount, BreakdownLine, ChargeCost, ChargeTimeline, CostDimension, NotExactReason } from './charge-cost.model';
import { CompiledComponent, CompiledElement, CompiledTariff, compileTariff } from './compiled-tariff';
import { Dec, ONE, SECONDS_PER_HOUR, THOUSAND, ZERO, secondsOfMs, showDec } from './money';
import { RestrictionCheck, SegmentFacts, Verdict, evaluate, explain } from './restrictions';
import { Money, NO_MONEY, addMoney, applyBounds, lineMoney, toAmount, toRoundedAmount } from './taxes';
import { ReadTimeline, Segment, cutSegments, readTimeline } from './timeline';
import { MS_PER_DAY, ZoneClock, formatLocal, isoOfMs, localMidnight } from './zone-clock';

const COST_DIMENSIONS: CostDimension[] = ['FLAT', 'ENERGY', 'TIME', 'PARKING_TIME', 'RESERVATION'];

/**
 * Prices `timeline` under `tariff` in the Location's `timeZone` (IANA; null when unknown, which makes a tariff with
 * time, day or date restrictions inexact).
 * @returns cost per dimension, total (rounded to the currency's minor unit), min/max price applied, breakdown, and
 *   whether the result is exact (with the reasons when not). Money in major units of tariff.currency.
 * @throws Error when the timeline is malformed (see readTimeline) or the tariff holds a non-decimal price.
 */
export function priceCharge(tariff: CanonicalTariff, timeZone: string | null, timeline: ChargeTimeline): ChargeCost {
  return priceChargeWithReasons(tariff, timeZone, timeline).cost;
}

/** The engine's result and why it is not exact, with codes to decide by: the cost's not_exact_because are their texts. */
export interface PricedCharge {
  cost: ChargeCost;
  reasons: NotExactReason[];
}

/** priceCharge, with the reasons as NotExactReason for callers that act on them. Same @throws. */
export function priceChargeWithReasons(tariff: CanonicalTariff, timeZone: string | null, timeline: ChargeTimeline): PricedCharge {
  return new ChargePricing(compiled(tariff), timeZone, readTimeline(timeline)).run();
}

/**
 * A tariff object keeps its compiled form in a hidden (symbol, non-enumerable) property: an estimate may price one
 * tariff several times (once per current band), and TariffReader hands out one object per stored version, so a
 * version is compiled once per process. Neither a Map (which would keep dead tariffs into the old generation) nor a
 * WeakMap (whose short-lived keys V8 makes costly to collect): the compiled form lives and dies with its tariff.
 * Tariff objects must not be changed once priced (a changed tariff is a new object, e.g. a new version).
 */
const COMPILED = Symbol('compiled tariff');
function compiled(tariff: CanonicalTariff): CompiledTariff {
  const held = (tariff as unknown as Record<symbol, CompiledTariff | undefined>)[COMPILED];
  if (held) return held;
  const c = compileTariff(tariff);
  if (Object.isExtensible(tariff)) Object.defineProperty(tariff, COMPILED, { value: c, enumerable: false });
  return c;
}

interface Stretch {
  dimension: CostDimension;
  component: CompiledComponent;
  element: CompiledElement;
  first: Segment;
  facts: SegmentFacts;
  from: Dec;
  to: Dec;
  /** kWh for ENERGY, seconds for time, 1 for FLAT. */
  quantity: Dec;
  billed: Dec;
  step?: BreakdownLine['step_size'];
}

class ChargePricing {
  private readonly clock: ZoneClock | null;
  /** Keyed by text: the same reason found in several segments is given once. */
  private readonly inexact = new Map<string, NotExactReason>();
  private readonly instants = new Map<Dec, [string, string]>();
  private readonly notes: string[];
  private readonly sessionElements: CompiledElement[];
  private readonly reservationElements: CompiledElement[];

  constructor(
    private readonly t: CompiledTariff,
    timeZone: string | null,
    private readonly tl: ReadTimeline,
  ) {
    this.clock = timeZone ? ZoneClock.of(timeZone) : null;
    this.sessionElements = t.sessionElements;
    const of = (type: string) => t.elements.filter((e) => e.restrictions?.reservation === type);
    this.reservationElements = tl.expired ? [...of('RESERVATION_EXPIRES'), ...of('RESERVATION')] : of('RESERVATION');
    this.notes = [...(t.source.notes ?? [])];
    for (const p of t.problems) this.addInexact(p);
    if (timeZone && !this.clock) this.notes.push(`"${timeZone}" is not an IANA time zone`);
  }

  run(): PricedCharge {
    const segments = cutSegments(this.tl, this.t, this.localCuts());
    const stretches = this.priceSegments(segments);
    applyStepSizes(stretches);
    return this.result(stretches);
  }

  /** Seconds from the start at which local time-of-day, date or weekday restrictions can change. */
  private localCuts(): Dec[] {
    if (!this.t.usesLocalTime || !this.clock) return [];
    const clock = this.clock;
    const from = this.tl.startMs;
    const to = from + this.tl.end.times(THOUSAND).ceil().toNumber();
    const instants = new Set<number>(clock.changesBetween(from, to));
    for (let day = localMidnight(clock.toLocal(from)); day <= clock.toLocal(to); day += MS_PER_DAY) {
      for (const minute of this.t.dayMinutes) for (const u of clock.instantsOf(day + minute * 60_000)) if (u > from && u < to) instants.add(u);
    }
    return [...instants].sort((a, b) => a - b).map((u) => secondsOfMs(u - from));
  }

  private priceSegments(segments: Segment[]): Stretch[] {
    const stretches: Stretch[] = [];
    const open = new Map<string, Stretch>();
    let sessionFlat = false;
    let reservationFlat = false;
    for (const seg of segments) {
      if (seg.period.unpriced) continue;
      const verdicts = new Map<number, Verdict>();
      const facts = this.facts(seg);
      const kind = seg.period.kind;
      const length = seg.end.minus(seg.start);
      // [dimension, component type, quantity, the key a stretch stays open under] (keys written once, not per segment).
      const dims: Array<[CostDimension, string, Dec, string]> =
        kind === 'RESERVATION'
          ? [['RESERVATION', 'TIME', length, 'RESERVATION|TIME']]
          : kind === 'CHARGING'
            ? [
                ['ENERGY', 'ENERGY', seg.energy, 'ENERGY|ENERGY'],
                ['TIME', 'TIME', length, 'TIME|TIME'],
              ]
            : [['PARKING_TIME', 'PARKING_TIME', length, 'PARKING_TIME|PARKING_TIME']];
      const needFlat = kind === 'RESERVATION' ? !reservationFlat : !sessionFlat;
      if (needFlat) dims.unshift(kind === 'RESERVATION' ? ['RESERVATION', 'FLAT', ONE, 'RESERVATION|FLAT'] : ['FLAT', 'FLAT', ONE, 'FLAT|FLAT']);
      for (const [dimension, type, quantity, key] of dims) {
        const chosen = this.choose(seg, facts, type, verdicts);
        if (!chosen) continue;
        if (type === 'FLAT') {
          if (kind === 'RESERVATION') reservationFlat = true;
          else sessionFlat = true;
        }
        const last = open.get(key);
        if (type !== 'FLAT' && last && last.element === chosen.element && last.to.eq(seg.start)) {
          last.to = seg.end;
          last.quantity = last.quantity.plus(quantity);
          last.billed = last.quantity;
          continue;
        }
        const stretch: Stretch = {
          dimension,
          component: chosen.component,
          element: chosen.element,
          first: seg,
          facts,
          from: seg.start,
          to: type === 'FLAT' ? seg.start : seg.end,
          quantity,
          billed: quantity,
        };
        stretches.push(stretch);
        open.set(key, stretch);
      }
    }
    return stretches;
  }

  /** The first candidate element with a `type` component whose restrictions hold in `seg`. */
  private choose(seg: Segment, facts: SegmentFacts, type: string, verdicts: Map<number, Verdict>) {
    for (const element of this.candidates(seg)) {
      const component = element.components.get(type);
      if (!component) continue;
      let verdict = verdicts.get(element.index);
      if (verdict === undefined) {
        verdict = evaluate(element.restrictions, facts);
        verdicts.set(element.index, verdict);
      }
      if (verdict === 'HOLDS') return { element, component };
      if (verdict === 'UNKNOWN') this.addInexact(undecided(element, type, facts));
    }
    return null;
  }

  private addInexact(reason: NotExactReason): void {
    if (!this.inexact.has(reason.text)) this.inexact.set(reason.text, reason);
  }

  /** The elements that may price a segment, in the order they are tried. */
  private candidates(seg: Segment): CompiledElement[] {
    return seg.period.kind === 'RESERVATION' ? this.reservationElements : this.sessionElements;
  }

  private facts(seg: Segment): SegmentFacts {
    const reservation = seg.period.kind === 'RESERVATION';
    const atMs = this.tl.startMs + msOf(seg.start, true);
    return {
      local: this.clock ? this.clock.toLocal(atMs) : null,
      elapsed: reservation || this.tl.sessionStart.isZero() ? seg.start : seg.start.minus(this.tl.sessionStart),
      energy: seg.energyBefore,
      power: seg.period.power,
      current: seg.period.current,
      reservation: reservation ? (this.tl.expired ? 'RESERVATION_EXPIRES' : 'RESERVATION') : null,
    };
  }

  private result(stretches: Stretch[]): PricedCharge {
    const t = this.t;
    const minor = t.minor;
    // A plain record in COST_DIMENSIONS order rather than a Map (walking a Map by its iterator cost more than the sums).
    const perDimension: Record<CostDimension, Money> = { FLAT: NO_MONEY, ENERGY: NO_MONEY, TIME: NO_MONEY, PARKING_TIME: NO_MONEY, RESERVATION: NO_MONEY };
    const ratesUsed: Dec[] = [];
    const breakdown = stretches.map((s) => {
      const money = lineMoney(amountOf(s), s.component.vat, s.component.vatText, t);
      perDimension[s.dimension] = addMoney(perDimension[s.dimension], money);
      if (!money.before?.isZero() || !money.after?.isZero()) ratesUsed.push(s.component.vat ?? ZERO);
      return this.line(s, money);
    });
    let sum = NO_MONEY;
    for (const d of COST_DIMENSIONS) sum = addMoney(sum, perDimension[d]);
    const bounded = applyBounds(sum, t, ratesUsed);
    if (bounded.inexact) this.addInexact(bounded.inexact);
    if (t.usesLocalTime && !this.clock && stretches.length > 0) {
      this.addInexact({ code: 'NO_TIME_ZONE', text: 'the Location has no valid time zone: time, day and date restrictions could not be evaluated' });
    }
    const reasons = [...this.inexact.values()];
    const costs = {} as Record<CostDimension, Amount>;
    for (const d of COST_DIMENSIONS) costs[d] = toAmount(perDimension[d], minor);
    const src = t.source;
    const cost: ChargeCost = {
      tariff: { country_code: src.country_code, party_id: src.party_id, id: src.id, type: src.type ?? null, last_updated: src.last_updated },
      currency: src.currency,
      tax_included: src.tax_included ?? 'NO',
      exact: reasons.length === 0,
      not_exact_because: reasons.map((r) => r.text),
      costs,
      total: toRoundedAmount(bounded.money, minor),
      total_unrounded: toAmount(bounded.money, minor),
      min_price_applied: bounded.minApplied,
      max_price_applied: bounded.maxApplied,
      breakdown,
      notes: [...this.notes, ...bounded.notes],
    };
    return { cost, reasons };
  }

  private line(s: Stretch, money: Money): BreakdownLine {
    const type = s.component.type;
    const [from, fromLocal] = this.instant(s.from);
    const [to, toLocal] = this.instant(s.to);
    const unit = type === 'ENERGY' ? 'kWh' : type === 'FLAT' ? 'session' : 'hours';
    const inUnit = (q: Dec) => (unit === 'hours' ? q.div(SECONDS_PER_HOUR) : q);
    const quantity = showDec(inUnit(s.quantity));
    // step_size undefined rather than spread in when absent (JSON leaves it out either way): a literal with a spread
    // is built property by property.
    return {
      dimension: s.dimension,
      component_type: type,
      element_index: s.element.index,
      component_index: s.component.index,
      from,
      to,
      from_local: fromLocal,
      to_local: toLocal,
      quantity,
      billed_quantity: s.billed === s.quantity ? quantity : showDec(inUnit(s.billed)),
      unit,
      unit_price: s.component.priceText,
      vat_percentage: s.component.vatText,
      amount: toAmount(money, this.t.minor),
      step_size: s.step,
      why: this.why(s),
    };
  }

  /**
   * An offset on the timeline as ISO-8601 UTC and local. Adjacent stretches share the very Dec of their common end
   * (segments are cut from one list of cuts), so each instant is formatted once.
   */
  private instant(offset: Dec): [string, string] {
    let shown = this.instants.get(offset);
    if (!shown) {
      const ms = this.tl.startMs + msOf(offset, false);
      shown = [isoOfMs(ms), formatLocal(this.clock, ms)];
      this.instants.set(offset, shown);
    }
    return shown;
  }

  /** Which element, why it and not an earlier one. */
  private why(s: Stretch): string {
    const type = s.component.type;
    const scope = s.dimension === 'RESERVATION' ? `reservation ${type}` : type;
    const head =
      type === 'FLAT'
        ? `${scope} is charged once; elements[${s.element.index}] is the first element with a FLAT component whose restrictions hold`
        : `elements[${s.element.index}] is the first element with a ${scope} component whose restrictions hold`;
    const parts = [`${head} (${texts(explain(s.element.restrictions, s.facts))})`];
    for (const e of this.candidates(s.first)) {
      if (e === s.element) break;
      if (!e.components.has(type)) continue;
      parts.push(`elements[${e.index}] skipped: ${texts(explain(e.restrictions, s.facts).filter((c) => c.verdict !== 'HOLDS'))}`);
    }
    return parts.join('. ');
  }
}

/**
 * Seconds on the timeline in ms: offset × 1000, floored when `floor` (else as a JS number, fraction kept). Offsets of
 * whole ms (at most 3 decimals: nearly all) are read as a number and rounded, which is exact below 2^41 s, without
 * the two decimals the product and its floor cost; others as before.
 */
function msOf(offset: Dec, floor: boolean): number {
  if (offset.decimalPlaces() <= 3) {
    const seconds = offset.toNumber();
    if (Math.abs(seconds) < 2 ** 41) return Math.round(seconds * 1000);
  }
  const product = offset.times(THOUSAND);
  return (floor ? product.floor() : product).toNumber();
}

/** Money for a stretch: billed kWh × price; billed seconds × price per hour / 3600; FLAT: the price. */
function amountOf(s: Stretch): Dec {
  const p = s.component.price;
  if (s.component.type === 'FLAT') return p;
  if (s.component.type === 'ENERGY') return p.times(s.billed);
  return p.times(s.billed).div(SECONDS_PER_HOUR);
}

/**
 * Why an element's restrictions could not be decided in a segment. CURRENT_NOT_KNOWN when nothing but a current
 * restriction was undecided and no current was given: pricing each current band can then settle it.
 */
function undecided(element: CompiledElement, type: string, facts: SegmentFacts): NotExactReason {
  const open = explain(element.restrictions, facts).filter((c) => c.verdict === 'UNKNOWN');
  const onlyCurrent = facts.current === null && open.length > 0 && open.every((c) => c.measure === 'current');
  return {
    code: onlyCurrent ? 'CURRENT_NOT_KNOWN' : 'RESTRICTION_NOT_EVALUATED',
    text: `elements[${element.index}] (${type}): ${texts(open)}; treated as not holding`,
  };
}

function texts(checks: RestrictionCheck[]): string {
  return checks.map((c) => c.text).join('; ');
}

/** mod_cdrs 2.2.1 §CDR object step_size, as in the module comment. */
function applyStepSizes(stretches: Stretch[]): void {
  const positive = (s: Stretch) => s.quantity.gt(ZERO);
  roundGroup(
    stretches.filter((s) => s.dimension === 'ENERGY' && positive(s)),
    THOUSAND,
    'Wh',
  );
  const time = stretches.filter((s) => (s.dimension === 'TIME' || s.dimension === 'PARKING_TIME') && positive(s));
  const lastTime = latest(time);
  if (lastTime)
    roundGroup(
      time.filter((s) => s.dimension === lastTime.dimension),
      ONE,
      's',
    );
  roundGroup(
    stretches.filter((s) => s.dimension === 'RESERVATION' && s.component.type === 'TIME' && positive(s)),
    ONE,
    's',
  );
}

function latest(stretches: Stretch[]): Stretch | undefined {
  return stretches.reduce<Stretch | undefined>((a, b) => (!a || b.to.gte(a.to) ? b : a), undefined);
}

/**
 * Rounds the group's total up to the last stretch's step_size (in Wh or s: `perUnit` per quantity unit). The total is
 * first taken to the micro-unit (µWh, µs): stretches cut at an energy threshold fall at repeating decimals, and
 * their last digits must not push an exact number of steps over into one more.
 */
function roundGroup(group: Stretch[], perUnit: Dec, unit: 'Wh' | 's'): void {
  const last = latest(group);
  if (!last || !(last.component.step > 0)) return;
  const sum = group.reduce((sum, s) => sum.plus(s.quantity), ZERO);
  const exact = perUnit === ONE ? sum : sum.times(perUnit);
  const total = exact.toDecimalPlaces(6);
  const step = new Dec(last.component.step);
  const billed = total.div(step).ceil().times(step);
  if (billed.eq(total)) return;
  last.billed = last.quantity.plus(billed.minus(exact).div(perUnit));
  last.step = { step_size: last.component.step, total_consumed: showDec(total), total_billed: billed.toFixed(), unit };
}
