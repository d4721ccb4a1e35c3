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

  /** 2001: invalid or missing parameters. */
  static invalidParameters(message: string): OcpiError {
    return new OcpiError(OcpiStatus.INVALID_OR_MISSING_PARAMETERS, message, HttpStatus.BAD_REQUEST);
  }
}
