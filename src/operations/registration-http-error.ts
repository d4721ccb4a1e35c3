import { HttpException, HttpStatus } from '@nestjs/common';
import { assertNever } from '../common/assert-never';
import { RegistrationError, RegistrationFailure } from '../connections/registration.error';

/**
 * A RegistrationError as the operations API answers it: 409 when the connection is not in a state for the action,
 * 502 when the CPO failed us. Body: { statusCode, error: RegistrationFailure, message, connection_id }. Other errors pass through unchanged.
 */
export function registrationHttpError(error: unknown): unknown {
  if (!(error instanceof RegistrationError)) return error;
  const status = httpStatusOf(error.failure);
  return new HttpException({ statusCode: status, error: error.failure, message: error.message, connection_id: error.connectionId ?? null }, status);
}

/** 409 for a conflict with our own state, 502 for what the CPO did or failed to do; every failure decided here. */
function httpStatusOf(failure: RegistrationFailure): HttpStatus {
  switch (failure) {
    case 'NOT_REGISTERED':
      return HttpStatus.CONFLICT;
    case 'VERSIONS_UNREACHABLE':
    case 'NO_MUTUAL_VERSION':
    case 'VERSION_NOT_OFFERED':
    case 'VERSION_DETAILS_UNREACHABLE':
    case 'REQUIRED_ENDPOINTS_MISSING':
    case 'CREDENTIALS_REJECTED':
    case 'CREDENTIALS_MALFORMED':
      return HttpStatus.BAD_GATEWAY;
    default:
      return assertNever(failure, 'registration failure');
  }
}
