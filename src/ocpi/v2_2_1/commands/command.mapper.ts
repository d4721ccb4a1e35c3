import { COMMAND_RESPONSE_TYPES, COMMAND_RESULT_TYPES, CommandRequest, CommandResponse, CommandResult, WireReading } from '../../adapter/command-wire';
import { ocpiTimestamp } from '../../wire/ocpi-response';
import { serialiseToken221 } from '../tokens/token.mapper';

type Owner = { country_code: string; party_id: string };
type TokenSerialiser = (token: Parameters<typeof serialiseToken221>[0], owner: Owner) => unknown;

/**
 * The body of POST {commands_endpoint_url}/{command} in 2.2.1 (mod_commands 2.2.1 §StartSession, §StopSession,
 * §ReserveNow, §CancelReservation, §UnlockConnector Object), `response_url` where the CommandResult is to be posted.
 * 2.3.0 has the same objects with its own Token (`serialiseToken`).
 */
export function serialiseCommand221(request: CommandRequest, responseUrl: string, owner: Owner, serialiseToken: TokenSerialiser = serialiseToken221): Record<string, unknown> {
  const optional = (name: string, value: string | null) => (value !== null ? { [name]: value } : {});
  switch (request.command) {
    case 'START_SESSION':
      return {
        response_url: responseUrl,
        token: serialiseToken(request.token, owner),
        location_id: request.location_id,
        ...optional('evse_uid', request.evse_uid),
        ...optional('connector_id', request.connector_id),
        ...optional('authorization_reference', request.authorization_reference),
      };
    case 'STOP_SESSION':
      return { response_url: responseUrl, session_id: request.session_id };
    case 'RESERVE_NOW':
      return {
        response_url: responseUrl,
        token: serialiseToken(request.token, owner),
        expiry_date: ocpiTimestamp(new Date(request.expiry_date)),
        reservation_id: request.reservation_id,
        location_id: request.location_id,
        ...optional('evse_uid', request.evse_uid),
        ...optional('authorization_reference', request.authorization_reference),
      };
    case 'CANCEL_RESERVATION':
      return { response_url: responseUrl, reservation_id: request.reservation_id };
    case 'UNLOCK_CONNECTOR':
      return { response_url: responseUrl, location_id: request.location_id, evse_uid: request.evse_uid, connector_id: request.connector_id };
  }
}

function record(raw: unknown): Record<string, unknown> | null {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
}

/** CommandResponse (mod_commands 2.2.1 §CommandResponse Object): result, timeout (int, seconds), message. */
export function readCommandResponse221(raw: unknown): WireReading<CommandResponse> {
  const body = record(raw);
  if (!body) return { ok: false, reason: 'CommandResponse is not an object' };
  const result = body.result;
  if (!(COMMAND_RESPONSE_TYPES as readonly unknown[]).includes(result)) return { ok: false, reason: `result must be one of ${COMMAND_RESPONSE_TYPES.join(', ')}` };
  // Required in 2.2+, but a CPO that leaves it out still answered: our default timeout applies then.
  const timeout = body.timeout;
  if (timeout !== undefined && timeout !== null && !(Number.isInteger(timeout) && (timeout as number) >= 0))
    return { ok: false, reason: 'timeout must be a whole number of seconds' };
  return { ok: true, value: { result: result as CommandResponse['result'], timeout: typeof timeout === 'number' ? timeout : null, message: body.message ?? null } };
}

/** CommandResult (mod_commands 2.2.1 §CommandResult Object): result, message. */
export function readCommandResult221(raw: unknown): WireReading<CommandResult> {
  const body = record(raw);
  if (!body) return { ok: false, reason: 'CommandResult is not an object' };
  const result = body.result;
  // UNKNOWN_SESSION is a CommandResponseType, not a CommandResultType, in 2.2+.
  if (!(COMMAND_RESULT_TYPES as readonly unknown[]).includes(result) || result === 'UNKNOWN_SESSION') {
    return { ok: false, reason: `result must be one of ${COMMAND_RESULT_TYPES.filter((t) => t !== 'UNKNOWN_SESSION').join(', ')}` };
  }
  return { ok: true, value: { result: result as CommandResult['result'], message: body.message ?? null } };
}
