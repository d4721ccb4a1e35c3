/**
 * The OCPI Authorization header: `Authorization: Token <credentials token>`, exactly one space after `Token`.
 * 2.2 and later send the token Base64-encoded (transport_and_format 2.2.1 §Authorization header: UTF-8, then
 * RFC 4648 Base64); 2.1.1 sends it as is (transport_and_format 2.1.1 §Security and authentication).
 */

/** How the credentials token travels in the header. */
export type TokenEncoding = 'base64' | 'plain';

/** credentials 2.2.1 §Credentials object: token = printable non-whitespace ASCII, at most 64. */
const CREDENTIALS_TOKEN = /^[\x21-\x7e]{1,64}$/;
/** RFC 4648 §4 alphabet with padding. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether a string is a valid credentials token (credentials 2.2.1 §Credentials object). */
export function isCredentialsToken(value: unknown): value is string {
  return typeof value === 'string' && CREDENTIALS_TOKEN.test(value);
}

/** Result of reading an Authorization header. */
export interface ParsedAuthorization {
  /** The credentials token, or null when the header is missing or not in an accepted encoding. */
  token: string | null;
  /** True when the header is in the encoding the served version prescribes. */
  schemeOk: boolean;
  /** The encoding the token was read in, or null. */
  encoding: TokenEncoding | null;
}

/** Takes a credentials token; returns the 2.2.1 header value `Token <base64>`. */
export function encodeBase64Authorization(token: string): string {
  return `Token ${Buffer.from(token, 'utf8').toString('base64')}`;
}

/** Takes a token and an encoding; returns the header value. */
export function encodeAuthorization(token: string, encoding: TokenEncoding): string {
  return encoding === 'base64' ? encodeBase64Authorization(token) : `Token ${token}`;
}

/** The value after `Token `, or null when the header is missing or of another scheme. */
function headerValue(header: string | undefined): string | null {
  if (header === undefined || !header.startsWith('Token ')) return null;
  const value = header.slice('Token '.length);
  return value.length > 0 ? value : null;
}

/** The token in `value` read as `encoding`, or null when it is not a valid token in that encoding. */
function decode(value: string, encoding: TokenEncoding): string | null {
  if (encoding === 'plain') return isCredentialsToken(value) ? value : null;
  if (!BASE64.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return isCredentialsToken(decoded) ? decoded : null;
}

/**
 * Strict 2.2.1 parse. Takes the raw header (or undefined); returns the decoded token when the
 * header is exactly `Token <canonical base64>` whose UTF-8 decoding is a valid credentials
 * token. A raw (un-encoded) token or a decoding with a trailing newline is refused.
 */
export function parseBase64Authorization(header: string | undefined): ParsedAuthorization {
  return parseAuthorization(header, 'base64', 'base64');
}

/**
 * Reads the header in the encodings accepted (`either`: the prescribed one first, then the other);
 * `schemeOk` says whether it came in the prescribed one. Callers that accept `either` look the token up in
 * both readings: use {@link readingsOf} for that.
 */
export function parseAuthorization(header: string | undefined, accept: TokenEncoding | 'either', prescribed: TokenEncoding): ParsedAuthorization {
  const first = readingsOf(header, accept, prescribed)[0];
  return first ?? { token: null, schemeOk: false, encoding: null };
}

/** Every reading of the header in the accepted encodings, the prescribed one first. */
export function readingsOf(header: string | undefined, accept: TokenEncoding | 'either', prescribed: TokenEncoding): ParsedAuthorization[] {
  const value = headerValue(header);
  if (value === null) return [];
  const order: TokenEncoding[] = accept === 'either' ? [prescribed, prescribed === 'base64' ? 'plain' : 'base64'] : [accept];
  return order.flatMap((encoding) => {
    const token = decode(value, encoding);
    return token === null ? [] : [{ token, schemeOk: encoding === prescribed, encoding }];
  });
}
