/**
 * The Commands module's objects (mod_commands 2.2.1 / 2.3.0, 2.1.1), version-neutral: what we send a CPO's Commands
 * Receiver and what it answers and posts back. Each version's shapes live in its adapter (ocpi/v2_x/commands); the
 * commands domain (src/commands) keeps and follows them.
 */
import { CanonicalToken } from '../../tokens/token.model';

/** CommandType (mod_commands 2.2.1 §CommandType; 2.1.1 §4.2 has no CANCEL_RESERVATION). */
export const COMMAND_TYPES = ['CANCEL_RESERVATION', 'RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR'] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** CommandResponseType (mod_commands 2.2.1 §CommandResponseType): the CPO's immediate answer. */
export const COMMAND_RESPONSE_TYPES = ['ACCEPTED', 'NOT_SUPPORTED', 'REJECTED', 'UNKNOWN_SESSION'] as const;
export type CommandResponseType = (typeof COMMAND_RESPONSE_TYPES)[number];

/**
 * CommandResultType (mod_commands 2.2.1 §CommandResultType): the Charge Point's answer, posted later to our
 * response_url. 2.1.1 posts a CommandResponse there (§2.2.1), whose UNKNOWN_SESSION is kept as such.
 */
export const COMMAND_RESULT_TYPES = [
  'ACCEPTED',
  'CANCELED_RESERVATION',
  'EVSE_INOPERATIVE',
  'EVSE_OCCUPIED',
  'FAILED',
  'NOT_SUPPORTED',
  'REJECTED',
  'TIMEOUT',
  'UNKNOWN_RESERVATION',
  'UNKNOWN_SESSION',
] as const;
export type CommandResultType = (typeof COMMAND_RESULT_TYPES)[number];

/** A command as we send it, version-neutral; the token is ours (whole), authorization_reference 2.2+ only. */
export type CommandRequest =
  | {
      command: 'START_SESSION';
      token: CanonicalToken;
      location_id: string;
      evse_uid: string | null;
      connector_id: string | null;
      authorization_reference: string | null;
    }
  | { command: 'STOP_SESSION'; session_id: string }
  | {
      command: 'RESERVE_NOW';
      token: CanonicalToken;
      /** ISO-8601 UTC. */
      expiry_date: string;
      reservation_id: string;
      location_id: string;
      evse_uid: string | null;
      authorization_reference: string | null;
    }
  | { command: 'CANCEL_RESERVATION'; reservation_id: string }
  | { command: 'UNLOCK_CONNECTOR'; location_id: string; evse_uid: string; connector_id: string };

/** The CPO's immediate CommandResponse, version-neutral (2.1.1: no timeout, null). */
export interface CommandResponse {
  result: CommandResponseType | 'TIMEOUT';
  /** Seconds within which the CommandResult should come (2.2+); null when the version or the CPO gives none. */
  timeout: number | null;
  /** DisplayText list as sent, or null. */
  message: unknown;
}

/** The asynchronous CommandResult, version-neutral. */
export interface CommandResult {
  result: CommandResultType;
  message: unknown;
}

/** A reading of something a CPO sent: the value, or why it is malformed (in words, naming the field). */
export type WireReading<T> = { ok: true; value: T } | { ok: false; reason: string };
