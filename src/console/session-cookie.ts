import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the console's session cookie. */
export const CONSOLE_COOKIE = 'console_session';

/** How long a console login lasts: a working day. Logging in again is one form. */
export const CONSOLE_SESSION_SECONDS = 8 * 60 * 60;

const FORMAT = 'v1';

/**
 * The key that signs console sessions, derived (HKDF-SHA256) from the operations key: whoever knows the operations key
 * may use the console, every instance derives the same key (no session table, any instance checks any cookie), and
 * rotating OPERATIONS_API_KEY ends every session.
 */
export function consoleSessionKey(operationsApiKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', operationsApiKey, Buffer.alloc(0), 'ocpi-emsp console session v1', 32));
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/**
 * A signed session that ends at `expiresAt`: `v1.<expiry, Unix seconds>.<random nonce>.<HMAC-SHA256 of the rest>`,
 * base64url throughout (cookie-safe). It holds no secret: the signature is what counts.
 */
export function signConsoleSession(key: Buffer, expiresAt: Date): string {
  const payload = `${FORMAT}.${Math.floor(expiresAt.getTime() / 1000)}.${randomBytes(12).toString('base64url')}`;
  return `${payload}.${mac(key, payload)}`;
}

/** Why a presented session is refused; null when it is valid. A closed set, so the login page can say why. */
export type SessionRefusal = 'MISSING' | 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED';

/** Checks a cookie value made by {@link signConsoleSession} (signature compared in constant time, then the expiry). */
export function checkConsoleSession(key: Buffer, value: string | undefined, now = new Date()): SessionRefusal | null {
  if (!value) return 'MISSING';
  const parts = value.split('.');
  if (parts.length !== 4 || parts[0] !== FORMAT || !/^\d{1,12}$/.test(parts[1])) return 'MALFORMED';
  const expected = Buffer.from(mac(key, parts.slice(0, 3).join('.')));
  const presented = Buffer.from(parts[3]);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return 'BAD_SIGNATURE';
  return Number(parts[1]) * 1000 <= now.getTime() ? 'EXPIRED' : null;
}

/** The value of cookie `name` in a Cookie header, or undefined (RFC 6265 §5.4: `name=value` pairs separated by `; `). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
