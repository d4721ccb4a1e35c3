import { HttpException, HttpStatus } from '@nestjs/common';
import { RegistrationError } from '../connections/registration.error';

/**
 * A RegistrationError as the operations API answers it: 409 when a party is already connected or the
 * connection is not in a state for the action, 502 when the CPO failed us. Body:
 * { statusCode, error: RegistrationFailure, message, connection_id }. Other errors pass through unchanged.
 */
export function registrationHttpError(error: unknown): unknown {
  if (!(error instanceof RegistrationError)) return error;
  const status = error.failure === 'PARTY_ALREADY_CONNECTED' || error.failure === 'NOT_REGISTERED' ? HttpStatus.CONFLICT : HttpStatus.BAD_GATEWAY;
  return new HttpException({ statusCode: status, error: error.failure, message: error.message, connection_id: error.connectionId ?? null }, status);
}
