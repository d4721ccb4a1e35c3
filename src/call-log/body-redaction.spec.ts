import { redactForLog } from './body-redaction';

describe('call log bodies: credentials tokens never stored (credentials 2.2.1 §Credentials object), size bounded', () => {
  it('redacts a credentials token at any depth, objects and JSON text alike, and keeps the rest', () => {
    const credentials = { token: 'secret-token-c', url: 'https://x/versions', roles: [{ role: 'CPO', party_id: 'ABC' }] };
    for (const body of [credentials, JSON.stringify(credentials), { data: credentials, status_code: 1000 }]) {
      const logged = redactForLog(body)!;
      expect(logged).not.toContain('secret-token-c');
      expect(logged).toContain('[REDACTED]');
      expect(logged).toContain('https://x/versions');
    }
  });

  it('leaves a Token object (mod_tokens) alone: only string values of `token` are credentials tokens', () => {
    expect(redactForLog({ token: { uid: '123', type: 'RFID' } })).toBe('{"token":{"uid":"123","type":"RFID"}}');
  });

  it('redacts by pattern in text that is not JSON (an HTML error page echoing the Authorization header)', () => {
    const logged = redactForLog('<html>Authorization: Token c2VjcmV0LXRva2Vu rejected; {"token": "abc\\"def"</html>')!;
    expect(logged).not.toMatch(/c2VjcmV0LXRva2Vu|abc/);
  });

  it('truncates to 8 KB after redacting, and says how large the body was', () => {
    const logged = redactForLog({ token: 'secret', list: 'x'.repeat(20_000) })!;
    expect(Buffer.byteLength(logged)).toBeLessThan(8 * 1024 + 64);
    expect(logged).toMatch(/\[truncated: 20\d{3} bytes in total\]$/);
    expect(logged).not.toContain('secret');
  });

  it('stores no body as null', () => {
    expect([redactForLog(undefined), redactForLog(null), redactForLog('')]).toEqual([null, null, null]);
  });
});
