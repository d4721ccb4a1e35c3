import { HttpStatus } from '@nestjs/common';
import { OcpiStatus, OcpiStatusCode } from './ocpi-status';

/**
 * An error to answer a CPO with, in OCPI's own terms: an HTTP status and an OCPI status code
 * (status_codes 2.2.1). Thrown by OCPI-facing controllers and turned into an envelope by OcpiExceptionFilter.
 */
export class OcpiError extends Error {
  constructor(
    readonly ocpiStatus: OcpiStatusCode,
    message: string,
    readonly httpStatus: number = HttpStatus.BAD_REQUEST,
  ) {
    super(message);
  }

  /** HTTP 401: missing or unknown credentials token (transport_and_format 2.2.1 §Authorization header). */
  static unauthorized(message = 'Missing or invalid credentials token'): OcpiError {
    return new OcpiError(OcpiStatus.CLIENT_ERROR, message, HttpStatus.UNAUTHORIZED);
  }

  /** HTTP 405: e.g. POST credentials when already registered (credentials 2.2.1 §POST Method). */
  static methodNotAllowed(message: string): OcpiError {
    return new OcpiError(OcpiStatus.CLIENT_ERROR, message, HttpStatus.METHOD_NOT_ALLOWED);
  }

  /**
   * 2001 in HTTP 200: the request was read (valid JSON, authenticated, an existing resource), so it "has reached the
   * OCPI layer" and its refusal is said by the OCPI status alone: "To such a request, an HTTP error status code MUST
   * NOT be returned" (status_codes 2.2.1 §Status codes; 2.1.1 likewise).
   */
  static invalidParameters(message: string): OcpiError {
    return new OcpiError(OcpiStatus.INVALID_OR_MISSING_PARAMETERS, message, HttpStatus.OK);
  }
}
