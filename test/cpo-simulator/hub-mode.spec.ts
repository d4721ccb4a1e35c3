/**
 * The CPO simulator playing a Hub, checked against mod_hub_client_info 2.2.1 and transport_and_format 2.2.1 §Message
 * Routing, over real HTTP on loopback.
 */
import { startCpoSimulator, type CpoSimulator } from './index';
import { call, register, startFakeEmsp, walkPages, type FakeEmsp } from './spec-helpers';

const HUB = { countryCode: 'DE', partyId: 'HUB', roles: [{ role: 'HUB' as const, countryCode: 'DE', partyId: 'HUB', businessName: 'Sim Hub' }] };
const clientInfo = (partyId: string, lastUpdated: string) => ({ party_id: partyId, country_code: 'NL', role: 'CPO', status: 'CONNECTED', last_updated: lastUpdated });

describe('CPO simulator as a Hub (OCPI 2.2.1)', () => {
  let emsp: FakeEmsp;
  let sim: CpoSimulator;
  let tokenC: string;
  const list = Array.from({ length: 7 }, (_, i) => clientInfo(`C${i}`, `2026-0${i + 1}-01T00:00:00Z`));
  beforeAll(async () => {
    emsp = await startFakeEmsp();
    sim = await startCpoSimulator({ ...HUB, maxPageLimit: 3, hubClientInfo: list });
    tokenC = await register(sim, emsp);
  });
  afterAll(async () => {
    await sim.close();
    await emsp.close();
  });

  it('version_information_endpoint 2.2.1 §Version details: hubclientinfo listed as SENDER only when the Hub serves ClientInfo', async () => {
    const details = await call(`${sim.baseUrl}/2.2.1`, tokenC);
    expect((details.body.data as { endpoints: unknown[] }).endpoints).toContainEqual({ identifier: 'hubclientinfo', role: 'SENDER', url: `${sim.baseUrl}/2.2.1/hubclientinfo` });
    sim.setHubClientInfo(null);
    const without = await call(`${sim.baseUrl}/2.2.1`, tokenC);
    expect((without.body.data as { endpoints: Array<{ identifier: string }> }).endpoints.map((e) => e.identifier)).not.toContain('hubclientinfo');
    expect((await call(`${sim.baseUrl}/2.2.1/hubclientinfo`, tokenC)).status).toBe(404);
    sim.setHubClientInfo(list);
  });

  it('mod_hub_client_info 2.2.1 §Sender Interface §GET Method: every ClientInfo once over the pages, date_from on last_updated, no routing headers', async () => {
    const pages = await walkPages(`${sim.baseUrl}/2.2.1/hubclientinfo`, tokenC);
    expect(pages.flatMap((p) => p.body.data as unknown[])).toEqual(list);
    expect(pages).toHaveLength(3);
    for (const page of pages) expect([...page.headers.keys()].filter((h) => h.startsWith('ocpi-'))).toEqual([]);
    const since = await call(`${sim.baseUrl}/2.2.1/hubclientinfo?date_from=2026-06-01T00:00:00Z`, tokenC);
    expect((since.body.data as Array<{ party_id: string }>).map((c) => c.party_id)).toEqual(['C5', 'C6']);
    expect((await call(`${sim.baseUrl}/2.2.1/hubclientinfo`, tokenC, { method: 'PUT', body: {} })).status).toBe(405);
  });
});
