import { assertNever } from '../common/assert-never';

/** Every kind a call-log entry can have (OcpiFailureKind, plus NOT_CALLED: a call we needed but could not make). */
export const CALL_LOG_KINDS = [
  'TRANSPORT',
  'HTTP_STATUS',
  'OCPI_STATUS',
  'UNPARSEABLE',
  'SCHEMA_VIOLATION',
  'PAGINATION',
  'RESPONSE_TOO_LARGE',
  'CIRCUIT_OPEN',
  'NOT_CALLED',
] as const;
export type CallLogKind = (typeof CALL_LOG_KINDS)[number];

/**
 * Whose move it is: CPO (its server, its data or its request must change), OURS (our service or our settings for this
 * CPO), NETWORK (nothing came back: the CPO's host or the way to it), EITHER (one side is wrong, the entry alone does
 * not say which: read the bodies).
 */
export type CallLogSide = 'CPO' | 'OURS' | 'NETWORK' | 'EITHER';

/** What an entry means for operations beyond its one-line explanation: whose side, and what to do next. */
export interface CallLogReading {
  side: CallLogSide;
  next_step: string;
}

/** The fields of an entry its reading depends on. */
export interface ReadableEntry {
  direction: 'OUTGOING' | 'INCOMING';
  kind: string;
  http_status: number | null;
  ocpi_status: number | null;
}

function isKind(kind: string): kind is CallLogKind {
  return (CALL_LOG_KINDS as readonly string[]).includes(kind);
}

/**
 * Whose side an entry is on and the next step, from its direction, kind and statuses (status_codes 2.2.1: 2xxx client
 * errors, 3xxx server errors; HTTP 4xx / 5xx likewise). The explanation stored with the entry says what went wrong.
 */
export function readCallLogEntry(entry: ReadableEntry): CallLogReading {
  if (entry.direction === 'INCOMING') return readIncoming(entry);
  if (!isKind(entry.kind)) return { side: 'EITHER', next_step: 'Read the bodies below: this kind of failure is not one the console knows.' };
  const http = entry.http_status ?? 0;
  switch (entry.kind) {
    case 'TRANSPORT':
      return {
        side: 'NETWORK',
        next_step: "Check that the CPO's URL (see its endpoints) is right and reachable from us; if it is, ask the CPO whether its server is up. The next pull tries again.",
      };
    case 'HTTP_STATUS':
      if (http === 401 || http === 403) {
        return {
          side: 'EITHER',
          next_step:
            'The CPO refused our token. Open the connection: if it needs attention (no token works), rotate the credentials, or ask the CPO for a new token A and register again.',
        };
      }
      if (http === 404) return { side: 'EITHER', next_step: "Rediscover the CPO's endpoints (connection page); if they did not change, ask the CPO about the URL." };
      if (http === 429) return { side: 'OURS', next_step: 'We call this CPO too often for its limits: set a longer interval for this module on the connection page.' };
      if (http >= 500 || (http >= 300 && http < 400)) return { side: 'CPO', next_step: 'Tell the CPO (give it the request id and time); the next pull tries again.' };
      return { side: 'EITHER', next_step: "Read the CPO's answer below; if our request follows the spec, tell the CPO what it answered." };
    case 'OCPI_STATUS':
      if (entry.ocpi_status !== null && entry.ocpi_status >= 2000 && entry.ocpi_status < 3000) {
        return { side: 'EITHER', next_step: 'The CPO refused our request (an OCPI client error): read its status message below; if our request follows the spec, tell the CPO.' };
      }
      if (entry.ocpi_status === 3001) {
        // 3001 "Unable to use the client's API": the CPO could not call us back (our versions URL, our token, or its network).
        return {
          side: 'EITHER',
          next_step:
            "The CPO could not call us back: check that PUBLIC_URL/ocpi/emsp/versions is reachable from the CPO's network and answers; if it is, ask the CPO what failed (its status message is below).",
        };
      }
      return { side: 'CPO', next_step: 'The CPO reported an error on its side: tell it (give it the request id and time) if it persists; the next pull tries again.' };
    case 'UNPARSEABLE':
    case 'SCHEMA_VIOLATION':
    case 'PAGINATION':
      return { side: 'CPO', next_step: 'The CPO answered something OCPI does not allow (see the response body): tell the CPO, with this entry.' };
    case 'RESPONSE_TOO_LARGE':
      return { side: 'EITHER', next_step: 'Ask the CPO for smaller pages, lower OCPI_PAGE_LIMIT, or raise OCPI_MAX_RESPONSE_BYTES.' };
    case 'CIRCUIT_OPEN':
      return {
        side: 'CPO',
        next_step: 'Nothing was sent: the CPO kept failing (or asked us to wait). See its earlier entries; once it is back, reset the circuit on the connection page.',
      };
    case 'NOT_CALLED':
      return {
        side: 'OURS',
        next_step: 'The CPO offers no Sender interface for this module: set the module to RECEIVE on the connection page, or ask the CPO to push its changes.',
      };
    default:
      return assertNever(entry.kind, 'call-log kind');
  }
}

function readIncoming(entry: ReadableEntry): CallLogReading {
  const http = entry.http_status ?? 0;
  if (http >= 500 || (entry.ocpi_status !== null && entry.ocpi_status >= 3000)) {
    return { side: 'OURS', next_step: "We failed the CPO's call: find this request id in our logs. The CPO should send it again (we stored nothing)." };
  }
  if (http === 401) return { side: 'CPO', next_step: 'The CPO must call us with the token we gave it; if it lost it, rotate the credentials or register it again.' };
  return { side: 'CPO', next_step: "The CPO's request did not follow the spec: tell the CPO what we answered (response body below)." };
}
