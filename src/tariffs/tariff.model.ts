/**
 * The canonical Tariff: one shape for every OCPI version (mod_tariffs of 2.1.1, 2.2.1 and 2.3.0).
 * Version mappers (src/ocpi/<version>/tariffs/) turn a CPO's wire object into this; nothing else reads
 * wire tariffs. Prices are decimal strings (never JS numbers) in MAJOR currency units, excl. VAT.
 */

/** TariffDimensionType (mod_tariffs 2.2.1 §4.4.2). */
export type TariffDimensionType = 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME';

/** PriceComponent (mod_tariffs 2.2.1 §4.4.3). */
export interface PriceComponent {
  type: TariffDimensionType;
  /** Price per unit excl. VAT, decimal string, major units: per kWh (ENERGY), per hour (TIME, PARKING_TIME), per session (FLAT). */
  price: string;
  /** VAT percentage as a decimal string ("21" means 21 %); null when no VAT applies (different from "0"). */
  vat: string | null;
  /** Billing block: Wh for ENERGY, seconds for TIME and PARKING_TIME, 1 for FLAT. */
  step_size: number;
}

/** DayOfWeek (mod_tariffs 2.2.1 §4.4.1). */
export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

/** TariffRestrictions (mod_tariffs 2.2.1 §4.4.6). Numbers are as the spec gives them (kWh, A, kW, seconds). */
export interface TariffRestrictions {
  start_time?: string | null; // "HH:MM", local time of the location
  end_time?: string | null; // "HH:MM", exclusive; may be earlier than start_time (wraps past midnight)
  start_date?: string | null; // "YYYY-MM-DD", local, inclusive
  end_date?: string | null; // "YYYY-MM-DD", local, exclusive
  min_kwh?: string | null;
  max_kwh?: string | null;
  min_current?: string | null;
  max_current?: string | null;
  min_power?: string | null;
  max_power?: string | null;
  min_duration?: number | null;
  max_duration?: number | null;
  day_of_week?: DayOfWeek[] | null;
  reservation?: 'RESERVATION' | 'RESERVATION_EXPIRES' | null;
}

/** TariffElement (mod_tariffs 2.2.1 §4.4.5). */
export interface TariffElement {
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions | null;
}

/** Price (types 2.2.1 §Price class): decimal strings, major units. */
export interface Price {
  excl_vat: string;
  incl_vat: string | null;
}

/** DisplayText (types 2.2.1). */
export interface DisplayText {
  language: string;
  text: string;
}

/** The canonical Tariff (mod_tariffs 2.2.1 §4.3.1), version-neutral. */
export interface CanonicalTariff {
  country_code: string;
  party_id: string;
  id: string;
  /** ISO-4217 code. */
  currency: string;
  /** TariffType; null when the tariff applies to all sessions (and always in 2.1.1). */
  type: string | null;
  tariff_alt_text: DisplayText[];
  tariff_alt_url: string | null;
  min_price: Price | null;
  max_price: Price | null;
  elements: TariffElement[];
  start_date_time: string | null; // ISO-8601 UTC
  end_date_time: string | null; // ISO-8601 UTC
  /** EnergyMix as sent (2.2.1+); null when absent. */
  energy_mix?: Record<string, unknown> | null;
  last_updated: string; // ISO-8601 UTC
}
