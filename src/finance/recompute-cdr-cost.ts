/**
 * The finance hook: recompute a CDR's cost from its tariff(s) and charging_periods with the tariff engine, and the
 * difference to the total_cost the CPO stated. Pure. How ChargingPeriods are priced (which tariff prices which
 * period, dimensions over the wall clock, step_size per tariff) is shared with Sessions: see
 * src/tariffs/engine/charging-periods.ts; here the CDR's own figures are set against it.
 */
import { Amount, ChargeCost } from '../tariffs/engine/charge-cost.model';
import { priceChargingPeriods } from '../tariffs/engine/charging-periods';
import { Dec, fixedText, minorUnits, minusFixed } from '../tariffs/engine/money';
import { CanonicalTariff } from '../tariffs/tariff.model';
import { CdrForPricing } from '../cdrs/cdr-pricing.model';

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
  const priced = priceChargingPeriods(cdr, tariffs, timeZone, 'CDR');
  const minor = minorUnits(cdr.currency);
  const computed = priced.computed;
  const diff = (a: string | null, b: string | null) => (a === null || b === null ? null : minusFixed(a, b, minor));
  const stated = {
    before_taxes: fixedText(cdr.total_cost.before_taxes, 'total_cost', minor),
    after_taxes: cdr.total_cost.after_taxes === null ? null : fixedText(cdr.total_cost.after_taxes, 'total_cost', minor),
  };
  const open = flatFeeOnNothing(cdr, tariffs, computed.before_taxes, stated.before_taxes);
  const notExactBecause = open ? [...priced.not_exact_because, open] : priced.not_exact_because;
  return {
    cdr: { country_code: cdr.country_code, party_id: cdr.party_id, id: cdr.id },
    currency: cdr.currency,
    exact: priced.exact && !open,
    not_exact_because: notExactBecause,
    computed,
    stated,
    difference: { before_taxes: diff(computed.before_taxes, stated.before_taxes), after_taxes: diff(computed.after_taxes, stated.after_taxes) },
    per_tariff: priced.per_tariff,
    notes: priced.notes,
  };
}

const VOLUME_DIMENSIONS = new Set(['ENERGY', 'TIME', 'PARKING_TIME']);

/**
 * A CDR of zero duration and zero energy (no ENERGY, TIME or PARKING_TIME volume above zero in its charging periods)
 * under a tariff with a FLAT price component: mod_tariffs does not say whether the session fee is owed when nothing
 * was charged (the engine prices no period, so 0), so the answer is not ours to give silently. @returns the reason
 * to say on the CDR (which makes the check not exact), or null when it does not apply.
 */
function flatFeeOnNothing(cdr: CdrForPricing, tariffs: CanonicalTariff[], computed: string | null, stated: string): string | null {
  const nothing = cdr.charging_periods.every((p) => p.dimensions.every((d) => !VOLUME_DIMENSIONS.has(d.type) || new Dec(d.volume).isZero()));
  if (!nothing) return null;
  const flat = tariffs.filter((t) => t.elements.some((e) => e.price_components.some((c) => c.type === 'FLAT' && !new Dec(c.price).isZero())));
  if (flat.length === 0) return null;
  return (
    `a session of zero duration and zero energy under a tariff with a FLAT fee (${flat.map((t) => t.id).join(', ')}): the spec leaves open whether the fee is owed; ` +
    `we priced ${computed ?? 'nothing'}, the CPO billed ${stated} (before taxes)`
  );
}
