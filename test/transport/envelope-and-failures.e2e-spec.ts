/**
 * transport_and_format 2.2.1 §Response format and status_codes 2.2.1 (identical in 2.3.0; 2.1.1 has the same
 * envelope and 1xxx–3xxx codes): what the CPO simulator answers is read tolerantly, and every failure is
 * classified (transport, HTTP status, OCPI status, unparseable body, schema violation) with a plain-words reason.
 */
import { createServer } from 'node:net';
import { callError, collectPages, directClient, DirectClient, registeredSimulator, RegisteredSimulator, someLocations } from '../support/direct-client';

describe('transport_and_format 2.2.1 §Response format: the envelope is read tolerantly', () => {
  let cpo: RegisteredSimulator;
  let direct: DirectClient;
  beforeAll(async () => {
    cpo = await registeredSimulator({ locations: someLocations(3) });
    direct = directClient();
  });
  afterEach(() => cpo.simulator.setQuirks(undefined));
  afterAll(() => cpo.close());

  it('a spec envelope: data read, no deviation', async () => {
    const reply = await direct.client.request(cpo.call('locations'));
    expect(reply).toMatchObject({ httpStatus: 200, deviations: [] });
    expect(reply.data).toHaveLength(3);
  });

  it('a missing timestamp (card. 1) and status_code as a string are accepted and reported', async () => {
    cpo.simulator.setQuirks({ envelope: { omitTimestamp: true, statusCodeAsString: true } });
    const reply = await direct.client.request(cpo.call('locations'));
    expect(reply.data).toHaveLength(3);
    expect(reply.deviations.map((d) => d.kind).sort()).toEqual(['ENVELOPE_STATUS_CODE_AS_STRING', 'ENVELOPE_TIMESTAMP_MISSING']);
  });

  it('a body with a byte order mark is read (axios drops the BOM before we see it)', async () => {
    cpo.simulator.setQuirks({ envelope: { byteOrderMark: true } });
    const reply = await direct.client.request(cpo.call('locations'));
    expect(reply.data).toHaveLength(3);
  });

  it('data null from a list endpoint with 1000 is an empty page, reported as ENVELOPE_DATA_NULL', async () => {
    cpo.simulator.setQuirks({ envelope: { dataNull: true } });
    const pages = [];
    for await (const page of direct.client.pages(cpo.call('locations'))) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ items: [], deviations: [{ kind: 'ENVELOPE_DATA_NULL', field: 'envelope.data' }] });
  });
});

