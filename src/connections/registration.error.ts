/**
 * Why registering with a CPO failed (credentials 2.2.1 §Registration, §Errors during registration),
 * one closed set so every failure reaches operations with a reason and a next step.
 */
export type RegistrationFailure =
  | 'VERSIONS_UNREACHABLE'
  | 'NO_MUTUAL_VERSION'
  | 'VERSION_DETAILS_UNREACHABLE'
  | 'NO_CREDENTIALS_ENDPOINT'
  | 'CREDENTIALS_REJECTED'
  | 'CREDENTIALS_MALFORMED'
  | 'PARTY_ALREADY_CONNECTED';

export class RegistrationError extends Error {
  constructor(
    readonly failure: RegistrationFailure,
    message: string,
    readonly connectionId?: string,
  ) {
    super(message);
  }
}
