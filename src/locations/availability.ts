import type { OpeningState } from './opening-hours';

/** OpeningState, or why the CPO's opening_times could not be read (then the Location does not count as open). */
export type Opening = OpeningState | { open: false; reason: 'UNREADABLE_OPENING_TIMES'; changesAt: null; detail: string };

/** Why an EVSE cannot start a charge now; the EVSE Status values are mod_locations 2.2.1 §8.4.22 Status. */
export type NotFreeReason =
  | 'CHARGING'
  | 'BLOCKED'
  | 'RESERVED'
  | 'OUT_OF_ORDER'
  | 'INOPERATIVE'
  | 'PLANNED'
  | 'REMOVED'
  | 'UNKNOWN'
  | 'UNRECOGNISED_STATUS'
  | 'LOCATION_CLOSED'
  | 'OPENING_TIMES_UNREADABLE'
  | 'ABSENT';

export interface NotFree {
  reason: NotFreeReason;
  /** Plain English for logs and first versions of the app, e.g. "closed until 07:00 local time"; localise from `reason`. */
  message: string;
  /** When it changes, local time with offset in the Location's zone (only for LOCATION_CLOSED, when known). */
  until: string | null;
}

export interface Availability {
  /** Free now: status AVAILABLE at a Location open now by its opening_times (and not removed). */
  free: boolean;
  /** Why not, when not free. */
  not_free: NotFree | null;
}

const BY_STATUS: Record<string, { reason: NotFreeReason; message: string }> = {
  CHARGING: { reason: 'CHARGING', message: 'in use (charging)' },
  BLOCKED: { reason: 'BLOCKED', message: 'blocked (e.g. a car parked in front of it)' },
  RESERVED: { reason: 'RESERVED', message: 'reserved for another driver' },
  OUTOFORDER: { reason: 'OUT_OF_ORDER', message: 'out of order' },
  INOPERATIVE: { reason: 'INOPERATIVE', message: 'temporarily not in operation' },
  PLANNED: { reason: 'PLANNED', message: 'planned, not in operation yet' },
  REMOVED: { reason: 'REMOVED', message: 'removed' },
  UNKNOWN: { reason: 'UNKNOWN', message: 'status unknown (the charger may be offline)' },
};

/**
 * Is an EVSE free now, and if not, why. The EVSE's own status comes first (a broken charger stays broken when the
 * Location opens); an AVAILABLE EVSE at a closed Location is LOCATION_CLOSED, with the local time it opens again
 * when that is within the 7-day look-ahead of the opening hours.
 * @param status  the EVSE status as the CPO sent it (unknown values are reported as UNRECOGNISED_STATUS)
 * @param opening the Location's opening state now (see opening-hours.ts)
 * @param at      now, to say "until 07:00" for today and "until Mon 07:00" for a later day
 */
export function evseAvailability(status: string, opening: Opening, at: Date): Availability {
  if (status !== 'AVAILABLE') {
    const known = BY_STATUS[status] ?? { reason: 'UNRECOGNISED_STATUS', message: `status "${status}" is not an OCPI status we know` };
    return { free: false, not_free: { ...known, until: null } };
  }
  if (opening.open) return { free: true, not_free: null };
  if (opening.reason === 'UNREADABLE_OPENING_TIMES') {
    return { free: false, not_free: { reason: 'OPENING_TIMES_UNREADABLE', message: 'opening hours unknown (the operator sent unreadable hours)', until: null } };
  }
  const until = opening.changesAt;
  const why = opening.reason === 'EXCEPTIONAL_CLOSING' ? 'closed (exceptional closing)' : 'closed';
  return { free: false, not_free: { reason: 'LOCATION_CLOSED', message: until ? `${why} until ${localClock(until, at)} local time` : why, until } };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * "07:00" when `localIso` (a local time with offset, as OpeningState.changesAt) falls on the same local date as
 * `at` there, else "Mon 07:00" (within the 7-day look-ahead a weekday is unambiguous). String arithmetic on the
 * ISO form, no time-zone library: this runs for every closed EVSE of every search result. `at` is put on the wall
 * clock with the offset of `localIso`; a DST change in between shifts it by an hour, which can only matter for the
 * weekday prefix within an hour of midnight.
 */
function localClock(localIso: string, at: Date): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}).*([+-])(\d{2}):(\d{2})$/.exec(localIso);
  if (!m) return localIso;
  const offsetMs = (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5])) * 60_000;
  const today = new Date(at.getTime() + offsetMs).toISOString().slice(0, 10); // `at` on the same wall clock
  if (today === m[1]) return m[2];
  return `${WEEKDAYS[new Date(`${m[1]}T00:00:00Z`).getUTCDay()]} ${m[2]}`;
}

/**
 * An EVSE the CPO no longer lists (it, or its whole Location, is marked absent since `absentSince`): never free,
 * whatever its last known status said (issue 15, "never shown as free").
 */
export function absentAvailability(absentSince: string): Availability {
  return { free: false, not_free: { reason: 'ABSENT', message: `no longer listed by the operator since ${absentSince}`, until: null } };
}
