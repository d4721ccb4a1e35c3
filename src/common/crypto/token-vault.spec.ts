import { randomBytes } from 'node:crypto';
import { decryptToken, decryptWithAnyKey, encryptToken, hashToken, newCredentialsToken, tokenMatchesHash } from './token-vault';

/** Credentials tokens at rest: hashed when we only check them, encrypted when we send them again. */
describe('token vault', () => {
  const key = randomBytes(32);

  it('round-trips an encrypted token and never stores it in clear', () => {
    const token = newCredentialsToken();
    const sealed = encryptToken(token, key);
    expect(sealed).not.toContain(token);
    expect(decryptToken(sealed, key)).toBe(token);
  });

  it('encrypts the same token differently each time (random IV)', () => {
    expect(encryptToken('abc', key)).not.toBe(encryptToken('abc', key));
  });

  it('refuses a wrong key with a message that says so', () => {
    const sealed = encryptToken('abc', key);
    expect(() => decryptToken(sealed, randomBytes(32))).toThrow('TOKEN_ENCRYPTION_KEY is not the key it was encrypted with');
  });

  it('matches a token against its hash only', () => {
    const token = newCredentialsToken();
    expect(token).toMatch(/^[\x21-\x7e]{64}$/);
    expect(tokenMatchesHash(token, hashToken(token))).toBe(true);
    expect(tokenMatchesHash(`${token}x`, hashToken(token))).toBe(false);
  });
});

describe('decryptWithAnyKey (rotation of TOKEN_ENCRYPTION_KEY)', () => {
  it('opens a token with the current key or the previous one, says which, and refuses a token under neither', () => {
    const [current, previous, other] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    expect(decryptWithAnyKey(encryptToken('under-current', current), [current, previous])).toEqual({ token: 'under-current', keyIndex: 0 });
    expect(decryptWithAnyKey(encryptToken('under-previous', previous), [current, previous])).toEqual({ token: 'under-previous', keyIndex: 1 });
    expect(() => decryptWithAnyKey(encryptToken('under-other', other), [current, previous])).toThrow('neither TOKEN_ENCRYPTION_KEY nor TOKEN_ENCRYPTION_KEY_PREVIOUS');
  });
});
