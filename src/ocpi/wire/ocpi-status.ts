/**
 * OCPI status codes (status_codes 2.2.1 §2). 1xxx–3xxx exist in 2.1.1, 2.2.1 and 2.3.0 alike (2004 and the 4xxx
 * hub errors since 2.2).
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
  HUB_UNKNOWN_RECEIVER: 4001,
  HUB_TIMEOUT: 4002,
  HUB_CONNECTION_PROBLEM: 4003,
} as const;

export type OcpiStatusCode = number;

/** True for 1xxx (success) codes. */
export function isOcpiSuccess(code: number): boolean {
  return code >= 1000 && code < 2000;
}

/** Whose move an OCPI error code is: 2xxx we sent something wrong, 3xxx the other side failed, 4xxx a hub failed. */
export type OcpiStatusClass = 'SUCCESS' | 'CLIENT_ERROR' | 'SERVER_ERROR' | 'HUB_ERROR' | 'UNKNOWN';

export function ocpiStatusClass(code: number): OcpiStatusClass {
  if (code >= 1000 && code < 2000) return 'SUCCESS';
  if (code >= 2000 && code < 3000) return 'CLIENT_ERROR';
  if (code >= 3000 && code < 4000) return 'SERVER_ERROR';
  if (code >= 4000 && code < 5000) return 'HUB_ERROR';
  return 'UNKNOWN';
}

const MEANINGS: Record<number, string> = {
  2000: 'a generic client error: the CPO could not process what we sent',
  2001: 'invalid or missing parameters: a query parameter or field we sent is missing or not accepted (check date_from, offset, limit or the body)',
  2002: 'not enough information in our request',
  2003: 'unknown Location: the Location we referred to does not exist at the CPO (any more)',
  2004: 'unknown Token: the CPO does not know the Token we referred to; push our Tokens to it again',
  3000: 'a generic server error at the CPO; retry later and tell the CPO if it persists',
  3001: "the CPO was unable to use our API (e.g. it could not call our versions endpoint back): check that PUBLIC_URL is reachable from the CPO",
  3002: 'unsupported version: the CPO does not speak the OCPI version we called it with; re-register to negotiate a version',
  3003: 'no matching endpoints: the CPO misses modules or endpoints it expects from us, or we share none',
  4000: 'a generic hub error while routing our request',
  4001: 'the hub does not know the receiver in our OCPI-to-* headers: check the party we addressed',
  4002: 'the hub forwarded our request but the receiving party timed out; retry later',
  4003: 'the hub cannot reach the receiving party (not connected); retry later or ask the hub',
};

/**
 * One phrase in plain words saying what an OCPI status code (status_codes 2.2.1 §2xxx, §3xxx, §4xxx) means for us
 * as the requesting party and what to do; custom ranges (x9xx) are named as such.
 */
export function describeOcpiStatus(code: number): string {
  const known = MEANINGS[code];
  if (known) return known;
  const cls = ocpiStatusClass(code);
  const custom = code % 1000 >= 900 ? 'custom ' : 'unlisted ';
  if (cls === 'CLIENT_ERROR') return `a ${custom}client error: the CPO rejected what we sent`;
  if (cls === 'SERVER_ERROR') return `a ${custom}server error at the CPO`;
  if (cls === 'HUB_ERROR') return `a ${custom}hub error`;
  return 'not an OCPI status code';
}
