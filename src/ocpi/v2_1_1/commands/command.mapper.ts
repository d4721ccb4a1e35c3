import { CommandRequest, CommandResponse, CommandResult, WireReading } from '../../adapter/command-wire';
import { ocpiTimestamp } from '../../wire/ocpi-response';
import { serialiseToken211 } from '../tokens/token.mapper';

/** mod_commands 2.1.1 §4.1 CommandResponseType: also the type of the asynchronous result (§2.2.1 Request Body). */
const RESPONSE_TYPES_211 = ['ACCEPTED', 'NOT_SUPPORTED', 'REJECTED', 'TIMEOUT', 'UNKNOWN_SESSION'] as const;

/**
 * Why 2.1.1 cannot carry `request`, or null: no CANCEL_RESERVATION (§4.2), and ReserveNow.reservation_id is an int
 * (§3.2).
 */
export function refuseCommand211(request: CommandRequest): string | null {
  if (request.command === 'CANCEL_RESERVATION') return 'OCPI 2.1.1 has no CANCEL_RESERVATION command (mod_commands 2.1.1 §4.2)';
  if (request.command === 'RESERVE_NOW' && !/^\d{1,9}$/.test(request.reservation_id)) return 'reservation_id must be a whole number in OCPI 2.1.1 (mod_commands 2.1.1 §3.2: int)';
  return null;
}

/**
 * The body of POST {commands}/{command} in 2.1.1 (mod_commands 2.1.1 §3.2–3.5): no authorization_reference or
 * connector_id on StartSession, reservation_id an int, the 2.1.1 Token. Call refuseCommand211 first.
 */
export function serialiseCommand211(request: CommandRequest, responseUrl: string): Record<string, unknown> {
  switch (request.command) {
    case 'START_SESSION':
      return {
        response_url: responseUrl,
        token: serialiseToken211(request.token),
        location_id: request.location_id,
        ...(request.evse_uid !== null ? { evse_uid: request.evse_uid } : {}),
      };
    case 'STOP_SESSION':
      return { response_url: responseUrl, session_id: request.session_id };
    case 'RESERVE_NOW':
      return {
        response_url: responseUrl,
        token: serialiseToken211(request.token),
        expiry_date: ocpiTimestamp(new Date(request.expiry_date)),
        // mod_commands 2.1.1 §3.2: reservation_id is an int there (checked whole before sending); an id, not an amount.
        reservation_id: Number(request.reservation_id),
        location_id: request.location_id,
        ...(request.evse_uid !== null ? { evse_uid: request.evse_uid } : {}),
      };
    case 'CANCEL_RESERVATION':
      throw new Error('OCPI 2.1.1 has no CANCEL_RESERVATION');
    case 'UNLOCK_CONNECTOR':
      return { response_url: responseUrl, location_id: request.location_id, evse_uid: request.evse_uid, connector_id: request.connector_id };
  }
}

function resultOf(raw: unknown): (typeof RESPONSE_TYPES_211)[number] | null {
  const result = typeof raw === 'object' && raw !== null ? (raw as { result?: unknown }).result : undefined;
  return (RESPONSE_TYPES_211 as readonly unknown[]).includes(result) ? (result as (typeof RESPONSE_TYPES_211)[number]) : null;
}

/** CommandResponse 2.1.1 (§3.1): result only; no timeout (our default applies). */
export function readCommandResponse211(raw: unknown): WireReading<CommandResponse> {
  const result = resultOf(raw);
  if (!result) return { ok: false, reason: `result must be one of ${RESPONSE_TYPES_211.join(', ')}` };
  return { ok: true, value: { result, timeout: null, message: null } };
}

/** The asynchronous result in 2.1.1 is a CommandResponse too (§2.2.1 Request Body). */
export function readCommandResult211(raw: unknown): WireReading<CommandResult> {
  const result = resultOf(raw);
  if (!result) return { ok: false, reason: `result must be one of ${RESPONSE_TYPES_211.join(', ')}` };
  return { ok: true, value: { result, message: null } };
}
