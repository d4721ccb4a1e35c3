import { assertNever } from '../../common/assert-never';

/**
 * The OCPI status codes a platform sends (status_codes 2.2.1 §2; 2.3.0 lists the same ones). 1000, 2000–2003 and
 * 3000–3003 exist in 2.1.1, 2.2.1 and 2.3.0 alike; 2004 since 2.2. The 4xxx codes are a hub's (OcpiHubStatus).
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
} as const;

/** The hub errors (status_codes 2.2.1 §4xxx, since 2.2): only a hub sends them; we may read them in an answer. */
export const OcpiHubStatus = {
  HUB_ERROR: 4000,
  HUB_UNKNOWN_RECEIVER: 4001,
  HUB_TIMEOUT: 4002,
  HUB_CONNECTION_PROBLEM: 4003,
} as const;

/**
 * A status code we send: closed, so what we answer is always one the spec defines and a switch over it can be
 * exhaustive. Build one from OcpiStatus, never from a bare number.
 */
export type OcpiStatusCode = (typeof OcpiStatus)[keyof typeof OcpiStatus];

/**
 * A status_code as a CPO (or a hub between us) sent it: every integer, custom (x9xx) and unlisted codes included, so
 * reading an answer never fails on a code we do not know. Classify it with ocpiStatusClass or describeOcpiStatus.
 */
/** A hub error code (only ever received). */
export type OcpiHubStatusCode = (typeof OcpiHubStatus)[keyof typeof OcpiHubStatus];

export type ReceivedOcpiStatusCode = number;

/** True for 1xxx (success) codes. */
export function isOcpiSuccess(code: ReceivedOcpiStatusCode): boolean {
  return code >= 1000 && code < 2000;
}

/** Whose move an OCPI error code is: 2xxx we sent something wrong, 3xxx the other side failed, 4xxx a hub failed. */
export type OcpiStatusClass = 'SUCCESS' | 'CLIENT_ERROR' | 'SERVER_ERROR' | 'HUB_ERROR' | 'UNKNOWN';

/** The class of a status code by its range (status_codes 2.2.1 §2); UNKNOWN outside 1000–4999. */
export function ocpiStatusClass(code: ReceivedOcpiStatusCode): OcpiStatusClass {
  if (code >= 1000 && code < 2000) return 'SUCCESS';
  if (code >= 2000 && code < 3000) return 'CLIENT_ERROR';
  if (code >= 3000 && code < 4000) return 'SERVER_ERROR';
  if (code >= 4000 && code < 5000) return 'HUB_ERROR';
  return 'UNKNOWN';
}

/** Every error code the spec defines, in words; a code added to OcpiStatus or OcpiHubStatus must be described here. */
const MEANINGS: Record<Exclude<OcpiStatusCode, typeof OcpiStatus.SUCCESS> | OcpiHubStatusCode, string> = {
  [OcpiStatus.CLIENT_ERROR]: 'a generic client error: the CPO could not process what we sent',
  [OcpiStatus.INVALID_OR_MISSING_PARAMETERS]:
    'invalid or missing parameters: a query parameter or field we sent is missing or not accepted (check date_from, offset, limit or the body)',
  [OcpiStatus.NOT_ENOUGH_INFORMATION]: 'not enough information in our request',
  [OcpiStatus.UNKNOWN_LOCATION]: 'unknown Location: the Location we referred to does not exist at the CPO (any more)',
  [OcpiStatus.UNKNOWN_TOKEN]: 'unknown Token: the CPO does not know the Token we referred to; push our Tokens to it again',
  [OcpiStatus.SERVER_ERROR]: 'a generic server error at the CPO; retry later and tell the CPO if it persists',
  [OcpiStatus.UNABLE_TO_USE_CLIENT_API]: 'the CPO was unable to use our API (e.g. it could not call our versions endpoint back): check that PUBLIC_URL is reachable from the CPO',
  [OcpiStatus.UNSUPPORTED_VERSION]: 'unsupported version: the CPO does not speak the OCPI version we called it with; re-register to negotiate a version',
  [OcpiStatus.NO_MATCHING_ENDPOINTS]: 'no matching endpoints: the CPO misses modules or endpoints it expects from us, or we share none',
  [OcpiHubStatus.HUB_ERROR]: 'a generic hub error while routing our request',
  [OcpiHubStatus.HUB_UNKNOWN_RECEIVER]: 'the hub does not know the receiver in our OCPI-to-* headers: check the party we addressed',
  [OcpiHubStatus.HUB_TIMEOUT]: 'the hub forwarded our request but the receiving party timed out; retry later',
  [OcpiHubStatus.HUB_CONNECTION_PROBLEM]: 'the hub cannot reach the receiving party (not connected); retry later or ask the hub',
};

/**
 * One phrase in plain words saying what an OCPI status code (status_codes 2.2.1 §2xxx, §3xxx, §4xxx) means for us
 * as the requesting party and what to do; custom ranges (x9xx) are named as such.
 */
export function describeOcpiStatus(code: ReceivedOcpiStatusCode): string {
  const known = (MEANINGS as Partial<Record<ReceivedOcpiStatusCode, string>>)[code];
  if (known) return known;
  const cls = ocpiStatusClass(code);
  const custom = code % 1000 >= 900 ? 'custom ' : 'unlisted ';
  switch (cls) {
    case 'CLIENT_ERROR':
      return `a ${custom}client error: the CPO rejected what we sent`;
    case 'SERVER_ERROR':
      return `a ${custom}server error at the CPO`;
    case 'HUB_ERROR':
      return `a ${custom}hub error`;
    case 'SUCCESS':
    case 'UNKNOWN':
      return 'not an OCPI status code';
    default:
      return assertNever(cls, 'OCPI status class');
  }
}
