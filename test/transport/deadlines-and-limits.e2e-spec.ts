/**
 * What one call to a CPO may cost us, per attempt (transport_and_format 2.2.1 §Offline behaviour: a party may be
 * unreachable for an undefined time; GETs are retried, POST/PUT/PATCH are not): a deadline to connect (TCP and TLS,
 * OCPI_CONNECT_TIMEOUT_MS), to the first byte of the answer (OCPI_RESPONSE_TIMEOUT_MS) and for the whole body
 * (OCPI_BODY_TIMEOUT_MS, however the CPO trickles it), and a cap on the size of what we read (OCPI_MAX_RESPONSE_BYTES,
 * counted on the wire and once inflated), each failure naming its setting, in the call log.
 */
import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { callError, directClient, registeredSimulator, RegisteredSimulator, someLocations } from '../support/direct-client';
import { callLogEntry } from '../support/call-log';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const LIMIT = 64 * 1024;

describe('transport_and_format 2.2.1 §Offline behaviour: per-attempt deadlines on connect, first byte and whole body', () => {
  let cpo: RegisteredSimulator;
  beforeAll(async () => {
    cpo = await registeredSimulator({ locations: someLocations(3) });
  });
  afterEach(() => cpo.simulator.setQuirks(undefined));
  afterAll(() => cpo.close());

  const attempts = (from: number) => cpo.simulator.requests.slice(from).filter((r) => r.url.includes('/locations'));

  it('connect: a host that takes the TCP connection but never completes the TLS handshake times out after OCPI_CONNECT_TIMEOUT_MS, and a GET is retried', async () => {
    const silent = await startSilentServer();
    try {
      const direct = directClient({ connectTimeoutMs: 200, timeoutMs: 5000, bodyTimeoutMs: 5000 });
      const url = `https://127.0.0.1:${silent.port}/ocpi/cpo/2.2.1/locations`;
      const error = await callError(direct.client.request({ method: 'GET', url, token: 'c', encoding: 'base64' }));
      expect(error).toMatchObject({ kind: 'TRANSPORT', details: { transportCause: 'TIMEOUT', attempts: 3 } });
      expect(error.explanation).toContain('no connection (TCP and TLS) within OCPI_CONNECT_TIMEOUT_MS (200 ms)');
      expect(silent.connections()).toBe(3);
      expect(direct.recorded).toEqual([expect.objectContaining({ kind: 'TRANSPORT', url, explanation: expect.stringContaining('OCPI_CONNECT_TIMEOUT_MS') })]);
    } finally {
      await silent.close();
    }
  });

  it('first byte: a CPO that never starts answering times out after OCPI_RESPONSE_TIMEOUT_MS on every attempt', async () => {
    cpo.simulator.setQuirks({ delayMs: 60_000 });
    const before = cpo.simulator.requests.length;
    const direct = directClient({ timeoutMs: 200 });
    const error = await callError(direct.client.request(cpo.call('locations')));
    expect(error).toMatchObject({ kind: 'TRANSPORT', details: { transportCause: 'TIMEOUT', attempts: 3 } });
    expect(error.explanation).toContain('no answer within OCPI_RESPONSE_TIMEOUT_MS (200 ms) of sending the request');
    const sent = attempts(before);
    expect(sent).toHaveLength(3);
    // transport_and_format 2.2.1 §Unique message IDs: each attempt is a new request (its own X-Request-ID) of one call (one X-Correlation-ID).
    expect(new Set(sent.map((r) => r.headers['x-request-id'])).size).toBe(3);
    expect(new Set(sent.map((r) => r.headers['x-correlation-id'])).size).toBe(1);
    expect(error.details.requestId).toBe(sent[2].headers['x-request-id']);
  });

  it('whole body: a body that trickles in (a few bytes every 50 ms, never idle long) is cut at OCPI_BODY_TIMEOUT_MS and the GET retried', async () => {
    cpo.simulator.setQuirks({ body: { trickle: { bytes: 16, everyMs: 50 } } });
    const before = cpo.simulator.requests.length;
    const direct = directClient({ timeoutMs: 1000, bodyTimeoutMs: 300 });
    const error = await callError(direct.client.request(cpo.call('locations')));
    expect(error).toMatchObject({ kind: 'TRANSPORT', details: { transportCause: 'TIMEOUT', attempts: 3 } });
    expect(error.explanation).toContain('the body was not complete within OCPI_BODY_TIMEOUT_MS (300 ms) of its first byte');
    expect(attempts(before)).toHaveLength(3);
  });

  it('a trickling body that completes within OCPI_BODY_TIMEOUT_MS is read whole', async () => {
    cpo.simulator.setQuirks({ body: { trickle: { bytes: 2048, everyMs: 20 } } });
    const reply = await directClient({ bodyTimeoutMs: 5000 }).client.request(cpo.call('locations'));
    expect(reply.data).toHaveLength(3);
  });

  it('a POST whose answer does not start within the deadline is not resent (§Offline behaviour)', async () => {
    cpo.simulator.setQuirks({ modules: ['credentials'], delayMs: 60_000 });
    const before = cpo.simulator.requests.length;
    const error = await callError(directClient({ timeoutMs: 200 }).client.request(cpo.call('credentials', { method: 'POST', body: {} })));
    expect(error).toMatchObject({ kind: 'TRANSPORT', details: { transportCause: 'TIMEOUT', attempts: 1 } });
    expect(cpo.simulator.requests.slice(before)).toHaveLength(1);
  });
});

