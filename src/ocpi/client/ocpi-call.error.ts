import { ReceivedOcpiStatusCode } from '../wire/ocpi-status';

/**
 * Why a call to a CPO failed, classified so operations know whose move it is
 * (transport_and_format 2.2.1 §Response format, status_codes 2.2.1).
 */
export type OcpiFailureKind =
  | 'TRANSPORT' // timeout, connection refused, DNS, TLS: nothing usable came back
  | 'HTTP_STATUS' // an HTTP error or redirect status (401, 404, 5xx …)
  | 'OCPI_STATUS' // HTTP fine but the envelope's status_code is not 1xxx (2xxx client, 3xxx server, 4xxx hub error)
  | 'UNPARSEABLE' // the body is not JSON or not an OCPI envelope
  | 'SCHEMA_VIOLATION' // a valid envelope whose data has the wrong shape (e.g. no list from a list endpoint)
  | 'PAGINATION' // the CPO's pages do not add up (a loop, a Link that never ends, a shrinking total, a Link to another origin)
  | 'RESPONSE_TOO_LARGE' // the answer is larger than OCPI_MAX_RESPONSE_BYTES: not read, not retried
  | 'CIRCUIT_OPEN'; // not sent: calls to this CPO are paused (it kept failing, or asked us to wait with Retry-After)

/** For TRANSPORT failures: what broke. */
export type TransportCause = 'TIMEOUT' | 'REFUSED' | 'TLS' | 'DNS' | 'RESET' | 'CANCELLED' | 'OTHER';

export interface OcpiCallDetails {
  method: string;
  url: string;
  httpStatus?: number;
  ocpiStatus?: ReceivedOcpiStatusCode;
  /** Whole call including retries, in milliseconds. */
  durationMs?: number;
  /** X-Request-ID of the last attempt (2.2+), X-Correlation-ID of the call. */
  requestId?: string;
  correlationId?: string;
  /** HTTP attempts made (1 + retries). */
  attempts?: number;
  transportCause?: TransportCause;
  /** The Retry-After of a 429 or 503 answer, in ms from when it came (seconds or HTTP-date, RFC 9110 §10.2.3). */
  retryAfterMs?: number;
}

export class OcpiCallError extends Error {
  constructor(
    readonly kind: OcpiFailureKind,
    /** One line in plain words: what went wrong and what to do. */
    readonly explanation: string,
    readonly details: OcpiCallDetails,
    /**
     * The body the CPO answered, when it answered one: an error envelope may still carry data (e.g. credentials after
     * a failed PUT). Kept apart from `details`, which is logged: a body may hold a credentials token.
     */
    readonly responseBody?: string,
  ) {
    super(`${details.method} ${details.url}: ${explanation}`);
  }
}
