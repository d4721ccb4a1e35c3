import { Decimal } from 'decimal.js';
import { minorUnits } from '../tariffs/engine/money';
import { SessionCostSoFar } from './session-cost.service';
import { SessionStatus } from './session.model';
import { HeldSession, SessionFlagSettings } from './session.reader';

/**
 * Why a Session needs someone's attention, a closed set: STALE (ACTIVE or PENDING and not updated for
 * SESSION_STALE_MINUTES), CDR_OVERDUE (COMPLETED, no CDR SESSION_CDR_OVERDUE_HOURS after its end), NO_CDR_FREE_CHARGE
 * (the same, but the CPO stated a total_cost of 0: a free charge, for which a CPO may send no CDR at all).
 */
export type SessionFlagCode = 'STALE' | 'CDR_OVERDUE' | 'NO_CDR_FREE_CHARGE';

/** Whether we hold the Session's CDR: LINKED, NOT_YET, or NOT_POSSIBLE (OCPI 2.1.1: its CDRs name no session). */
export type SessionCdrLink = 'LINKED' | 'NOT_YET' | 'NOT_POSSIBLE';

/** One Session as the app shows it while following a charge (and after). Money: decimal strings, major units of `currency`. */
export interface SessionView {
  /** Our id (uuid): GET /api/v1/sessions/{id}. */
  id: string;
  /** The CPO's Session.id, with its party. */
  session_id: string;
  country_code: string;
  party_id: string;
  ocpi_version: string;
  status: SessionStatus;
  /** The status as the CPO wrote it (differs for UNKNOWN). */
  status_as_sent: string;
  start_date_time: string;
  end_date_time: string | null;
  /** Seconds from start to end, or to now while it has not ended. */
  duration_s: number;
  /** kWh charged so far, as the CPO states it. */
  energy_kwh: string;
  /** Where: the CPO's ids, and ours when we hold that Location and connector (for GET /api/v1/locations/{id}). */
  location: { location_id: string; evse_uid: string; connector_id: string; our_location_id: string | null; our_connector_id: string | null };
  /** The token: uid (2.2.1+; null in 2.1.1), contract id (2.2.1+ contract_id; 2.1.1 auth_id), type (2.2.1+). */
  token: { uid: string | null; contract_id: string; type: string | null; auth_method: string; authorization_reference: string | null };
  charging_periods: number;
  currency: string;
  /** The CPO's total_cost so far; null when it gives none (which does not mean free). after_taxes null when not told (2.1.1). */
  cpo_cost: { before_taxes: string; after_taxes: string | null } | null;
  /** Our own cost so far from the tariff engine over the ChargingPeriods received. */
  our_cost: SessionCostSoFar;
  /** Ours − the CPO's, per side, when both are known. */
  difference: { before_taxes: string | null; after_taxes: string | null } | null;
  /** The CPO's last_updated, and how old it is now. */
  last_updated: string;
  last_update_age_s: number;
  flags: Array<{ code: SessionFlagCode; message: string }>;
  cdr_link: SessionCdrLink;
  /** The CDR that closed it (our id for GET /api/v1/finance/cdrs/{id}, and the OCPI id), once we hold both. */
  cdr: { id: string; cdr_id: string } | null;
  notes: string[];
  evaluated_at: string;
}

/** The view of a held Session at `now`, with our cost so far and our ids of its connector. */
export function toSessionView(
  held: HeldSession,
  cost: SessionCostSoFar,
  ours: { location_id: string; connector_id: string } | null,
  now: Date,
  settings: SessionFlagSettings,
): SessionView {
  const s = held.session;
  const minor = minorUnits(s.currency);
  const money = (v: string | null) => (v === null ? null : new Decimal(v).toFixed(minor));
  const cpo = s.total_cost ? { before_taxes: money(s.total_cost.before_taxes)!, after_taxes: money(s.total_cost.after_taxes) } : null;
  const diff = (a: string | null, b: string | null) => (a === null || b === null ? null : new Decimal(a).minus(b).toFixed(minor));
  const until = s.end_date_time ? Date.parse(s.end_date_time) : now.getTime();
  return {
    id: held.id,
    session_id: s.id,
    country_code: s.country_code,
    party_id: s.party_id,
    ocpi_version: held.ocpi_version,
    status: s.status,
    status_as_sent: s.status_as_sent,
    start_date_time: s.start_date_time,
    end_date_time: s.end_date_time,
    duration_s: Math.max(0, Math.floor((until - Date.parse(s.start_date_time)) / 1000)),
    energy_kwh: s.kwh,
    location: {
      location_id: s.location_id,
      evse_uid: s.evse_uid,
      connector_id: s.connector_id,
      our_location_id: ours?.location_id ?? null,
      our_connector_id: ours?.connector_id ?? null,
    },
    token: {
      uid: s.cdr_token?.uid ?? null,
      contract_id: s.cdr_token?.contract_id ?? s.auth_id,
      type: s.cdr_token?.type ?? null,
      auth_method: s.auth_method,
      authorization_reference: s.authorization_reference,
    },
    charging_periods: s.charging_periods.length,
    currency: s.currency,
    cpo_cost: cpo,
    our_cost: cost,
    difference: cpo ? { before_taxes: diff(cost.before_taxes, cpo.before_taxes), after_taxes: diff(cost.after_taxes, cpo.after_taxes) } : null,
    last_updated: s.last_updated,
    last_update_age_s: Math.max(0, Math.floor((now.getTime() - Date.parse(s.last_updated)) / 1000)),
    flags: flagsOf(held, now, settings),
    cdr_link: held.cdr ? 'LINKED' : held.ocpi_version === '2.1.1' ? 'NOT_POSSIBLE' : 'NOT_YET',
    cdr: held.cdr,
    notes: s.notes ?? [],
    evaluated_at: now.toISOString(),
  };
}

function flagsOf(held: HeldSession, now: Date, settings: SessionFlagSettings): SessionView['flags'] {
  const s = held.session;
  const flags: SessionView['flags'] = [];
  if (held.stale) {
    const age = Math.floor((now.getTime() - Date.parse(s.last_updated)) / 60_000);
    flags.push({
      code: 'STALE',
      message: `${s.status} and not updated for ${age} minutes (SESSION_STALE_MINUTES: ${settings.staleMinutes}): the CPO may have lost the session or stopped sending its updates`,
    });
  }
  if (held.cdr_missing) {
    const free = s.total_cost !== null && new Decimal(s.total_cost.before_taxes).isZero();
    const hours = Math.floor((now.getTime() - Date.parse(s.end_date_time ?? s.last_updated)) / 3_600_000);
    flags.push(
      free
        ? { code: 'NO_CDR_FREE_CHARGE', message: `completed ${hours} hours ago with a total_cost of 0 and no CDR: a free charge, for which the CPO may send no CDR` }
        : {
            code: 'CDR_OVERDUE',
            message: `completed ${hours} hours ago and we hold no CDR of it (SESSION_CDR_OVERDUE_HOURS: ${settings.cdrOverdueHours}): the CDR may be lost; ask the CPO`,
          },
    );
  }
  return flags;
}
