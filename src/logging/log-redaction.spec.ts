import { redactLogObject, redactLogText } from './log-redaction';

describe('log redaction (credentials 2.2.1 §Credentials object: token; transport_and_format 2.2.1 §Authorization header)', () => {
  it('replaces token, authorization and API key fields at any depth, leaves the rest', () => {
    const logged = {
      connectionId: 'c1',
      body: { token: 'abc123secret', roles: [{ party_id: 'ABC', token_c: 'zzz999secret' }] },
      headers: { Authorization: 'Token abc123secret', 'x-api-key': 'k-123456' },
    };
    expect(redactLogObject(logged)).toEqual({
      connectionId: 'c1',
      body: { token: '[REDACTED]', roles: [{ party_id: 'ABC', token_c: '[REDACTED]' }] },
      headers: { Authorization: '[REDACTED]', 'x-api-key': '[REDACTED]' },
    });
  });

  it('leaves errors and other instances to pino’s serializers', () => {
    const error = new Error('boom');
    expect(redactLogObject({ err: error }).err).toBe(error);
  });

  it('redacts an Authorization header value and a "token" pair quoted in a message', () => {
    expect(redactLogText('sent Authorization: Token dG9rZW4tc2VjcmV0 to the CPO')).toBe('sent Authorization: Token [REDACTED] to the CPO');
    expect(redactLogText('body was {"token": "abc123secret", "url": "x"}')).toBe('body was {"token": "[REDACTED]", "url": "x"}');
    expect(redactLogText('the Token module answered')).toBe('the Token module answered');
  });
});
