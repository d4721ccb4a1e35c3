/**
 * Why a call to a CPO failed, classified so operations know whose move it is
 * (transport_and_format 2.2.1 §Response format, status_codes 2.2.1).
 */
export type OcpiFailureKind =
  | 'TRANSPORT' // timeout, connection refused, DNS, TLS: nothing usable came back
  | 'HTTP_STATUS' // an HTTP error status (401, 404, 5xx …)
  | 'OCPI_STATUS' // HTTP fine but the envelope's status_code is not 1xxx
  | 'UNPARSEABLE' // the body is not JSON or not an OCPI envelope
  | 'PAGINATION'; // the CPO's pages do not add up (a loop, a Link that never ends)

export class OcpiCallError extends Error {
  constructor(
    readonly kind: OcpiFailureKind,
    /** One line in plain words: what went wrong and what to do. */
    readonly explanation: string,
    readonly details: { method: string; url: string; httpStatus?: number; ocpiStatus?: number; durationMs?: number },
  ) {
    super(`${details.method} ${details.url}: ${explanation}`);
  }
}
