import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Credentials tokens at rest (credentials module, 2.2.1 §1.1 Registration):
 * - tokens a CPO presents to us (token A we issued, token B we sent) are only ever checked, so we keep a
 *   SHA-256 hash: a leaked database does not let anyone call us;
 * - tokens we present to a CPO (token C, or their token A during registration) must be sent again, so we
 *   keep them encrypted with AES-256-GCM under TOKEN_ENCRYPTION_KEY. Rotating that key means re-encrypting.
 * A token is a random high-entropy string, so an unsalted hash is safe and lets us look a token up by hash.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented token with a stored hash. */
export function tokenMatchesHash(token: string, hash: string): boolean {
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new credentials token: 32 random bytes as 64 hex characters (printable ASCII, as the spec requires). */
export function newCredentialsToken(): string {
  return randomBytes(32).toString('hex');
}

/** Encrypts `plain` as "v1:<iv>:<tag>:<ciphertext>" (base64 parts). */
export function encryptToken(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
}

/**
 * Reverses {@link encryptToken} with the first of `keys` that fits (the current key, then the one it replaced while
 * TOKEN_ENCRYPTION_KEY is rotated). @returns the token and the index of the key that opened it.
 * @throws Error when none fits or the value was tampered with.
 */
export function decryptWithAnyKey(sealed: string, keys: Buffer[]): { token: string; keyIndex: number } {
  for (const [keyIndex, key] of keys.entries()) {
    try {
      return { token: decryptToken(sealed, key), keyIndex };
    } catch {
      // the next key, if any
    }
  }
  throw new Error('cannot decrypt a stored credentials token: neither TOKEN_ENCRYPTION_KEY nor TOKEN_ENCRYPTION_KEY_PREVIOUS is the key it was encrypted with');
}

/** Reverses {@link encryptToken}. @throws Error when the key is wrong or the value was tampered with. */
export function decryptToken(sealed: string, key: Buffer): string {
  const [version, iv, tag, data] = sealed.split(':');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unrecognised encrypted token format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('cannot decrypt a stored credentials token: TOKEN_ENCRYPTION_KEY is not the key it was encrypted with');
  }
}
