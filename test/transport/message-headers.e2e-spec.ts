/**
 * transport_and_format 2.2.1 §Unique message IDs and §Message Routing (the same in 2.3.0; 2.1.1 has neither):
 * what we send on every request, what we answer on our own endpoints, and routing headers through a hub.
 */
import { TRANSPORT_RULES_2_1, TRANSPORT_RULES_2_2 } from '../../src/ocpi/wire/transport-rules';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { collectPages, directClient, registeredSimulator, RegisteredSimulator, someLocations } from '../support/direct-client';
import { startTestService, TestService } from '../support/test-service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('transport_and_format §Unique message IDs: our requests', () => {
  let cpo: RegisteredSimulator;
  beforeAll(async () => {
    cpo = await registeredSimulator({ locations: someLocations(12), maxPageLimit: 5 });
  });
  afterEach(() => cpo.simulator.setQuirks(undefined));
  afterAll(() => cpo.close());
  const sent = (from: number) => cpo.simulator.requests.slice(from).map((r) => r.headers);

  it('2.2.1: every request has a unique X-Request-ID; the pages of one pull share one X-Correlation-ID', async () => {
    const before = cpo.simulator.requests.length;
    await collectPages(directClient().client, cpo.call('locations', { transport: TRANSPORT_RULES_2_2, context: { correlationId: 'pull-1234' } }));
    const headers = sent(before);
    expect(headers).toHaveLength(3);
    expect(new Set(headers.map((h) => h['x-request-id'])).size).toBe(3);
    headers.forEach((h) => expect(h['x-request-id']).toMatch(UUID));
    expect(headers.map((h) => h['x-correlation-id'])).toEqual(['pull-1234', 'pull-1234', 'pull-1234']);
  });

  it('2.2.1: a retried GET is a new request with a new X-Request-ID and the same X-Correlation-ID', async () => {
    cpo.simulator.setQuirks({ failures: { count: 1, httpStatus: 502 } });
    const before = cpo.simulator.requests.length;
    await directClient().client.request(cpo.call('locations'));
    const [first, retry] = sent(before);
    expect(retry['x-request-id']).not.toBe(first['x-request-id']);
    expect(retry['x-correlation-id']).toBe(first['x-correlation-id']);
  });

  it('2.1.1 (transport_and_format 2.1.1 has no unique message ids): neither header is sent', async () => {
    const before = cpo.simulator.requests.length;
    await directClient().client.request(cpo.call('locations', { transport: TRANSPORT_RULES_2_1 }));
    expect(sent(before)[0]).not.toHaveProperty('x-request-id');
    expect(sent(before)[0]).not.toHaveProperty('x-correlation-id');
  });

  it('§Request format: Content-Type application/json only on requests with a body', async () => {
    const before = cpo.simulator.requests.length;
    await directClient()
      .client.request(cpo.call('locations'))
      .catch(() => undefined);
    await directClient()
      .client.request(cpo.call('credentials', { method: 'PUT', body: {} }))
      .catch(() => undefined);
    const [get, put] = sent(before);
    expect(get).not.toHaveProperty('content-type');
    expect(put['content-type']).toBe('application/json');
  });

  it('§Message Routing: routeTo sends OCPI-to-* for the party and OCPI-from-* for us (2.2.1), nothing in 2.1.1', async () => {
    const before = cpo.simulator.requests.length;
    const routeTo = { countryCode: 'DE', partyId: 'HUB' };
    await directClient().client.request(cpo.call('locations', { routeTo }));
    await directClient().client.request(cpo.call('locations', { routeTo, transport: TRANSPORT_RULES_2_1 }));
    const [v221, v211] = sent(before);
    expect(v221).toMatchObject({ 'ocpi-to-country-code': 'DE', 'ocpi-to-party-id': 'HUB', 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'EMS' });
    expect(Object.keys(v211).filter((k) => k.startsWith('ocpi-'))).toEqual([]);
  });
});

describe('transport_and_format 2.2.1 §GET All via Hubs and §Unique message IDs, through the service', () => {
  let service: TestService;
  let hub: RegisteredCpo;
  let direct: RegisteredCpo;
  beforeAll(async () => {
    service = await startTestService();
    hub = await registerCpo(service, { countryCode: 'DE', partyId: 'HUB', quirks: { presentAsHub: true } });
    direct = await registerCpo(service, { countryCode: 'BE', partyId: 'DIR', locations: someLocations(3, 5, { countryCode: 'BE', partyId: 'DIR' }) });
  });
  afterAll(async () => {
    await hub?.close();
    await direct?.close();
    await service?.stop();
  });

  it('pulls from a HUB address the hub in OCPI-to-* and us in OCPI-from-*; the configuration modules carry no routing headers', async () => {
    const { body: connections } = await service.ops('GET', '/connections');
    expect(connections.find((c: any) => c.id === hub.connectionId).parties).toEqual([expect.objectContaining({ role: 'HUB', country_code: 'DE', party_id: 'HUB' })]);
    const before = hub.simulator.requests.length;
    const outcomes = await hub.sync();
    // This Hub lists Senders for tariffs and locations only: sessions, CDRs and its hubclientinfo (pulled last) are skipped.
    expect(outcomes.map((o: any) => [o.module, o.status])).toEqual([
      ['tariffs', 'SUCCEEDED'],
      ['locations', 'SUCCEEDED'],
      ['sessions', 'SKIPPED'],
      ['cdrs', 'SKIPPED'],
      ['hubclientinfo', 'SKIPPED'],
    ]);
    const pulls = hub.simulator.requests.slice(before);
    expect(pulls.map((r) => r.url.split('?')[0])).toEqual(['/ocpi/cpo/2.2.1/tariffs', '/ocpi/cpo/2.2.1/locations']);
    for (const r of pulls) {
      expect(r.headers).toMatchObject({ 'ocpi-to-country-code': 'DE', 'ocpi-to-party-id': 'HUB', 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'EMS' });
    }
    const registration = hub.simulator.requests.slice(0, before);
    expect(registration.flatMap((r) => Object.keys(r.headers).filter((k) => k.startsWith('ocpi-')))).toEqual([]);
  });

  it('pulls from a CPO connected directly (not a hub) carry no routing headers', async () => {
    const before = direct.simulator.requests.length;
    await direct.sync();
    const pulls = direct.simulator.requests.slice(before);
    expect(pulls.length).toBeGreaterThan(0);
    expect(pulls.flatMap((r) => Object.keys(r.headers).filter((k) => k.startsWith('ocpi-')))).toEqual([]);
  });

  it('our OCPI responses echo X-Request-ID and X-Correlation-ID, errors included, and generate them when absent', async () => {
    const echoed = await fetch(`${service.url}/ocpi/emsp/versions`, { headers: { 'X-Request-ID': 'req-1', 'X-Correlation-ID': 'corr-1' } });
    expect(echoed.status).toBe(401);
    expect([echoed.headers.get('x-request-id'), echoed.headers.get('x-correlation-id')]).toEqual(['req-1', 'corr-1']);
    const generated = await fetch(`${service.url}/ocpi/emsp/versions`);
    expect(generated.headers.get('x-request-id')).toMatch(UUID);
    expect(generated.headers.get('x-correlation-id')).toMatch(UUID);
  });

  it('transport_and_format 2.2.1 §Response format: our error envelope has status_code, status_message and a whole-second UTC timestamp', async () => {
    const response = await fetch(`${service.url}/ocpi/emsp/versions`, { headers: { Authorization: 'Token bm9wZQ==' } });
    expect(await response.json()).toEqual({ status_code: 2000, status_message: expect.any(String), timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
  });
});
