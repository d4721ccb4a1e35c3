/**
 * The three OCPI versions the service speaks, with what differs between them as the tests need it, and the
 * spec section names each test title cites (2.1.1 sections are numbered, 2.2.1 / 2.3.0 ones are named).
 */
import { generateLocations, toOcpi211Location, withOcpi230Fields, type GenerateLocationsOptions, type TokenEncoding } from '../cpo-simulator';

export interface VersionCase {
  version: '2.1.1' | '2.2.1' | '2.3.0';
  /** How the token travels in the Authorization header. */
  encoding: TokenEncoding;
  /** The other encoding: what a CPO that gets it wrong uses. */
  wrongEncoding: TokenEncoding;
  section: {
    auth: string;
    messageIds: string | null;
    versions: string;
    details: string;
    credentialsObject: string;
    registration: string;
    post: string;
    put: string;
    delete: string;
    errors: string;
    requiredEndpoints: string;
    updating: string;
    changingEndpoints: string;
  };
}

function named(v: '2.2.1' | '2.3.0'): VersionCase['section'] {
  return {
    auth: `transport_and_format ${v} §Authorization header`,
    messageIds: `transport_and_format ${v} §Unique message IDs`,
    versions: `version_information_endpoint ${v} §Version information endpoint`,
    details: `version_information_endpoint ${v} §Version details endpoint`,
    credentialsObject: `credentials ${v} §Credentials object`,
    registration: `credentials ${v} §Registration`,
    post: `credentials ${v} §POST Method`,
    put: `credentials ${v} §PUT Method`,
    delete: `credentials ${v} §DELETE Method`,
    errors: `credentials ${v} §Errors during registration`,
    requiredEndpoints: `credentials ${v} §Required endpoints not available`,
    updating: `credentials ${v} §Updating the credentials and resetting the credentials token`,
    changingEndpoints: `credentials ${v} §Changing endpoints for the current version`,
  };
}

export const VERSIONS: readonly VersionCase[] = [
  {
    version: '2.1.1',
    encoding: 'plain',
    wrongEncoding: 'base64',
    section: {
      auth: 'transport_and_format 2.1.1 §Security and authentication',
      messageIds: null,
      versions: 'version_information_endpoint 2.1.1 §Version information endpoint',
      details: 'version_information_endpoint 2.1.1 §Version details endpoint',
      credentialsObject: 'credentials 2.1.1 §2.1 Credentials object',
      registration: 'credentials 2.1.1 §3.1 Registration',
      post: 'credentials 2.1.1 §1.2 POST Method',
      put: 'credentials 2.1.1 §1.3 PUT Method',
      delete: 'credentials 2.1.1 §1.4 DELETE Method',
      errors: 'credentials 2.1.1 §3.5 Errors during registration',
      requiredEndpoints: 'credentials 2.1.1 §3.6 Required endpoints not available',
      updating: 'credentials 2.1.1 §3.4 Updating the credentials and resetting the token',
      changingEndpoints: 'credentials 2.1.1 §3.3 Changing endpoints for the current version',
    },
  },
  { version: '2.2.1', encoding: 'base64', wrongEncoding: 'plain', section: named('2.2.1') },
  { version: '2.3.0', encoding: 'base64', wrongEncoding: 'plain', section: named('2.3.0') },
];

/** The Authorization header value for `token` in `encoding`. */
export function authorization(token: string, encoding: TokenEncoding): string {
  return `Token ${encoding === 'base64' ? Buffer.from(token, 'utf8').toString('base64') : token}`;
}

/** Calls one of our OCPI endpoints as a CPO would; returns HTTP status, headers and the envelope. */
export async function ocpiCall(
  url: string,
  token: string | null,
  init: { encoding?: TokenEncoding; method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (token !== null) headers.Authorization = authorization(token, init.encoding ?? 'base64');
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** Generated Locations in the shape of `version` (2.1.1: rewritten; 2.3.0: with its additions). */
export function locationsFor(version: VersionCase['version'], options: GenerateLocationsOptions): Array<Record<string, unknown>> {
  const generated = generateLocations(options) as unknown as Array<Record<string, unknown>>;
  if (version === '2.1.1') return generated.map((l) => toOcpi211Location(l));
  if (version === '2.3.0') return generated.map((l, i) => withOcpi230Fields(l, i + 1));
  return generated;
}
