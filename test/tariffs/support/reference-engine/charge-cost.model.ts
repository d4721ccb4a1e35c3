/**
 * What the pricing engine takes (a charge as a timeline) and returns (its cost per dimension, with a breakdown).
 * Decimal strings throughout; units in the field names. See price-charge.ts for the rules.
 */
import type { Decimal } from 'decimal.js';

/**
 * RESERVATION: the EVSE is reserved for the driver and not yet in use (CdrDimensionType RESERVATION_TIME).
 * CHARGING: energy flows (TIME). PARKING: plugged in, the vehicle not requesting power (PARKING_TIME).
 */
export type PeriodKind = 'RESERVATION' | 'CHARGING' | 'PARKING';

/** One stretch of the charge in which kind, power and current do not change. */
export interface ChargePeriod {
  kind: PeriodKind;
  /** Length in seconds: a non-negative decimal string, an integer, or a decimal.js Decimal (callers that computed it). */
  duration_s: string | number | Decimal;
  /** Energy delivered in this period, kWh (CHARGING only; assumed to flow evenly over the period). */
  energy_kwh?: string | Decimal | null;
  /** Power during the period, kW. When only a range is known, give min/max instead (CDR MIN_POWER / MAX_POWER). */
  power_kw?: string | Decimal | null;
  min_power_kw?: string | null;
  max_power_kw?: string | null;
  /** Current during the period, summed over the phases, A (CDR MIN_CURRENT / MAX_CURRENT as a range). */
  current_a?: string | Decimal | null;
  min_current_a?: string | null;
  max_current_a?: string | null;
  /**
   * True when this period is priced by another tariff (a CDR whose ChargingPeriod.tariff_id names another one, or
   * none): it still counts towards the session's duration and energy, but nothing in it is priced here.
   */
  unpriced?: boolean;
}

/**
 * A charge: when it starts (ISO-8601 instant; with a reservation, when the reservation starts, as CDR
 * start_date_time) and its periods, back to back. RESERVATION periods come first; a reservation followed by no
 * CHARGING or PARKING period expired (ReservationRestrictionType RESERVATION_EXPIRES).
 */
export interface ChargeTimeline {
  start: string;
  periods: ChargePeriod[];
}

/** The dimensions a cost is reported in: TariffDimensionType, plus the reservation (CDR total_reservation_cost). */
export type CostDimension = 'FLAT' | 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'RESERVATION';

/** One tax on an amount (TaxAmount, types 2.3.0): VAT at a percentage. */
export interface TaxLine {
  name: string;
  /** Percentage as a decimal string ("21"); null when several rates were merged (after min/max price). */
  percentage: string | null;
  amount: string;
}

/**
 * An amount of money, major units, decimal strings. Either side is null when the tariff does not make it knowable
 * (2.1.1 never tells VAT; a 2.3.0 price with taxes included and no `vat` has no before-tax amount).
 */
export interface Amount {
  before_taxes: string | null;
  /** null when not known; [] when no tax applies. */
  taxes: TaxLine[] | null;
  after_taxes: string | null;
}

/** Which TariffElement and PriceComponent priced which stretch of the charge, and why. */
export interface BreakdownLine {
  dimension: CostDimension;
  /** The PriceComponent's type (for RESERVATION: FLAT or TIME). */
  component_type: string;
  /** Index in tariff.elements / element.price_components, from 0. */
  element_index: number;
  component_index: number;
  /** The stretch: UTC instants and the same in the Location's local time (with offset). */
  from: string;
  to: string;
  from_local: string;
  to_local: string;
  /** Consumed in the stretch, then billed (after step_size), in `unit`. */
  quantity: string;
  billed_quantity: string;
  unit: 'kWh' | 'hours' | 'session';
  /** Price per unit as the tariff gives it (before taxes unless tax_included is YES). */
  unit_price: string;
  vat_percentage: string | null;
  amount: Amount;
  /** When step_size rounding added to this stretch: the step and what it added, in Wh or seconds. */
  step_size?: { step_size: number; total_consumed: string; total_billed: string; unit: 'Wh' | 's' };
  why: string;
}

/**
 * Why a price is not exact, as a closed set for code to decide by (the reason's text is for people):
 * - UNDEFINED_COMPONENT_TYPE: a PriceComponent of a type OCPI does not define; it is not priced.
 * - RESTRICTION_NOT_EVALUATED: an element's restrictions could not be decided (a value we cannot read, no time
 *   zone, a power or current range that straddles a limit); the element is treated as not holding.
 * - CURRENT_NOT_KNOWN: the same, where the only thing undecided is a current restriction and no current was given.
 * - NO_TIME_ZONE: the Location has no valid time zone, so time, day and date restrictions could not be evaluated.
 * - PRICE_BOUND_VAT_GUESSED: a min/max price without its after-tax value, and no single VAT rate to derive it from.
 * - CURRENT_BANDS_DIFFER: (estimates) the current on DC is not known and the tariff's current bands cost differently.
 * - TARIFF_NOT_IN_FORCE: (estimates) the charge starts outside the tariff's start_date_time / end_date_time
 *   (mod_tariffs 2.2.1 §Tariff object), so nothing of it would be charged under this tariff.
 */
export type NotExactCode =
  'UNDEFINED_COMPONENT_TYPE' | 'RESTRICTION_NOT_EVALUATED' | 'CURRENT_NOT_KNOWN' | 'NO_TIME_ZONE' | 'PRICE_BOUND_VAT_GUESSED' | 'CURRENT_BANDS_DIFFER' | 'TARIFF_NOT_IN_FORCE';

/** One reason a price is not exact: `code` to decide by, `text` to show (what not_exact_because lists). */
export interface NotExactReason {
  code: NotExactCode;
  text: string;
}

export interface ChargeCost {
  tariff: { country_code: string; party_id: string; id: string; type: string | null; last_updated: string };
  currency: string;
  tax_included: string;
  /** False when something needed to price the charge exactly was missing or unreadable; see not_exact_because. */
  exact: boolean;
  /** The reasons' texts (NotExactReason.text), in the order found, each once. */
  not_exact_because: string[];
  /** Per dimension, unrounded (min/max price not applied). */
  costs: Record<CostDimension, Amount>;
  /** The total after min/max price, rounded half-up to the currency's minor unit. */
  total: Amount;
  /** The same before rounding. */
  total_unrounded: Amount;
  min_price_applied: boolean;
  max_price_applied: boolean;
  breakdown: BreakdownLine[];
  /** Assumptions and tolerated input, in plain words (the tariff mapper's notes included). */
  notes: string[];
}
