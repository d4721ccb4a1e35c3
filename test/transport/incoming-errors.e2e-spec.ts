/**
 * What a CPO gets when its request to us is malformed before any of our code reads it (transport_and_format 2.2.1
 * §Response format, status_codes 2.2.1 §2xxx Client errors): an OCPI envelope with 2001 and a message that names
 * the problem, never a bare framework error, and an entry in the call log.
 */
import { callLogEntry } from '../support/call-log';
import { startTestService, TestService } from '../support/test-service';

describe('status_codes 2.2.1 §2001: malformed requests to our OCPI endpoints get an OCPI envelope', () => {
  let service: TestService;
  let tokenA: string;
  let connectionId: string;

  beforeAll(async () => {
    service = await startTestService();
    const invited = await service.ops('POST', '/connections/invitations', { name: 'malformed-request CPO' });
    tokenA = invited.body.token_a;
    connectionId = invited.body.connection.id;
  });
  afterAll(() => service?.stop());

  const post = (body: string, contentType = 'application/json', requestId = 'req-malformed-1') =>
    fetch(`${service.url}/ocpi/emsp/2.2.1/credentials`, {
      method: 'POST',
      headers: { Authorization: `Token ${Buffer.from(tokenA).toString('base64')}`, 'Content-Type': contentType, 'X-Request-ID': requestId },
      body,
    });

  it("a body that is not JSON: HTTP 400, status_code 2001, the parser's reason, a timestamp", async () => {
    const response = await post('{"token": "abc", ');
    expect(response.status).toBe(400);
    const body: any = await response.json();
    expect(body.status_code).toBe(2001);
    expect(body.status_message).toMatch(/not valid JSON/i);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(response.headers.get('x-request-id')).toBe('req-malformed-1');
  });

  it('a body of a content type we do not read: HTTP 415 with 2000 and the type named', async () => {
    const response = await post('<token>abc</token>', 'application/xml', 'req-xml-1');
    expect(response.status).toBe(415);
    const body: any = await response.json();
    expect(body.status_code).toBe(2000);
    expect(body.status_message).toMatch(/application\/xml/);
  });

  it('a path we do not serve under /ocpi/: HTTP 404 with an OCPI envelope', async () => {
    const response = await fetch(`${service.url}/ocpi/emsp/2.2.1/no-such-module`, { headers: { Authorization: `Token ${Buffer.from(tokenA).toString('base64')}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status_code: 2000, status_message: expect.any(String), timestamp: expect.any(String) });
    const entry = await callLogEntry(service, `?connection_id=${connectionId}&direction=INCOMING`, (e) => e.url.endsWith('/no-such-module'));
    expect(entry.explanation).toMatch(/^the CPO called an endpoint or version we do not serve/);
  });

  it('is in the call log against the calling CPO (known by its token), with the body as sent, token redacted', async () => {
    const entry = await callLogEntry(service, `?connection_id=${connectionId}&direction=INCOMING`, (e) => e.request_id === 'req-malformed-1');
    expect(entry).toMatchObject({ http_status: 400, ocpi_status: 2001, module: 'credentials', method: 'POST' });
    expect(entry.request_body).toContain('"token": "[REDACTED]"');
    expect(entry.request_body).not.toContain('abc');
  });

  it('the internal API keeps HTTP terms: invalid JSON to an operations endpoint is a 400 with a message', async () => {
    const response = await fetch(`${service.url}/api/v1/operations/connections`, {
      method: 'POST',
      headers: { 'X-API-Key': 'test-operations-api-key-0001', 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    const body: any = await response.json();
    expect(body.message).toMatch(/not valid JSON/i);
    expect(body.status_code).toBeUndefined();
  });
});
