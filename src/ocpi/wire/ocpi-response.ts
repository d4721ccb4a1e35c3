import { OcpiStatus, OcpiStatusCode } from './ocpi-status';

/**
 * The response envelope every OCPI response carries (transport_and_format 2.2.1 §Response format; the same in
 * 2.1.1 and 2.3.0): `data` (left out when the spec names none), `status_code`, `status_message` (optional in the
 * spec; we always send one on errors), `timestamp` (a DateTime: UTC, 'Z', whole seconds, valid in every version).
 */
export interface OcpiResponse<T> {
  data?: T;
  /** Always one the spec defines: this is what we send (a CPO's answers are read by readEnvelope). */
  status_code: OcpiStatusCode;
  status_message?: string;
  timestamp: string;
}

/**
 * Now (or `at`) as an OCPI DateTime (types 2.2.1 §DateTime), e.g. "2025-06-29T20:39:09Z": no fractional seconds, so
 * 2.1.1 accepts it too. Now's text is kept for the second it names: every answer carries one, and formatting a Date
 * per answer was a measurable part of a real-time authorization.
 */
export function ocpiTimestamp(at?: Date): string {
  if (at) return `${at.toISOString().slice(0, 19)}Z`;
  const second = Math.floor(Date.now() / 1000);
  if (second !== formattedNow.second) {
    formattedNow.second = second;
    formattedNow.text = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
  }
  return formattedNow.text;
}

/** The second ocpiTimestamp() last formatted (epoch seconds) and its text. */
const formattedNow = { second: Number.NaN, text: '' };

/** A success envelope around `data`; `data` undefined leaves the field out (2.2.1 §Response format, note on data). */
export function ocpiSuccess<T>(data?: T, message?: string): OcpiResponse<T> {
  // Literals rather than spreads (one object, fields in the wire's order): this is on every answer.
  const timestamp = ocpiTimestamp();
  if (message)
    return data === undefined
      ? { status_code: OcpiStatus.SUCCESS, status_message: message, timestamp }
      : { data, status_code: OcpiStatus.SUCCESS, status_message: message, timestamp };
  return data === undefined ? { status_code: OcpiStatus.SUCCESS, timestamp } : { data, status_code: OcpiStatus.SUCCESS, timestamp };
}

/** An error envelope (no data). */
export function ocpiFailure(statusCode: OcpiStatusCode, message: string): OcpiResponse<never> {
  return { status_code: statusCode, status_message: message, timestamp: ocpiTimestamp() };
}

/** What a Receiver interface did with an object a CPO pushed (PUT). */
export type StoreOutcome = 'CREATED' | 'UPDATED';

/**
 * The reply to a valid object pushed to one of our Receiver interfaces (status_codes 2.1.1, 2.2.1 and 2.3.0: "HTTP
 * 201 when the object is newly created, HTTP 200 when it already existed and is updated"), with a 1000 envelope
 * and no data. For the receiver controllers to come: `reply.status(r.httpStatus); return r.body;`.
 */
export function ocpiStored(outcome: StoreOutcome): { httpStatus: 200 | 201; body: OcpiResponse<never> } {
  return { httpStatus: outcome === 'CREATED' ? 201 : 200, body: ocpiSuccess<never>() };
}
