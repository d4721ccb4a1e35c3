/**
 * The canonical Tariff: one shape for every OCPI version (mod_tariffs of 2.1.1, 2.2.1 and 2.3.0).
 * Version mappers (src/ocpi/<version>/tariffs/) turn a CPO's wire object into this; nothing else reads
 * wire tariffs. Prices are decimal strings (never JS numbers) in MAJOR currency units.
 *
 * What differs between versions, and how it lands here:
 * - 2.1.1 has no country_code/party_id (the owner comes from the connection), no type, no min/max_price, no
 *   start/end_date_time, no `vat` on PriceComponent and no min/max_current or reservation restrictions. Its prices
 *   are "excluding VAT" with the VAT never told: `tax_included` 'NO', `omitted_vat` 'UNKNOWN'.
 * - 2.2.1 prices are excl. VAT; an omitted `vat` means "no VAT is applicable" (≠ 0 %): 'NO' / 'NO_VAT'.
 * - 2.3.0 adds `tax_included` (YES / NO / N/A) and PriceLimit (before_taxes / after_taxes) for min/max_price;
 *   `vat` may be omitted for North American taxes that "will be added on top": 'UNKNOWN'.
 */

/** TariffDimensionType (mod_tariffs 2.2.1 §TariffDimensionType enum). */
export type TariffDimensionType = 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME';

/** The dimensions OCPI defines; a PriceComponent of another type is kept as sent but cannot be priced. */
export const TARIFF_DIMENSION_TYPES: readonly TariffDimensionType[] = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'];

/** PriceComponent (mod_tariffs 2.2.1 §PriceComponent class). */
export interface PriceComponent {
  /** A TariffDimensionType, or an unknown value kept as the CPO sent it. */
  type: TariffDimensionType | (string & {});
  /**
   * Price per unit, decimal string, major units: per kWh (ENERGY), per hour (TIME, PARKING_TIME), per session
   * (FLAT). Excl. taxes unless the tariff's `tax_included` is 'YES'.
   */
  price: string;
  /** VAT percentage as a decimal string ("21" means 21 %); null when omitted (see CanonicalTariff.omitted_vat). */
  vat: string | null;
  /** Billing block: Wh for ENERGY, seconds for TIME and PARKING_TIME; not used for FLAT. */
  step_size: number;
}

/** DayOfWeek (mod_tariffs 2.2.1 §DayOfWeek enum). */
export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

/** ReservationRestrictionType (mod_tariffs 2.2.1 §ReservationRestrictionType enum). */
export type ReservationRestrictionType = 'RESERVATION' | 'RESERVATION_EXPIRES';

/**
 * TariffRestrictions (mod_tariffs 2.2.1 §TariffRestrictions class). Numbers as the spec gives them: kWh, A
 * (sum over phases), kW, seconds; decimal strings except the int durations. Times and dates are local to the
 * Location's time zone. Values are kept as sent (e.g. "9:00"); the pricing engine says when it cannot read one.
 */
export interface TariffRestrictions {
  start_time?: string | null; // "HH:MM", inclusive
  end_time?: string | null; // "HH:MM", exclusive; earlier than start_time wraps past midnight; "00:00" = end of day
  start_date?: string | null; // "YYYY-MM-DD", inclusive
  end_date?: string | null; // "YYYY-MM-DD", exclusive
  min_kwh?: string | null;
  max_kwh?: string | null;
  min_current?: string | null; // 2.2.1+
  max_current?: string | null; // 2.2.1+
  min_power?: string | null;
  max_power?: string | null;
  min_duration?: number | null;
  max_duration?: number | null;
  day_of_week?: Array<DayOfWeek | (string & {})> | null;
  reservation?: ReservationRestrictionType | (string & {}) | null; // 2.2.1+
}

/** TariffElement (mod_tariffs 2.2.1 §TariffElement class). */
export interface TariffElement {
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions | null;
}

/**
 * Whether a TariffElement prices the charge itself rather than a reservation (mod_tariffs 2.2.1 §TariffRestrictions
 * class: "When this field [reservation] is present, the TariffElement describes reservation costs"). Any value counts
 * as present, also one we cannot read: such an element never prices a charge. 2.1.1 has no reservation restriction.
 * The one rule for the tariff engine and the list-view price line.
 */
export function pricesTheCharge(element: Pick<TariffElement, 'restrictions'>): boolean {
  return !element.restrictions?.reservation;
}

/**
 * A price bound: Price (types 2.2.1, excl_vat / incl_vat) and PriceLimit (mod_tariffs 2.3.0, before_taxes /
 * after_taxes) in one shape. Decimal strings, major units.
 */
export interface PriceLimit {
  before_taxes: string;
  after_taxes: string | null;
}

/** @deprecated the 2.2.1 name of a price bound; use PriceLimit. */
export type Price = PriceLimit;

/** DisplayText (types 2.2.1). */
export interface DisplayText {
  language: string;
  text: string;
}

/** TaxIncluded (mod_tariffs 2.3.0 §TaxIncluded enum). */
export type TaxIncluded = 'YES' | 'NO' | 'N/A';

/**
 * What an omitted PriceComponent.vat means: 'NO_VAT' (2.2.1: "no VAT is applicable", so the amount after taxes
 * equals the amount before) or 'UNKNOWN' (2.1.1, which has no vat field; 2.3.0, where taxes not given "will be
 * added on top" under local legislation, or are already in a tax-inclusive price): the other side is not known.
 */
export type OmittedVat = 'NO_VAT' | 'UNKNOWN';

/** The canonical Tariff (mod_tariffs 2.2.1 §Tariff object), version-neutral. */
export interface CanonicalTariff {
  country_code: string;
  party_id: string;
  id: string;
  /** ISO-4217 code. */
  currency: string;
  /** TariffType (2.2.1+); null when the tariff applies to all sessions (and always in 2.1.1). */
  type: string | null;
  tariff_alt_text: DisplayText[];
  tariff_alt_url: string | null;
  /** Whether prices include taxes; 'NO' for 2.1.1 and 2.2.1 (prices excl. VAT). */
  tax_included: TaxIncluded;
  omitted_vat: OmittedVat;
  min_price: PriceLimit | null;
  max_price: PriceLimit | null;
  elements: TariffElement[];
  start_date_time: string | null; // ISO-8601 UTC
  end_date_time: string | null; // ISO-8601 UTC
  /** EnergyMix as sent (2.1.1+); null when absent. */
  energy_mix?: Record<string, unknown> | null;
  last_updated: string; // ISO-8601 UTC
  /** What the mapper tolerated or assumed, in plain words (shown with every price computed from this tariff). */
  notes?: string[];
}

/** A canonical Tariff with the raw wire object it came from. */
export interface IncomingTariff {
  tariff: CanonicalTariff;
  raw: unknown;
}
