/**
 * Structured JSON logs, read as the service writes them (its pino destination captured): every line written while
 * handling a CPO's push carries the request id (the X-Request-ID the CPO sent, transport_and_format 2.2.1 §Unique
 * message IDs) and the CPO (connection_id and party); lines of a pull carry the CPO too; and no line, of the whole run
 * (registration and credentials exchange included), holds a credentials token in any form.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { encodeAuthorization } from '../cpo-simulator/auth';
import { pushClientFor } from '../cpo-simulator/push-client';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

describe('structured JSON logs: request id and CPO on every line, tokens never', () => {
  const party = { countryCode: 'NL', partyId: 'LOG' };
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l.length > 0),
      );
      callback();
    },
  });
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  let service: TestService;
  let cpo: RegisteredCpo;

  beforeAll(async () => {
    // debug: the most lines, "request completed" with its request included.
    service = await startTestService({ env: { LOG_LEVEL: 'debug' }, logDestination: capture });
    const locations = locationsFor('2.2.1', { count: 2, seed: 3, center: { latitude: 52.0, longitude: 4.3 }, radiusKm: 1, ...party });
    cpo = await registerCpo(service, { version: '2.2.1', ...party, locations, tariffs: [] });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('every line is JSON', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('mod_locations 2.2.1 §Receiver Interface: the lines of a push carry its X-Request-ID, connection_id and party', async () => {
    const requestId = randomUUID();
    const client = pushClientFor(cpo.simulator);
    // A PATCH of a Location we do not hold: answered 2003 and logged (the fetch it schedules), so there is more than the access line.
    const answer = await client.patchLocation('LOG-UNKNOWN', { last_updated: new Date().toISOString(), name: 'x' }, { headers: { 'X-Request-ID': requestId } });
    expect(answer.httpStatus).toBe(404);
    expect(answer.headers['x-request-id']).toBe(requestId);
    const ofRequest = parsed().filter((l) => l.request_id === requestId);
    expect(ofRequest.length).toBeGreaterThanOrEqual(1);
    expect(ofRequest.map((l) => ({ connection_id: l.connection_id, party: l.party }))).toEqual(ofRequest.map(() => ({ connection_id: cpo.connectionId, party: 'NL*LOG' })));
  });

  it('a request without X-Request-ID gets one, the same in its log lines and in the answer', async () => {
    const before = lines.length;
    const response = await fetch(`${service.url}/ocpi/emsp/2.2.1/locations/NL/LOG/LOG-NONE`, {
      headers: { Authorization: encodeAuthorization(cpo.simulator.registration.tokenForClient!, 'base64') },
    });
    expect(response.status).toBe(404);
    const echoed = response.headers.get('x-request-id');
    expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    const newLines = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(newLines.filter((l) => l.request_id === echoed).length).toBeGreaterThanOrEqual(1);
  });

  it('the lines of a pull carry the CPO: a pull from a CPO that is gone logs its failures with connection_id and party', async () => {
    const gone = await registerCpo(service, { version: '2.2.1', countryCode: 'NL', partyId: 'GNE', locations: [], tariffs: [] });
    await gone.simulator.close();
    const before = lines.length;
    await gone.sync();
    const ofPull = lines
      .slice(before)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.context === 'SyncService' || l.context === 'OcpiClient');
    expect(ofPull.length).toBeGreaterThanOrEqual(1);
    expect(ofPull.map((l) => ({ connection_id: l.connection_id, party: l.party }))).toEqual(ofPull.map(() => ({ connection_id: gone.connectionId, party: 'NL*GNE' })));
  });

  it('transport_and_format 2.2.1 §Authorization header: no line holds a credentials token, plain or Base64, nor an API key', async () => {
    const registration = cpo.simulator.registration;
    const tokens = [cpo.simulator.tokenA, registration.tokenB!, registration.tokenC!, registration.tokenForClient!, registration.tokenForUs!];
    // A push whose body carries a token field too (a CPO's mistake): redacted in the log like the header.
    const secretInBody = `body-secret-${randomUUID()}`;
    await pushClientFor(cpo.simulator).patchLocation('LOG-UNKNOWN-2', { last_updated: new Date().toISOString(), token: secretInBody });
    const everything = lines.join('\n');
    expect(everything).toContain('"authorization":"[Redacted]"');
    for (const token of [...tokens, secretInBody]) {
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(Buffer.from(token).toString('base64'));
    }
    expect(everything).not.toContain('test-operations-api-key-0001');
  });
});
