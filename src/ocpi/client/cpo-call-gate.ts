import { assertNever } from '../../common/assert-never';
import { OcpiCallError } from './ocpi-call.error';

/**
 * What one call told us about the CPO's health (closed set; see {@link healthOf}):
 * - ANSWERED: the CPO's server answered (a success, or an error that is ours or a business one: 4xx, OCPI 2xxx …);
 * - UNWELL: it did not answer usefully (timeout, refused, reset, 5xx, 429, OCPI 3000);
 * - OURS: we broke the call off ourselves (the service is stopping): says nothing about the CPO.
 */
export type CallHealth = 'ANSWERED' | 'UNWELL' | 'OURS';

/** A call the gate let through: `probe` when it is the one call that tests a HALF_OPEN circuit. */
export interface CallAdmission {
  connectionId: string;
  probe: boolean;
}

/** How a call ended, for the gate: its health, and for a failure the one line the CPO's circuit shows. */
export interface CallSettlement {
  health: CallHealth;
  /** `<kind>: <explanation>` of the failure; null for an answer. */
  failure: string | null;
  /** The Retry-After of a 429 or 503 answer, ms from now (already read by the client); null when none. */
  retryAfterMs: number | null;
}

/**
 * The port through which the OCPI client asks, before each call to a CPO's connection, whether it may call now (a
 * circuit breaker shared by every instance, implemented by the connections domain), and reports how the call ended.
 * Implementations never throw into the call: when they cannot decide (database unreachable) they let it through.
 */
export interface CpoCallGate {
  /**
   * @param probeLeaseMs how long one call may last at most (all attempts): a probe claim older than that is void.
   * @returns the admission, or the refusal in one line of plain words (calls paused until when, why, what to do).
   */
  admit(connectionId: string, probeLeaseMs: number): Promise<CallAdmission | { refused: string }>;
  /** Records how an admitted call ended (never throws). */
  settle(admission: CallAdmission, settlement: CallSettlement): Promise<void>;
}

/** Injection token of the CpoCallGate. */
export const CPO_CALL_GATE = Symbol('CPO_CALL_GATE');

/**
 * Whether a failed call means the CPO is unwell. Decided on the closed set of failure kinds: a CPO that answers,
 * even with an error that is ours (401, 404, a bad page), is reachable and keeps its circuit closed.
 */
export function healthOf(error: OcpiCallError): CallHealth {
  const { httpStatus, ocpiStatus, transportCause } = error.details;
  switch (error.kind) {
    case 'TRANSPORT':
      return transportCause === 'CANCELLED' ? 'OURS' : 'UNWELL';
    case 'HTTP_STATUS':
      return httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429) ? 'UNWELL' : 'ANSWERED';
    case 'OCPI_STATUS':
      // status_codes 2.2.1 §3xxx: 3000 is the CPO's generic server error; 3001–3003 and 2xxx are about the exchange.
      return ocpiStatus === 3000 ? 'UNWELL' : 'ANSWERED';
    case 'UNPARSEABLE':
    case 'SCHEMA_VIOLATION':
    case 'PAGINATION':
    case 'RESPONSE_TOO_LARGE':
      return 'ANSWERED';
    case 'CIRCUIT_OPEN':
      return 'OURS';
    default:
      return assertNever(error.kind, 'failure kind');
  }
}
