import { OcpiStatus } from './ocpi-status';

/**
 * The response envelope every OCPI response carries (transport_and_format 2.2.1 §Response format).
 * `timestamp` is UTC ISO-8601; `status_message` is optional in the spec, we always send one on errors.
 */
export interface OcpiResponse<T> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

/** A success envelope around `data`. */
export function ocpiSuccess<T>(data: T, message?: string): OcpiResponse<T> {
  return {
    data,
    status_code: OcpiStatus.SUCCESS,
    ...(message ? { status_message: message } : {}),
    timestamp: new Date().toISOString(),
  };
}

/** An error envelope (no data). */
export function ocpiFailure(statusCode: number, message: string): OcpiResponse<never> {
  return { status_code: statusCode, status_message: message, timestamp: new Date().toISOString() };
}
