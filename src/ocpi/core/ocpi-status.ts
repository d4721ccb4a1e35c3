/**
 * OCPI status codes (status_codes 2.2.1 §2). The same codes exist in 2.1.1 and 2.3.0; 4xxx are hub errors.
 */
export const OcpiStatus = {
  SUCCESS: 1000,
  CLIENT_ERROR: 2000,
  INVALID_OR_MISSING_PARAMETERS: 2001,
  NOT_ENOUGH_INFORMATION: 2002,
  UNKNOWN_LOCATION: 2003,
  UNKNOWN_TOKEN: 2004,
  SERVER_ERROR: 3000,
  UNABLE_TO_USE_CLIENT_API: 3001,
  UNSUPPORTED_VERSION: 3002,
  NO_MATCHING_ENDPOINTS: 3003,
  HUB_ERROR: 4000,
} as const;

export type OcpiStatusCode = number;

/** True for 1xxx (success) codes. */
export function isOcpiSuccess(code: number): boolean {
  return code >= 1000 && code < 2000;
}
