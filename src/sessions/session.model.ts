/**
 * The canonical Session: one shape for every OCPI version (mod_sessions 2.1.1 §3.1, 2.2.1 and 2.3.0 §Session object).
 * Version mappers (src/ocpi/<version>/sessions/) build it from a CPO's wire object; nothing else reads wire Sessions.
 * Numbers are decimal strings (money in major units of `currency`, energy in kWh), instants ISO-8601 UTC to the
 * millisecond.
 *
 * What differs between versions, and how it lands here:
 * - 2.1.1 names no owner (the connection's party owns it), spells its instants start_datetime / end_datetime, has
 *   `auth_id` instead of a CdrToken (cdr_token null), embeds the Location "including only the relevant EVSE and
 *   connector" (→ location_id / evse_uid / connector_id, and what pricing needs of it in `location`), total_cost is one
 *   number excluding VAT (after_taxes null: unknown), no authorization_reference, no tariff_id on charging periods,
 *   no RESERVATION status.
 * - 2.2.1: total_cost is a Price (excl_vat / incl_vat) → before_taxes / after_taxes.
 * - 2.3.0: total_cost is a Price (before_taxes + taxes[]): after_taxes is before_taxes plus the taxes' amounts.
 * A Session changes while it runs (PUT replaces it, PATCH changes fields and adds ChargingPeriods: mod_sessions 2.2.1
 * §Receiver interface); its final status is COMPLETED (or INVALID).
 */
import { ChargingPeriod } from '../tariffs/engine/charging-periods';

/**
 * SessionStatus (mod_sessions 2.1.1 §4.1: ACTIVE, COMPLETED, INVALID, PENDING; 2.2.1 and 2.3.0 add RESERVATION), plus
 * UNKNOWN for a value no version defines (kept as sent in `status_as_sent`; it is neither running nor finished).
 */
export type SessionStatus = 'ACTIVE' | 'COMPLETED' | 'INVALID' | 'PENDING' | 'RESERVATION' | 'UNKNOWN';

export const SESSION_STATUSES: readonly SessionStatus[] = ['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION', 'UNKNOWN'];

/** TaxAmount (types 2.3.0 §TaxAmount class). */
export interface SessionTax {
  name: string;
  account_number: string | null;
  percentage: string | null;
  amount: string;
}

/** The Session's total_cost: before taxes, after taxes (null when the version does not tell: 2.1.1), taxes (2.3.0). */
export interface SessionCost {
  before_taxes: string;
  after_taxes: string | null;
  /** 2.3.0: the taxes as sent; 2.2.1 and 2.1.1: null. */
  taxes: SessionTax[] | null;
}

/** CdrToken (mod_cdrs 2.2.1 §CdrToken class): the token that started the session. */
export interface SessionToken {
  country_code: string;
  party_id: string;
  uid: string;
  type: string;
  contract_id: string;
}

/** What we read of a 2.1.1 Session's embedded Location beyond its ids: what pricing needs when we hold no Location. */
export interface SessionLocationSnapshot {
  /** The connector's tariff_id (2.1.1 Connector), when given. */
  tariff_ids: string[];
  time_zone: string | null;
  /** GeoLocation as sent (decimal strings); null when absent or unreadable. */
  coordinates: { latitude: string; longitude: string } | null;
}

export type SessionChargingPeriod = ChargingPeriod;

/** The canonical Session. */
export interface CanonicalSession {
  country_code: string;
  party_id: string;
  id: string;
  /** When the session became ACTIVE (while PENDING: when it was created). 2.1.1 start_datetime. */
  start_date_time: string;
  /** When it ended; null while it runs. 2.1.1 end_datetime. */
  end_date_time: string | null;
  /** kWh charged so far. */
  kwh: string;
  /** CdrToken (2.2.1+); null in 2.1.1. */
  cdr_token: SessionToken | null;
  /** 2.1.1 auth_id; in 2.2.1+ the token's uid, so one field identifies the token in every version. */
  auth_id: string;
  /** AuthMethod, as sent. */
  auth_method: string;
  /** 2.2.1+; null in 2.1.1 or when absent. */
  authorization_reference: string | null;
  /** Location.id, EVSE.uid and Connector.id charged at ("#NA" allowed for a reservation without EVSE yet, 2.2.1+). */
  location_id: string;
  evse_uid: string;
  connector_id: string;
  /** 2.1.1 only: what the embedded Location says beyond its ids; null in 2.2.1+. */
  location: SessionLocationSnapshot | null;
  meter_id: string | null;
  /** ISO-4217 code. */
  currency: string;
  /** In start order; empty when none were sent. */
  charging_periods: SessionChargingPeriod[];
  /** null when omitted ("does not imply the session is/was free of charge"). */
  total_cost: SessionCost | null;
  status: SessionStatus;
  /** The status as the CPO wrote it (differs from `status` only for UNKNOWN). */
  status_as_sent: string;
  last_updated: string;
  /** What the mapper tolerated or assumed, in plain words. */
  notes?: string[];
}