describe('status_codes 2.2.1: every failure is classified, explained and recorded', () => {
  let cpo: RegisteredSimulator;
  let direct: DirectClient;
  beforeAll(async () => {
    cpo = await registeredSimulator({ locations: someLocations(3) });
  });
  beforeEach(() => {
    direct = directClient({ timeoutMs: 300 });
  });
  afterEach(() => cpo.simulator.setQuirks(undefined));
  afterAll(() => cpo.close());

  it.each([
    [2000, 'generic client error'],
    [2001, 'invalid or missing parameters'],
    [2002, 'not enough information'],
    [2003, 'unknown Location'],
    [2004, 'unknown Token'],
    [3000, 'generic server error'],
    [3001, 'unable to use our API'],
    [3002, 'unsupported version'],
    [3003, 'no matching endpoints'],
    [4001, 'hub does not know the receiver'],
  ])('§2xxx/3xxx/4xxx: OCPI status %i with HTTP 200 is an OCPI_STATUS failure saying "%s"', async (code, meaning) => {
    cpo.simulator.setQuirks({ envelope: { ocpiError: { statusCode: code, message: 'as the CPO put it' } } });
    const error = await callError(direct.client.request(cpo.call('locations')));
    expect(error.kind).toBe('OCPI_STATUS');
    expect(error.details).toMatchObject({ httpStatus: 200, ocpiStatus: code, attempts: 1 });
    expect(error.explanation).toContain(meaning);
    expect(error.explanation).toContain('"as the CPO put it"');
    expect(direct.recorded).toHaveLength(1);
    expect(direct.recorded[0]).toMatchObject({ direction: 'OUTGOING', kind: 'OCPI_STATUS', ocpiStatus: code, httpStatus: 200, method: 'GET' });
  });

  it('status_codes 2.2.1: an HTTP 404 with an OCPI envelope is HTTP_STATUS and keeps the OCPI code and message', async () => {
    const error = await callError(direct.client.request(cpo.call('locations/XYZ')));
    expect(error).toMatchObject({ kind: 'HTTP_STATUS', details: { httpStatus: 404, ocpiStatus: 2003, attempts: 1 } });
    expect(error.explanation).toMatch(/^HTTP 404: .*CPO said: "Unknown Location "XYZ""/);
  });

  it('an HTML error page with HTTP 502 is HTTP_STATUS after the GET was retried (3 attempts), body kept for the log', async () => {
    cpo.simulator.setQuirks({ envelope: { rawBody: { httpStatus: 502, body: '<html><h1>502 Bad Gateway</h1></html>' } } });
    const before = cpo.simulator.requests.length;
    const error = await callError(direct.client.request(cpo.call('locations')));
    expect(error).toMatchObject({ kind: 'HTTP_STATUS', details: { httpStatus: 502, attempts: 3 } });
    expect(cpo.simulator.requests.length - before).toBe(3);
    expect(direct.recorded[0].responseBody).toContain('502 Bad Gateway');
  });

  it('HTTP 200 with a body that is not JSON is UNPARSEABLE, naming what came', async () => {
    cpo.simulator.setQuirks({ envelope: { rawBody: { httpStatus: 200, body: '<html>Maintenance</html>' } } });
    const error = await callError(direct.client.request(cpo.call('locations')));
    expect(error.kind).toBe('UNPARSEABLE');
    expect(error.explanation).toContain('not JSON (it starts with "<html>Maintenance</html>")');
  });

  it('HTTP 200 with JSON that has no status_code is UNPARSEABLE', async () => {
    cpo.simulator.setQuirks({ envelope: { rawBody: { httpStatus: 200, body: '[{"id":"1"}]', contentType: 'application/json' } } });
    expect((await callError(direct.client.request(cpo.call('locations')))).kind).toBe('UNPARSEABLE');
  });

  it('a list endpoint whose data is not a list is a SCHEMA_VIOLATION of the whole response, not a rejected object', async () => {
    cpo.simulator.setQuirks({ envelope: { dataNotAList: true } });
    const { items, error } = await collectPages(direct.client, cpo.call('locations'));
    expect(items).toEqual([]);
    expect(error).toMatchObject({ kind: 'SCHEMA_VIOLATION', details: { httpStatus: 200 } });
    expect(error!.explanation).toContain('an object in data instead of a JSON array');
    expect(direct.recorded[0]).toMatchObject({ kind: 'SCHEMA_VIOLATION', responseBody: expect.stringContaining('"objects"') });
  });

  it('TRANSPORT, refused: nothing listens on the port', async () => {
    const port = await freePort();
    const error = await callError(direct.client.request({ ...cpo.call('locations'), url: `http://127.0.0.1:${port}/ocpi/cpo/2.2.1/locations` }));
    expect(error).toMatchObject({ kind: 'TRANSPORT', details: { transportCause: 'REFUSED', attempts: 3 } });
  });

  it('TRANSPORT, timeout: the CPO answers later than the timeout of each attempt', async () => {
    cpo.simulator.setQuirks({ delayMs: 1000 });
    const error = await callError(direct.client.request(cpo.call('locations')));
    expect(error).toMatchObject({ kind: 'TRANSPORT', details: { transportCause: 'TIMEOUT', attempts: 3 } });
    expect(error.explanation).toContain('no answer within OCPI_RESPONSE_TIMEOUT_MS');
  });

  it('TRANSPORT, connection closed without an answer', async () => {
    cpo.simulator.setQuirks({ dropConnections: 10 });
    const error = await callError(direct.client.request(cpo.call('locations')));
    expect(error).toMatchObject({ kind: 'TRANSPORT', details: { transportCause: 'RESET' } });
  });

  it('TRANSPORT, TLS: an https URL on an endpoint that does not speak TLS', async () => {
    const error = await callError(direct.client.request({ ...cpo.call('locations'), url: cpo.call('locations').url.replace('http:', 'https:') }));
    expect(error).toMatchObject({ kind: 'TRANSPORT', details: { transportCause: 'TLS' } });
    expect(error.explanation).toMatch(/^TLS failure/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
