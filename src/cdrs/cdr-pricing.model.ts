/**
 * The part of a CDR that pricing needs (mod_cdrs 2.1.1 §3.1 / 2.2.1 and 2.3.0 §CDR object), version-neutral.
 * Numbers are decimal strings. recomputeCdrCost (src/finance) reads only this part, so the canonical CDR that the
 * version mappers build and the CDR store keeps (cdr.model.ts, a superset) is priced as is, and the spec's example
 * CDRs can be priced in tests without the fields pricing never reads.
 */
import { ChargingPeriod, ChargingPeriodDimension } from '../tariffs/engine/charging-periods';
import { CanonicalTariff } from '../tariffs/tariff.model';

/** CdrDimension and ChargingPeriod: the tariff engine's (shared with Sessions), under the names the CDR model uses. */
export type CdrDimensionForPricing = ChargingPeriodDimension;
export type ChargingPeriodForPricing = ChargingPeriod;

export interface CdrForPricing {
  country_code: string;
  party_id: string;
  id: string;
  currency: string;
  /** The session's start (with a reservation: the reservation's start) and end, ISO-8601 UTC (2.1.1: stop_date_time). */
  start_date_time: string;
  end_date_time: string;
  charging_periods: ChargingPeriodForPricing[];
  /**
   * total_cost: 2.1.1 a number excl. VAT (after_taxes null); 2.2.1 Price excl_vat / incl_vat; 2.3.0 Price
   * before_taxes and the sum of its taxes added for after_taxes.
   */
  total_cost: { before_taxes: string; after_taxes: string | null };
  /** The tariffs the CDR itself carries (as they were at the session's start, mod_cdrs §CDR object). */
  tariffs?: CanonicalTariff[];
}