describe('transport_and_format 2.2.1 §Pagination: a page larger than OCPI_MAX_RESPONSE_BYTES is not read', () => {
  let cpo: RegisteredSimulator;
  beforeAll(async () => {
    cpo = await registeredSimulator({ locations: someLocations(3) });
  });
  afterEach(() => cpo.simulator.setQuirks(undefined));
  afterAll(() => cpo.close());

  const attempts = (from: number) => cpo.simulator.requests.slice(from).filter((r) => r.url.includes('/locations'));

  it.each([
    ['announced by Content-Length', {}],
    ['sent chunked, without Content-Length', { chunked: true }],
    ['gzip-compressed: small on the wire, too large once inflated', { gzip: true, chunked: true }],
  ])('%s: RESPONSE_TOO_LARGE naming the limit, not retried, in the call log', async (_what, how) => {
    cpo.simulator.setQuirks({ body: { padBytes: 4 * LIMIT, ...how } });
    const before = cpo.simulator.requests.length;
    const direct = directClient({ maxResponseBytes: LIMIT });
    const call = cpo.call('locations');
    const error = await callError(direct.client.request(call));
    expect(error).toMatchObject({ kind: 'RESPONSE_TOO_LARGE', details: { method: 'GET', url: call.url, attempts: 1 } });
    expect(error.explanation).toContain(`larger than OCPI_MAX_RESPONSE_BYTES (${LIMIT} bytes)`);
    expect(error.message).toContain(call.url);
    expect(attempts(before)).toHaveLength(1);
    expect(direct.recorded).toEqual([expect.objectContaining({ kind: 'RESPONSE_TOO_LARGE', url: call.url, responseBody: null })]);
  });

  it('a page just under the limit is read, padding and all', async () => {
    cpo.simulator.setQuirks({ body: { padBytes: LIMIT / 2, gzip: true } });
    const reply = await directClient({ maxResponseBytes: LIMIT }).client.request<any[]>(cpo.call('locations'));
    expect(reply.data[0].x_padding).toHaveLength(LIMIT / 2);
  });
});

describe('a pull meets a page too large: the run fails naming the limit and the URL, and nothing of that page is kept', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  const owner = { countryCode: 'NL', partyId: 'BIG' };
  beforeAll(async () => {
    service = await startTestService({ env: { OCPI_MAX_RESPONSE_BYTES: String(LIMIT) } });
    cpo = await registerCpo(service, { ...owner, locations: someLocations(3, 5, owner) });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('locations FAILED (RESPONSE_TOO_LARGE); no location, no rejected object, no raw payload of it stored', async () => {
    cpo.simulator.setQuirks({ modules: ['locations'], body: { padBytes: 16 * LIMIT, chunked: true } });
    const outcomes = await cpo.sync();
    const locations = outcomes.find((o: any) => o.module === 'locations');
    expect(locations).toMatchObject({ status: 'FAILED', pages: 0, stored: 0 });
    expect(locations.message).toContain('(RESPONSE_TOO_LARGE)');
    expect(locations.message).toContain(`${cpo.simulator.baseUrl}/2.2.1/locations`);
    expect(locations.message).toContain(`OCPI_MAX_RESPONSE_BYTES (${LIMIT} bytes)`);
    const entry = await callLogEntry(service, `?connection_id=${cpo.connectionId}&kind=RESPONSE_TOO_LARGE`, () => true);
    expect(entry).toMatchObject({ module: 'locations', method: 'GET', response_body: null });
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.stored.locations).toBe(0);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects`)).body).toEqual([]);
  });
});

/** A TCP server that accepts connections and never sends a byte (a TLS client waits for the handshake forever). */
async function startSilentServer(): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
