/**
 * The canonical CDR: one shape for every OCPI version (mod_cdrs 2.1.1 §3.1, 2.2.1 and 2.3.0 §CDR object), a superset
 * of CdrForPricing so that the tariff engine prices it as is. Version mappers (src/ocpi/<version>/cdrs/) build it
 * from a CPO's wire object; nothing else reads wire CDRs. Numbers are decimal strings (money in major units of
 * `currency`, energy in kWh, durations in hours), instants ISO-8601 UTC.
 *
 * What differs between versions, and how it lands here:
 * - 2.1.1 names no owner (the connection's party owns it), has `stop_date_time` (→ end_date_time), `auth_id` instead
 *   of a CdrToken (cdr_token null), an embedded Location object (→ cdr_location, with the connector's tariff_id as
 *   tariff_ids), and total_cost as one number excluding VAT (after_taxes null: unknown). No per-dimension costs,
 *   no tariff_id on charging periods, no credit CDRs.
 * - 2.2.1 costs are Price (excl_vat / incl_vat) → before_taxes / after_taxes.
 * - 2.3.0 costs are Price (before_taxes + taxes[]): after_taxes is before_taxes plus the taxes' amounts.
 * A CDR never changes (mod_cdrs 2.2.1 §Receiver interface: "CDRs cannot be replaced"); corrections are credit CDRs.
 */
import { CdrForPricing, ChargingPeriodForPricing } from './cdr-pricing.model';
import { CanonicalTariff } from '../tariffs/tariff.model';

/** TaxAmount (types 2.3.0 §TaxAmount class); 2.2.1 incl_vat becomes one tax named "VAT" without percentage. */
export interface CdrTax {
  name: string;
  account_number: string | null;
  percentage: string | null;
  amount: string;
}

/** A cost of the CDR: before taxes, after taxes (null when the version does not tell: 2.1.1), taxes when told. */
export interface CdrAmount {
  before_taxes: string;
  after_taxes: string | null;
  /** 2.3.0: the taxes as sent; 2.2.1 and 2.1.1: null. */
  taxes: CdrTax[] | null;
}

/** CdrToken (mod_cdrs 2.2.1 §CdrToken class). */
export interface CdrTokenSnapshot {
  country_code: string;
  party_id: string;
  uid: string;
  type: string;
  contract_id: string;
}

/**
 * Where the session took place, as it was at its start: CdrLocation (mod_cdrs 2.2.1 §CdrLocation class), or the
 * 2.1.1 embedded Location with its one EVSE and Connector read into the same fields.
 */
export interface CdrLocationSnapshot {
  id: string;
  name: string | null;
  address: string;
  city: string;
  postal_code: string | null;
  state: string | null;
  country: string;
  /** GeoLocation as sent (decimal strings). */
  coordinates: { latitude: string; longitude: string };
  evse_uid: string;
  evse_id: string | null;
  connector_id: string;
  connector_standard: string;
  connector_format: string;
  connector_power_type: string;
  /** The tariffs the connector listed, when the snapshot says (2.1.1 Connector.tariff_id); else empty. */
  tariff_ids: string[];
  /** The Location's time zone, when the snapshot says (2.1.1 Location.time_zone); else null. */
  time_zone: string | null;
}

export type CdrChargingPeriod = ChargingPeriodForPricing;

/**
 * The evse_uid of a CdrLocation a CPO sent without one (deviation EVSE_UID_FROM_EVSE_ID): "" (never a valid
 * CiString id on the wire), which the CDR store replaces with the uid derived from the evse_id through the Location we
 * hold, or refuses the CDR. No stored CDR carries it.
 */
export const EVSE_UID_TO_DERIVE = '';

/** The canonical CDR. */
export interface CanonicalCdr extends CdrForPricing {
  /** Session id (2.2.1+); null when omitted and always in 2.1.1. */
  session_id: string | null;
  /** CdrToken (2.2.1+); null in 2.1.1. */
  cdr_token: CdrTokenSnapshot | null;
  /** 2.1.1 auth_id; in 2.2.1+ the token's uid, so one field identifies the token in every version. */
  auth_id: string;
  /** AuthMethod, as sent. */
  auth_method: string;
  authorization_reference: string | null;
  cdr_location: CdrLocationSnapshot;
  meter_id: string | null;
  /** ISO-4217 code. */
  currency: string;
  /** The tariffs the CDR carries, as they were at the session's start, through the version's tariff mapper. */
  tariffs: CanonicalTariff[];
  charging_periods: CdrChargingPeriod[];
  /** SignedData (2.2.1+), kept exactly as sent; null when absent. */
  signed_data: unknown;
  total_cost: CdrAmount;
  total_fixed_cost: CdrAmount | null;
  total_energy_cost: CdrAmount | null;
  total_time_cost: CdrAmount | null;
  total_parking_cost: CdrAmount | null;
  total_reservation_cost: CdrAmount | null;
  /** kWh. */
  total_energy: string;
  /** Hours, charging and not charging. */
  total_time: string;
  /** Hours not charging; null when not sent. */
  total_parking_time: string | null;
  remark: string | null;
  invoice_reference_id: string | null;
  /** A credit CDR (2.2.1+) cancels the CDR credit_reference_id names; false when absent. */
  credit: boolean;
  credit_reference_id: string | null;
  home_charging_compensation: boolean;
  last_updated: string;
  /** What the mapper tolerated or assumed, in plain words. */
  notes?: string[];
}
