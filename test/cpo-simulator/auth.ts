/**
 * The OCPI Authorization header (transport_and_format 2.2.1 §Authorization header):
 * `Authorization: Token <base64(utf8(credentials token))>`, exactly one space after `Token`.
 */

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
  /** The credentials token, or null when the header is missing or not in the expected scheme. */
  token: string | null;
  /** True when the header is `Token <base64>` and decodes to a valid credentials token. */
  schemeOk: boolean;
}

/** Takes a credentials token; returns the 2.2.1 header value `Token <base64>`. */
export function encodeBase64Authorization(token: string): string {
  return `Token ${Buffer.from(token, 'utf8').toString('base64')}`;
}

/**
 * Strict 2.2.1 parse. Takes the raw header (or undefined); returns the decoded token when the
 * header is exactly `Token <canonical base64>` whose UTF-8 decoding is a valid credentials
 * token. A raw (un-encoded) token or a decoding with a trailing newline is refused.
 */
export function parseBase64Authorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined || !header.startsWith('Token ')) return { token: null, schemeOk: false };
  const encoded = header.slice('Token '.length);
  if (encoded.length === 0 || !BASE64.test(encoded)) return { token: null, schemeOk: false };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  if (!isCredentialsToken(decoded)) return { token: null, schemeOk: false };
  return { token: decoded, schemeOk: true };
}
