/**
 * The OCPI response envelope and its status codes (transport_and_format 2.2.1 §Response format,
 * status_codes 2.2.1), and writing it to a node:http response.
 */
import type { ServerResponse } from 'node:http';
import { formatOcpiDateTime } from './ocpi-datetime';
import type { OcpiResponse } from './ocpi-types';

/** status_codes 2.2.1 §1xxx/§2xxx/§3xxx: the codes the simulator answers with. */
export const OcpiStatus = {
  SUCCESS: 1000,
  CLIENT_ERROR: 2000,
  INVALID_PARAMETERS: 2001,
  NOT_ENOUGH_INFORMATION: 2002,
  UNKNOWN_LOCATION: 2003,
  SERVER_ERROR: 3000,
  UNABLE_TO_USE_CLIENT_API: 3001,
  UNSUPPORTED_VERSION: 3002,
  NO_MATCHING_ENDPOINTS: 3003,
} as const;

/**
 * Builds an envelope. Takes the OCPI status code, optional data and message; returns
 * `{ data?, status_code, status_message?, timestamp }` with `timestamp` = now in UTC. `data` is
 * left out when undefined (§Response format advises leaving it unset when unspecified).
 */
export function ocpiEnvelope<T>(statusCode: number, data?: T, statusMessage?: string): OcpiResponse<T> {
  return {
    ...(data !== undefined ? { data } : {}),
    status_code: statusCode,
    ...(statusMessage !== undefined ? { status_message: statusMessage } : {}),
    timestamp: formatOcpiDateTime(new Date()),
  };
}

/** One HTTP answer: HTTP status, envelope, extra headers (pagination, routing). */
export interface OcpiReply {
  httpStatus: number;
  body: OcpiResponse;
  headers?: Record<string, string>;
}

/** A 2xx/1000 reply carrying `data`. */
export function ok(data?: unknown, headers?: Record<string, string>): OcpiReply {
  return { httpStatus: 200, body: ocpiEnvelope(OcpiStatus.SUCCESS, data, 'Success'), headers };
}

/** An error reply: HTTP status + OCPI status code + message, no `data`. */
export function fail(httpStatus: number, statusCode: number, message: string): OcpiReply {
  return { httpStatus, body: ocpiEnvelope(statusCode, undefined, message) };
}

/** Writes a reply as `application/json`, adding `baseHeaders` (request ids) and the reply's own. */
export function writeReply(res: ServerResponse, reply: OcpiReply, baseHeaders: Record<string, string>): void {
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.httpStatus, {
    ...baseHeaders,
    ...(reply.headers ?? {}),
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload).toString(),
  });
  res.end(payload);
}
