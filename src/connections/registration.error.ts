/**
 * Why registering with a CPO, or rotating, unregistering or re-discovering a connection, failed
 * (credentials §Registration, §Errors during registration, §Required endpoints not available), one closed set
 * so every failure reaches operations with a reason and a next step.
 */
export type RegistrationFailure =
  | 'VERSIONS_UNREACHABLE'
  | 'NO_MUTUAL_VERSION'
  | 'VERSION_NOT_OFFERED'
  | 'VERSION_DETAILS_UNREACHABLE'
  | 'REQUIRED_ENDPOINTS_MISSING'
  | 'CREDENTIALS_REJECTED'
  | 'CREDENTIALS_MALFORMED'
  | 'NOT_REGISTERED';

export class RegistrationError extends Error {
  constructor(
    readonly failure: RegistrationFailure,
    message: string,
    readonly connectionId?: string,
  ) {
    super(message);
  }
}
