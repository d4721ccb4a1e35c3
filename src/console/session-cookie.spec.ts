import { checkConsoleSession, consoleSessionKey, cookieValue, signConsoleSession } from './session-cookie';

describe('console session cookie: signed with a key derived from the operations key, expiring', () => {
  const key = consoleSessionKey('operations-key-1');
  const inAnHour = new Date(Date.now() + 3600_000);

  it('accepts its own session until it expires', () => {
    const value = signConsoleSession(key, inAnHour);
    expect(checkConsoleSession(key, value)).toBeNull();
    expect(checkConsoleSession(key, value, new Date(inAnHour.getTime() + 1000))).toBe('EXPIRED');
  });

  it('refuses a changed expiry, another key (a rotated operations key), and garbage', () => {
    const value = signConsoleSession(key, inAnHour);
    const [format, expiry, nonce, signature] = value.split('.');
    expect(checkConsoleSession(key, [format, String(Number(expiry) + 86400), nonce, signature].join('.'))).toBe('BAD_SIGNATURE');
    expect(checkConsoleSession(consoleSessionKey('operations-key-2'), value)).toBe('BAD_SIGNATURE');
    expect(checkConsoleSession(key, undefined)).toBe('MISSING');
    expect(checkConsoleSession(key, 'v1.x.y.z')).toBe('MALFORMED');
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; console_session=v1.2.3.4; b=5', 'console_session')).toBe('v1.2.3.4');
    expect(cookieValue('a=1', 'console_session')).toBeUndefined();
    expect(cookieValue(undefined, 'console_session')).toBeUndefined();
  });
});
