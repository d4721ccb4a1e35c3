/**
 * The simulator's OCPI 2.1.1 and 2.3.0 adapters and its quirks, checked against the spec text over real
 * HTTP on loopback. Each title names the section it checks.
 */
import { encodeAuthorization, startCpoSimulator, type CpoSimulator } from './index';
import { call, startFakeEmsp, type FakeEmsp } from './spec-helpers';

const OWNER = { countryCode: 'NL', partyId: 'SIM' };

describe('CPO simulator (OCPI 2.1.1)', () => {
  let sim: CpoSimulator;
  let emsp: FakeEmsp;
  beforeAll(async () => {
    sim = await startCpoSimulator({ ...OWNER, version: '2.1.1', businessName: 'Old Sim' });
    emsp = await startFakeEmsp('only-2.1.1');
  });
  afterAll(async () => {
    await sim.close();
    await emsp.close();
  });

  it('transport_and_format 2.1.1 §Security and authentication: the token as is; a Base64-encoded one is unknown (401)', async () => {
    expect((await call(sim.versionsUrl, null, { rawAuthorization: `Token ${sim.tokenA}` })).status).toBe(200);
    expect((await call(sim.versionsUrl, sim.tokenA)).status).toBe(401);
    expect(sim.requests.map((r) => [r.status, r.authorizationEncoding, r.token])).toEqual([
      [200, 'plain', 'A'],
      [401, 'plain', 'unknown'],
    ]);
  });

  it('version_information_endpoint 2.1.1 §Version details endpoint: endpoints without role; no message id headers', async () => {
    const res = await call(`${sim.baseUrl}/2.1.1`, null, { rawAuthorization: `Token ${sim.tokenA}` });
    expect(res.body.data).toEqual({ version: '2.1.1', endpoints: ['credentials', 'locations', 'tariffs'].map((m) => ({ identifier: m, url: `${sim.baseUrl}/2.1.1/${m}` })) });
    expect(res.headers.get('x-request-id')).toBeNull();
  });

  it('credentials 2.1.1 §1.2 POST, §2.1 Credentials object: flat credentials in, flat credentials out', async () => {
    const body = { token: 'token-b-211', url: emsp.versionsUrl, party_id: 'AGG', country_code: 'NL', business_details: { name: 'Aggregator' } };
    const res = await call(`${sim.baseUrl}/2.1.1/credentials`, null, { method: 'POST', body, rawAuthorization: `Token ${sim.tokenA}` });
    expect(res.body.status_code).toBe(1000);
    expect(res.body.data).toEqual({ token: expect.any(String), url: sim.versionsUrl, party_id: 'SIM', country_code: 'NL', business_details: { name: 'Old Sim' } });
    expect(emsp.authorizations).toEqual(['Token token-b-211', 'Token token-b-211']);
    expect(sim.registration.clientCredentials?.roles).toEqual([{ role: 'EMSP', party_id: 'AGG', country_code: 'NL', business_details: { name: 'Aggregator' } }]);
  });
});

describe('CPO simulator (OCPI 2.3.0)', () => {
  it('credentials 2.3.0 §Credentials object: hub_party_id and every role it is given', async () => {
    const roles = [
      { role: 'HUB' as const, countryCode: 'NL', partyId: 'HUB', businessName: 'Hub' },
      { role: 'CPO' as const, countryCode: 'NL', partyId: 'CP1' },
    ];
    const sim = await startCpoSimulator({ ...OWNER, version: '2.3.0', roles, hubPartyId: 'NLHUB' });
    try {
      const res = await call(`${sim.baseUrl}/2.3.0/credentials`, sim.tokenA);
      expect(res.body.data).toEqual({
        token: sim.tokenA,
        url: sim.versionsUrl,
        hub_party_id: 'NLHUB',
        roles: [
          { role: 'HUB', party_id: 'HUB', country_code: 'NL', business_details: { name: 'Hub' } },
          { role: 'CPO', party_id: 'CP1', country_code: 'NL', business_details: { name: 'SIM Charging (simulator)' } },
        ],
      });
    } finally {
      await sim.close();
    }
  });
});

describe('CPO simulator quirks', () => {
  it('acceptTokenEncoding either: a 2.2.1 simulator takes the plain token too, and logs it as not the prescribed scheme', async () => {
    const sim = await startCpoSimulator({ ...OWNER, quirks: { acceptTokenEncoding: 'either' } });
    try {
      expect((await call(sim.versionsUrl, null, { rawAuthorization: encodeAuthorization(sim.tokenA, 'plain') })).status).toBe(200);
      expect(sim.requests[0]).toMatchObject({ token: 'A', authorizationEncoding: 'plain', authorizationSchemeOk: false });
    } finally {
      await sim.close();
    }
  });

  it('omitModules and relocateEndpoints: version details without locations; moved endpoints, the old ones 404', async () => {
    const sim = await startCpoSimulator({ ...OWNER, quirks: { omitModules: ['locations'] } });
    try {
      const details = await call(`${sim.baseUrl}/2.2.1`, sim.tokenA);
      expect((details.body.data as any).endpoints.map((e: any) => e.identifier)).toEqual(['credentials', 'tariffs']);
      sim.relocateEndpoints();
      expect((await call(`${sim.baseUrl}/2.2.1`, sim.tokenA)).status).toBe(404);
      const versions = await call(sim.versionsUrl, sim.tokenA);
      expect(versions.body.data).toEqual([{ version: '2.2.1', url: `${sim.baseUrl}/moved-1/2.2.1` }]);
      expect((await call(`${sim.baseUrl}/moved-1/2.2.1`, sim.tokenA)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
