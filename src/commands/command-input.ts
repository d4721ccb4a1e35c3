import { TOKEN_TYPES, TokenType } from '../tokens/token.model';
import { COMMAND_TYPES, CommandType } from '../ocpi/adapter/command-wire';

/** What the app asked for, read: every field checked, each problem naming its field. */
export type CommandInput =
  | { command: 'START_SESSION'; connection_id: string; token: TokenRef; location_id: string; evse_uid: string | null; connector_id: string | null }
  | { command: 'STOP_SESSION'; connection_id: string; session_id: string }
  | {
      command: 'RESERVE_NOW';
      connection_id: string;
      token: TokenRef;
      expiry_date: string;
      reservation_id: string;
      location_id: string;
      evse_uid: string | null;
    }
  | { command: 'CANCEL_RESERVATION'; connection_id: string; reservation_id: string }
  | { command: 'UNLOCK_CONNECTOR'; connection_id: string; location_id: string; evse_uid: string; connector_id: string };

/** One of our Tokens, by type and uid. */
export interface TokenRef {
  type: TokenType;
  uid: string;
}

export type CommandInputReading = { ok: true; value: CommandInput } | { ok: false; errors: string[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The command in the path: one of COMMAND_TYPES, or null. */
export function readCommandType(value: string): CommandType | null {
  return (COMMAND_TYPES as readonly string[]).includes(value) ? (value as CommandType) : null;
}

/**
 * Reads the body of POST /api/v1/commands/{command}. Ids are CiString(36) (mod_commands 2.2.1 §…Object; 2.1.1 allows
 * 39 for location and EVSE ids, we take the stricter 36 so one request fits every version), printable ASCII.
 */
export function readCommandInput(command: CommandType, raw: unknown): CommandInputReading {
  const body = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (!body) return { ok: false, errors: ['body must be a JSON object'] };
  const errors: string[] = [];
  const id = (field: string, required: boolean): string | null => {
    const v = body[field];
    if (v === undefined || v === null) {
      if (required) errors.push(`${field} is required`);
      return null;
    }
    if (typeof v !== 'string' || v.length < 1 || v.length > 36 || !/^[\x20-\x7e]+$/.test(v)) {
      errors.push(`${field} must be 1 to 36 printable ASCII characters`);
      return null;
    }
    return v;
  };
  const connection_id = body.connection_id;
  if (typeof connection_id !== 'string' || !UUID.test(connection_id)) errors.push('connection_id must be the id (UUID) of a CPO connection');
  const token = (): TokenRef | null => {
    const t = body.token;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      errors.push('token is required: { type, uid } of one of our Tokens');
      return null;
    }
    const { type, uid } = t as Record<string, unknown>;
    let ok = true;
    if (!(TOKEN_TYPES as readonly unknown[]).includes(type)) {
      errors.push(`token.type must be one of ${TOKEN_TYPES.join(', ')}`);
      ok = false;
    }
    if (typeof uid !== 'string' || uid.length < 1 || uid.length > 36) {
      errors.push('token.uid must be 1 to 36 characters');
      ok = false;
    }
    return ok ? { type: type as TokenType, uid: uid as string } : null;
  };
  const conn = connection_id as string;
  let value: CommandInput | null = null;
  switch (command) {
    case 'START_SESSION': {
      const t = token();
      const location_id = id('location_id', true);
      const evse_uid = id('evse_uid', false);
      const connector_id = id('connector_id', false);
      // mod_commands 2.2.1 §StartSession: evse_uid "Required when connector_id is set".
      if (connector_id !== null && evse_uid === null) errors.push('evse_uid is required when connector_id is given');
      if (t && location_id) value = { command, connection_id: conn, token: t, location_id, evse_uid, connector_id };
      break;
    }
    case 'STOP_SESSION': {
      const session_id = id('session_id', true);
      if (session_id) value = { command, connection_id: conn, session_id };
      break;
    }
    case 'RESERVE_NOW': {
      const t = token();
      const location_id = id('location_id', true);
      const evse_uid = id('evse_uid', false);
      const reservation_id = id('reservation_id', true);
      const expiry = body.expiry_date;
      const expiryMs = typeof expiry === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(expiry) ? Date.parse(expiry) : NaN;
      if (Number.isNaN(expiryMs)) errors.push('expiry_date must be an ISO-8601 date-time with a zone, e.g. 2026-01-01T12:00:00Z');
      else if (expiryMs <= Date.now()) errors.push('expiry_date must be in the future');
      if (t && location_id && reservation_id && !Number.isNaN(expiryMs)) {
        value = { command, connection_id: conn, token: t, expiry_date: new Date(expiryMs).toISOString(), reservation_id, location_id, evse_uid };
      }
      break;
    }
    case 'CANCEL_RESERVATION': {
      const reservation_id = id('reservation_id', true);
      if (reservation_id) value = { command, connection_id: conn, reservation_id };
      break;
    }
    case 'UNLOCK_CONNECTOR': {
      const location_id = id('location_id', true);
      const evse_uid = id('evse_uid', true);
      const connector_id = id('connector_id', true);
      if (location_id && evse_uid && connector_id) value = { command, connection_id: conn, location_id, evse_uid, connector_id };
      break;
    }
  }
  if (errors.length > 0 || !value) return { ok: false, errors };
  return { ok: true, value };
}
