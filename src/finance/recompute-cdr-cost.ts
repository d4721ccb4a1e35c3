/**
 * The finance hook: recompute a CDR's cost from its tariff(s) and charging_periods with the tariff engine, and the
 * difference to the total_cost the CPO stated. Pure. How ChargingPeriods are priced (which tariff prices which
 * period, dimensions over the wall clock, step_size per tariff) is shared with Sessions: see
 * src/tariffs/engine/charging-periods.ts; here the CDR's own figures are set against it.
 */
import { Amount, ChargeCost } from '../tariffs/engine/charge-cost.model';
import { priceChargingPeriods } from '../tariffs/engine/charging-periods';
import { Dec, minorUnits, toDec } from '../tariffs/engine/money';
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
  const diff = (a: string | null, b: string | null) => (a === null || b === null ? null : new Dec(a).minus(b).toFixed(minor));
  const stated = {
    before_taxes: toDec(cdr.total_cost.before_taxes, 'total_cost').toFixed(minor),
    after_taxes: cdr.total_cost.after_taxes === null ? null : toDec(cdr.total_cost.after_taxes, 'total_cost').toFixed(minor),
  };
  return {
    cdr: { country_code: cdr.country_code, party_id: cdr.party_id, id: cdr.id },
    currency: cdr.currency,
    exact: priced.exact,
    not_exact_because: priced.not_exact_because,
    computed,
    stated,
    difference: { before_taxes: diff(computed.before_taxes, stated.before_taxes), after_taxes: diff(computed.after_taxes, stated.after_taxes) },
    per_tariff: priced.per_tariff,
    notes: priced.notes,
  };
}
