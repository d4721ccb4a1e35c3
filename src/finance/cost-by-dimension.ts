/**
 * Why a CDR's cost differs, per dimension: the CPO's own per-dimension costs (mod_cdrs 2.2.1 §CDR object
 * total_fixed_cost, total_energy_cost, total_time_cost, total_parking_cost, total_reservation_cost; 2.1.1 has none)
 * against the tariff engine's costs per dimension (FLAT, ENERGY, TIME, PARKING_TIME, RESERVATION), and whether the
 * CPO's dimension costs add up to its own total_cost. Pure; decimal strings in major units of the CDR's currency,
 * rounded half-up to its minor unit as CDR costs are.
 */
import { Amount, CostDimension } from '../tariffs/engine/charge-cost.model';
import { Dec, ZERO, minorUnits, roundMoney } from '../tariffs/engine/money';
import { CdrAmount } from '../cdrs/cdr.model';

/** The CDR field in which the CPO states each dimension's cost. */
export const DIMENSION_FIELDS: ReadonlyArray<[CostDimension, StatedCostField]> = [
  ['FLAT', 'total_fixed_cost'],
  ['ENERGY', 'total_energy_cost'],
  ['TIME', 'total_time_cost'],
  ['PARKING_TIME', 'total_parking_cost'],
  ['RESERVATION', 'total_reservation_cost'],
];

export type StatedCostField = 'total_fixed_cost' | 'total_energy_cost' | 'total_time_cost' | 'total_parking_cost' | 'total_reservation_cost';

/** Before / after taxes; a side is null when unknown. */
export interface Sides {
  before_taxes: string | null;
  after_taxes: string | null;
}

/** One dimension: what the CPO stated (null: not stated), what we computed (null: not computed), computed − stated. */
export interface DimensionCost {
  dimension: CostDimension;
  field: StatedCostField;
  stated: Sides | null;
  computed: Sides | null;
  difference: Sides;
}

export interface CostByDimension {
  dimensions: DimensionCost[];
  /** The dimensions whose difference is not zero on either side; null when our cost is not computed. */
  differing_dimensions: CostDimension[] | null;
  /** The CPO's dimension costs summed, and whether that is its total_cost; null when it states none. */
  stated_parts_sum: (Sides & { adds_up: boolean }) | null;
  /** In plain words: what does not add up, what is not stated, what to keep in mind. */
  notes: string[];
}

/** What the engine returned per tariff (ChargeCost, as stored in the recomputation). */
export interface TariffDimensionCosts {
  costs: Record<CostDimension, Amount>;
  min_price_applied?: boolean;
  max_price_applied?: boolean;
}

/**
 * @param cdr the CDR's currency, credit flag and costs (canonical CDR)
 * @param computed the engine's per-dimension costs per tariff that priced the CDR; null when it was not priced
 */
export function costByDimension(
  cdr: { currency: string; credit: boolean; total_cost: CdrAmount } & Partial<Record<StatedCostField, CdrAmount | null>>,
  computed: TariffDimensionCosts[] | null,
): CostByDimension {
  const minor = minorUnits(cdr.currency);
  const money = (v: string | null | undefined) => (v === null || v === undefined ? null : roundMoney(new Dec(v), minor).toFixed(minor));
  const minus = (a: string | null, b: string | null) => (a === null || b === null ? null : new Dec(a).minus(b).toFixed(minor));
  const notes: string[] = [];
  const dimensions = DIMENSION_FIELDS.map(([dimension, field]): DimensionCost => {
    const own = cdr[field] ?? null;
    const stated = own ? { before_taxes: money(own.before_taxes), after_taxes: money(own.after_taxes) } : null;
    const ours = computed === null ? null : { before_taxes: money(sumSide(computed, dimension, 'before_taxes')), after_taxes: money(sumSide(computed, dimension, 'after_taxes')) };
    const difference = {
      before_taxes: minus(ours?.before_taxes ?? null, stated?.before_taxes ?? null),
      after_taxes: minus(ours?.after_taxes ?? null, stated?.after_taxes ?? null),
    };
    return { dimension, field, stated, computed: ours, difference };
  });
  const statedAny = dimensions.filter((d) => d.stated !== null);
  if (statedAny.length > 0) {
    for (const d of dimensions) {
      if (d.stated === null && d.computed?.before_taxes && !new Dec(d.computed.before_taxes).isZero()) {
        notes.push(`the CPO does not state ${d.field}; we computed ${d.computed.before_taxes} for ${d.dimension} (before taxes)`);
      }
    }
  }
  if (computed?.some((c) => c.min_price_applied || c.max_price_applied)) {
    notes.push("the tariff's min_price / max_price changed our total: our dimension costs are before it, so they need not add up to our total");
  }
  const partsSum = statedAny.length === 0 ? null : statedPartsSum(cdr, statedAny, minor, notes);
  const differing = computed === null ? null : dimensions.filter((d) => isNonZero(d.difference.before_taxes) || isNonZero(d.difference.after_taxes)).map((d) => d.dimension);
  return { dimensions, differing_dimensions: differing, stated_parts_sum: partsSum, notes };
}

