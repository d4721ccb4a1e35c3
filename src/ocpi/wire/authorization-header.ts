/**
 * The Authorization header of OCPI requests (transport_and_format 2.2.1 §Authorization header):
 * `Token <credentials token>`; since 2.2 the token is Base64-encoded (RFC 4648), in 2.1.1 it is sent as is.
 */
export type TokenEncoding = 'base64' | 'plain';

/** Builds the header value we send; strict per the version's encoding. */
export function authorizationHeader(token: string, encoding: TokenEncoding): string {
  return `Token ${encoding === 'base64' ? Buffer.from(token, 'utf8').toString('base64') : token}`;
}

/**
 * Reads a received header into the candidate tokens it may carry, the spec's encoding first.
 * Many CPOs get the encoding wrong (the spec's own note says so), so the caller tries both and records
 * which one matched. Returns [] when the header is absent or not of the form `Token <value>`.
 */
export function candidateTokens(header: string | undefined, expected: TokenEncoding): Array<{ token: string; encoding: TokenEncoding }> {
  const match = /^Token\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return [];
  const value = match[1];
  const decoded = decodeBase64(value);
  const plain = { token: value, encoding: 'plain' as const };
  const base64 = decoded === null ? [] : [{ token: decoded, encoding: 'base64' as const }];
  return expected === 'base64' ? [...base64, plain] : [plain, ...base64];
}

/** Strict Base64 decode to printable ASCII, or null when `value` is not such an encoding. */
function decodeBase64(value: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8').replace(/\n$/, '');
  return /^[\x21-\x7e]+$/.test(decoded) ? decoded : null;
}

/** The encoding that is not `encoding`: what we try when a CPO rejects the one its version prescribes. */
export function otherEncoding(encoding: TokenEncoding): TokenEncoding {
  return encoding === 'base64' ? 'plain' : 'base64';
}