/** One side of a dimension summed over the tariffs (unrounded); null when a tariff leaves it unknown. */
function sumSide(computed: TariffDimensionCosts[], dimension: CostDimension, side: keyof Sides): string | null {
  let sum = ZERO;
  for (const c of computed) {
    const v = c.costs?.[dimension]?.[side];
    if (v === null || v === undefined) return null;
    sum = sum.plus(v);
  }
  return sum.toFixed();
}

/**
 * The CPO's stated dimension costs summed per side, against its total_cost, like with like: the parts as stated
 * (unrounded: a CPO may state 3.8355) summed exactly and compared with the total as stated, so 0.50 + 3.8355 adds up to
 * a total of 4.3355. A total stated to the currency's minor unit also adds up when it is the exact sum rounded half-up
 * to that unit (total_cost is rounded once, mod_cdrs 2.2.1 §CDR object). A credit CDR carries the original's dimension
 * costs and a negative total_cost (mod_cdrs 2.2.1 §Credit CDRs: "Only the values in the total_cost field SHALL contain
 * the negative amounts"): its parts are compared with the total negated. Sums are shown to at least the minor unit.
 */
function statedPartsSum(
  cdr: { currency: string; credit: boolean; total_cost: CdrAmount } & Partial<Record<StatedCostField, CdrAmount | null>>,
  stated: DimensionCost[],
  minor: number,
  notes: string[],
): Sides & { adds_up: boolean } {
  const shown = (d: Dec) => d.toFixed(Math.max(minor, d.decimalPlaces()));
  const sum = (side: keyof Sides): Dec | null => {
    let s = ZERO;
    for (const d of stated) {
      const v = cdr[d.field]?.[side];
      if (v === null || v === undefined) return null;
      s = s.plus(v);
    }
    return s;
  };
  const sums = { before_taxes: sum('before_taxes'), after_taxes: sum('after_taxes') };
  let addsUp = true;
  for (const [side, words] of [
    ['before_taxes', 'before taxes'],
    ['after_taxes', 'after taxes'],
  ] as const) {
    const total = cdr.total_cost[side];
    const parts = sums[side];
    if (parts === null || total === null) continue;
    const own = new Dec(total);
    const compareWith = cdr.credit ? own.negated() : own;
    if (parts.eq(compareWith)) continue;
    if (compareWith.decimalPlaces() <= minor && roundMoney(parts, minor).eq(compareWith)) continue;
    addsUp = false;
    const off = parts.minus(compareWith).abs();
    const rounding = stated.length > 1 && off.lte(new Dec(stated.length - 1).times(new Dec(10).pow(-minor))) ? `; within the rounding of its ${stated.length} parts` : '';
    const credit = cdr.credit ? ' (a credit CDR: compared with its total_cost negated)' : '';
    notes.push(`the CPO's dimension costs add up to ${shown(parts)}, its total_cost says ${shown(own)} (${words})${credit}${rounding}`);
  }
  const missing = DIMENSION_FIELDS.filter(([, f]) => !stated.some((d) => d.field === f)).map(([, f]) => f);
  if (!addsUp && missing.length > 0) notes.push(`not stated, so not in the sum: ${missing.join(', ')}`);
  return { before_taxes: sums.before_taxes && shown(sums.before_taxes), after_taxes: sums.after_taxes && shown(sums.after_taxes), adds_up: addsUp };
}

function isNonZero(v: string | null): boolean {
  return v !== null && !new Dec(v).isZero();
}
