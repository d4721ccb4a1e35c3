/**
 * The CPO simulator checked against the OCPI 2.2.1 text, over real HTTP on loopback.
 * Each title names the section it checks.
 */
import { encodeBase64Authorization, generateLocations, GENERATOR_BASE_DATE, startCpoSimulator, type CpoSimulator, type Location } from './index';
import { call, emspCredentials, register, startFakeEmsp, walkPages, type FakeEmsp } from './spec-helpers';

const OWNER = { countryCode: 'NL', partyId: 'SIM' };
const TARIFF_IDS = ['T-AC', 'T-DC'];
const GEO = { center: { latitude: 52.3676, longitude: 4.9041 }, radiusKm: 15 };

function tariff(id: string, lastUpdated: string): Record<string, unknown> {
  return {
    country_code: 'NL',
    party_id: 'SIM',
    id,
    currency: 'EUR',
    last_updated: lastUpdated,
    elements: [{ price_components: [{ type: 'ENERGY', price: 0.35, step_size: 1 }] }],
  };
}

describe('CPO simulator (OCPI 2.2.1)', () => {
  let emsp: FakeEmsp;
  beforeAll(async () => {
    emsp = await startFakeEmsp();
  });
  afterAll(() => emsp.close());

  describe('version_information_endpoint 2.2.1', () => {
    let sim: CpoSimulator;
    beforeAll(async () => {
      sim = await startCpoSimulator({ ...OWNER, tokenA: 'token-a-versions' });
    });
    afterAll(() => sim.close());

    it('§Version information endpoint: GET versions with token A lists 2.2.1 in an envelope', async () => {
      const res = await call(sim.versionsUrl, sim.tokenA);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        data: [{ version: '2.2.1', url: `${sim.baseUrl}/2.2.1` }],
        status_code: 1000,
        status_message: 'Success',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
    });

    it('§Version details endpoint: credentials, locations and tariffs, all SENDER', async () => {
      const res = await call(`${sim.baseUrl}/2.2.1`, sim.tokenA);
      expect(res.body.data).toEqual({
        version: '2.2.1',
        endpoints: [
          { identifier: 'credentials', role: 'SENDER', url: `${sim.baseUrl}/2.2.1/credentials` },
          { identifier: 'locations', role: 'SENDER', url: `${sim.baseUrl}/2.2.1/locations` },
          { identifier: 'tariffs', role: 'SENDER', url: `${sim.baseUrl}/2.2.1/tariffs` },
        ],
      });
    });

    it('transport_and_format §Authorization header: missing, raw (not Base64) or unknown token → HTTP 401 with an envelope', async () => {
      for (const init of [{}, { rawAuthorization: `Token ${sim.tokenA}` }, { rawAuthorization: 'Bearer x' }]) {
        const res = await call(sim.versionsUrl, null, init);
        expect(res.status).toBe(401);
        expect(res.body.status_code).toBe(2000);
      }
      expect((await call(sim.versionsUrl, 'not-our-token')).status).toBe(401);
      const last = sim.requests[sim.requests.length - 1];
      expect(last).toMatchObject({ method: 'GET', status: 401, authorizationSchemeOk: true, token: 'unknown' });
      expect(sim.requests.find((r) => r.status === 401 && r.token === 'none' && !r.authorizationSchemeOk)).toBeDefined();
    });

    it('transport_and_format §Authorization header: token A is refused on locations and tariffs (HTTP 401)', async () => {
      expect((await call(`${sim.baseUrl}/2.2.1/locations`, sim.tokenA)).status).toBe(401);
      expect((await call(`${sim.baseUrl}/2.2.1/tariffs`, sim.tokenA)).status).toBe(401);
    });

    it('transport_and_format §Unique message IDs: X-Request-ID and X-Correlation-ID echoed, generated when absent', async () => {
      const echoed = await call(sim.versionsUrl, sim.tokenA, { headers: { 'X-Request-ID': 'req-1', 'X-Correlation-ID': 'corr-1' } });
      expect(echoed.headers.get('x-request-id')).toBe('req-1');
      expect(echoed.headers.get('x-correlation-id')).toBe('corr-1');
      const generated = await call(sim.versionsUrl, sim.tokenA);
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('status_codes 2.2.1: unknown path → HTTP 404 with an OCPI envelope', async () => {
      for (const path of ['/nope', '/2.1.1', '/2.2.1/cdrs']) {
        const res = await call(`${sim.baseUrl}${path}`, sim.tokenA);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ status_code: 2000, timestamp: expect.any(String) });
      }
    });
  });

  describe('credentials 2.2.1 §Registration', () => {
    let sim: CpoSimulator;
    beforeEach(async () => {
      sim = await startCpoSimulator({ ...OWNER, businessName: 'Sim Charging' });
      emsp.mode = 'ok';
      emsp.authorizations.length = 0;
    });
    afterEach(() => sim.close());

    it('§POST: fetches the client versions and details with Token base64(token B), answers token C', async () => {
      const body = emspCredentials(emsp.versionsUrl, 'token-b-123');
      const res = await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'POST', body });
      expect(res.status).toBe(200);
      expect(res.body.status_code).toBe(1000);
      const data = res.body.data as { token: string; url: string; roles: unknown[] };
      expect(data).toEqual({
        token: expect.stringMatching(/^[\x21-\x7e]{1,64}$/),
        url: sim.versionsUrl,
        roles: [{ role: 'CPO', party_id: 'SIM', country_code: 'NL', business_details: { name: 'Sim Charging' } }],
      });
      expect(emsp.authorizations).toEqual([encodeBase64Authorization('token-b-123'), encodeBase64Authorization('token-b-123')]);
      expect(sim.registration).toMatchObject({ registered: true, tokenB: 'token-b-123', tokenC: data.token, tokenAValid: false });
      expect(sim.registration.clientVersionDetails?.endpoints).toHaveLength(2);
    });

    it('§Registration: token A MAY no longer be used afterwards (HTTP 401); token C works everywhere', async () => {
      const tokenC = await register(sim, emsp);
      expect((await call(sim.versionsUrl, sim.tokenA)).status).toBe(401);
      expect((await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'POST', body: emspCredentials(emsp.versionsUrl) })).status).toBe(401);
      expect((await call(sim.versionsUrl, tokenC)).status).toBe(200);
      expect((await call(`${sim.baseUrl}/2.2.1/locations`, tokenC)).status).toBe(200);
      const get = await call(`${sim.baseUrl}/2.2.1/credentials`, tokenC);
      expect((get.body.data as { token: string }).token).toBe(tokenC);
    });

    it('§POST: HTTP 405 when the client is already registered', async () => {
      const tokenC = await register(sim, emsp);
      const res = await call(`${sim.baseUrl}/2.2.1/credentials`, tokenC, { method: 'POST', body: emspCredentials(emsp.versionsUrl) });
      expect(res.status).toBe(405);
      expect(res.body.status_code).toBeGreaterThanOrEqual(2000);
    });

    it('§PUT: refetches the client endpoints and issues a new token C; HTTP 405 before registration', async () => {
      const before = await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'PUT', body: emspCredentials(emsp.versionsUrl) });
      expect(before.status).toBe(405);
      const tokenC = await register(sim, emsp);
      const calls = emsp.authorizations.length;
      const res = await call(`${sim.baseUrl}/2.2.1/credentials`, tokenC, { method: 'PUT', body: emspCredentials(emsp.versionsUrl, 'token-b-2') });
      const newTokenC = (res.body.data as { token: string }).token;
      expect(newTokenC).not.toBe(tokenC);
      expect(emsp.authorizations.slice(calls)).toEqual([encodeBase64Authorization('token-b-2'), encodeBase64Authorization('token-b-2')]);
      expect((await call(sim.versionsUrl, tokenC)).status).toBe(401);
      expect((await call(sim.versionsUrl, newTokenC)).status).toBe(200);
    });

    it('§DELETE: unregisters (token C stops working); HTTP 405 when not registered', async () => {
      expect((await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'DELETE' })).status).toBe(405);
      const tokenC = await register(sim, emsp);
      const res = await call(`${sim.baseUrl}/2.2.1/credentials`, tokenC, { method: 'DELETE' });
      expect(res.status).toBe(200);
      expect(res.body.status_code).toBe(1000);
      expect(sim.registration.registered).toBe(false);
      expect((await call(sim.versionsUrl, tokenC)).status).toBe(401);
    });

    it.each([
      ['versions-http-500', 3001],
      ['details-not-json', 3001],
      ['no-2.2.1', 3002],
    ] as const)('§Errors during registration: client %s → status_code %i, not registered, token A still valid', async (mode, code) => {
      emsp.mode = mode;
      const res = await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'POST', body: emspCredentials(emsp.versionsUrl) });
      expect(res.body.status_code).toBe(code);
      expect(sim.registration.registered).toBe(false);
      expect((await call(sim.versionsUrl, sim.tokenA)).status).toBe(200);
    });

    it('§Errors during registration: unreachable client URL → 3001', async () => {
      const res = await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'POST', body: emspCredentials('http://127.0.0.1:1/versions') });
      expect(res.body.status_code).toBe(3001);
    });

    it('status_codes 2.2.1: invalid JSON → HTTP 400 / 2001; invalid Credentials object → 2001', async () => {
      const badJson = await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'POST', rawBody: '{"token":' });
      expect(badJson.status).toBe(400);
      expect(badJson.body.status_code).toBe(2001);
      const missing = await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'POST', body: { token: 'x', url: emsp.versionsUrl, roles: [] } });
      expect(missing.body.status_code).toBe(2001);
      const badRole = emspCredentials(emsp.versionsUrl);
      (badRole.roles as Record<string, unknown>[])[0].role = 'DRIVER';
      expect((await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'POST', body: badRole })).body.status_code).toBe(2001);
      expect(emsp.authorizations).toHaveLength(0);
    });
  });

  describe('transport_and_format 2.2.1 §Pagination (mod_locations / mod_tariffs §GET List)', () => {
    const locations = generateLocations({ ...OWNER, ...GEO, count: 237, seed: 42, tariffIds: TARIFF_IDS });
    let sim: CpoSimulator;
    let tokenC: string;
    beforeAll(async () => {
      emsp.mode = 'ok';
      sim = await startCpoSimulator({
        ...OWNER,
        maxPageLimit: 20,
        locations,
        tariffs: Array.from({ length: 7 }, (_, i) => tariff(`T-${i}`, `2024-0${i + 1}-01T00:00:00Z`)),
      });
      tokenC = await register(sim, emsp);
    });
    afterAll(() => sim.close());

    it('§Paginated Response: following Link visits every Location exactly once; X-Total-Count and X-Limit on every page', async () => {
      const pages = await walkPages(`${sim.baseUrl}/2.2.1/locations?limit=15`, tokenC);
      const ids = pages.flatMap((p) => (p.body.data as Location[]).map((l) => l.id));
      expect(ids).toEqual(locations.map((l) => l.id));
      expect(pages).toHaveLength(Math.ceil(237 / 15));
      for (const page of pages) {
        expect(page.headers.get('x-total-count')).toBe('237');
        expect(page.headers.get('x-limit')).toBe('15');
      }
      expect(pages[0].headers.get('link')).toBe(`<${sim.baseUrl}/2.2.1/locations?offset=15&limit=15>; rel="next"`);
      expect(pages[pages.length - 1].headers.get('link')).toBeNull();
    });

    it('§Paginated Request: limit is capped at the server maximum (X-Limit shows the cap); default limit is the maximum', async () => {
      const capped = await call(`${sim.baseUrl}/2.2.1/locations?limit=1000`, tokenC);
      expect(capped.headers.get('x-limit')).toBe('20');
      expect(capped.body.data as unknown[]).toHaveLength(20);
      expect(capped.headers.get('link')).toContain('offset=20&limit=20');
      const defaulted = await call(`${sim.baseUrl}/2.2.1/locations`, tokenC);
      expect(defaulted.headers.get('x-limit')).toBe('20');
    });

    it('§Paginated Request: date_from inclusive, date_to exclusive on last_updated; Link keeps the filters', async () => {
      const sorted = [...locations].sort((a, b) => a.last_updated.localeCompare(b.last_updated));
      const from = sorted[50].last_updated;
      const to = sorted[150].last_updated;
      const expected = locations.filter((l) => l.last_updated >= from && l.last_updated < to).map((l) => l.id);
      expect(expected).toContain(sorted[50].id);
      expect(expected).not.toContain(sorted[150].id);
      const pages = await walkPages(`${sim.baseUrl}/2.2.1/locations?date_from=${from}&date_to=${to}&limit=7`, tokenC);
      expect(pages.flatMap((p) => (p.body.data as Location[]).map((l) => l.id))).toEqual(expected);
      expect(pages[0].headers.get('x-total-count')).toBe(String(expected.length));
      const next = new URL(/<([^>]+)>/.exec(pages[0].headers.get('link') ?? '')![1]);
      expect(Object.fromEntries(next.searchParams)).toEqual({ offset: '7', limit: '7', date_from: from, date_to: to });
    });

    it('types §DateTime: a date_from without timezone designator means UTC', async () => {
      // A one-second window around one Location: any local-time reading of the bounds misses it.
      const target = locations[10];
      const from = target.last_updated.replace('Z', '');
      const to = new Date(Date.parse(target.last_updated) + 1000).toISOString().replace('.000Z', '');
      const res = await call(`${sim.baseUrl}/2.2.1/locations?date_from=${from}&date_to=${to}`, tokenC);
      const expected = locations.filter((l) => l.last_updated === target.last_updated).map((l) => l.id);
      expect((res.body.data as Location[]).map((l) => l.id)).toEqual(expected);
      expect(expected).toContain(target.id);
    });

    it('status_codes §2xxx: invalid offset, limit or date → 2001', async () => {
      for (const q of ['offset=-1', 'limit=abc', 'date_from=yesterday', 'date_to=2024-01-01T00:00:00%2B01:00']) {
        const res = await call(`${sim.baseUrl}/2.2.1/locations?${q}`, tokenC);
        expect(res.body.status_code).toBe(2001);
      }
    });

    it('mod_tariffs §GET: Tariffs are paginated the same way', async () => {
      const pages = await walkPages(`${sim.baseUrl}/2.2.1/tariffs?limit=3&date_from=2024-02-01T00:00:00Z`, tokenC);
      expect(pages.map((p) => (p.body.data as { id: string }[]).map((t) => t.id))).toEqual([
        ['T-1', 'T-2', 'T-3'],
        ['T-4', 'T-5', 'T-6'],
      ]);
      expect(pages[0].headers.get('x-total-count')).toBe('6');
    });

    it('transport_and_format §Message Routing Headers: functional module responses carry OCPI-from/to', async () => {
      const res = await call(`${sim.baseUrl}/2.2.1/locations?limit=1`, tokenC);
      expect(res.headers.get('ocpi-from-country-code')).toBe('NL');
      expect(res.headers.get('ocpi-from-party-id')).toBe('SIM');
      expect(res.headers.get('ocpi-to-party-id')).toBe('AGG');
    });

    describe('mod_locations 2.2.1 §GET Object', () => {
      const loc = locations[3];
      const evse = loc.evses[loc.evses.length - 1];
      const connector = evse.connectors[0];

      it('returns the Location, EVSE or Connector named by the URL segments (CiString: case-insensitive)', async () => {
        expect((await call(`${sim.baseUrl}/2.2.1/locations/${loc.id}`, tokenC)).body.data).toEqual(loc);
        expect((await call(`${sim.baseUrl}/2.2.1/locations/${loc.id.toLowerCase()}/${evse.uid}`, tokenC)).body.data).toEqual(evse);
        expect((await call(`${sim.baseUrl}/2.2.1/locations/${loc.id}/${evse.uid}/${connector.id}`, tokenC)).body.data).toEqual(connector);
      });

      it('unknown Location, EVSE or Connector → HTTP 404 with status 2003', async () => {
        for (const path of ['LOC-999999', `${loc.id}/NOPE`, `${loc.id}/${evse.uid}/9`]) {
          const res = await call(`${sim.baseUrl}/2.2.1/locations/${path}`, tokenC);
          expect(res.status).toBe(404);
          expect(res.body.status_code).toBe(2003);
        }
      });
    });
  });

  describe('location generator (mod_locations 2.2.1 §Location object)', () => {
    const options = { ...OWNER, ...GEO, count: 300, seed: 7, tariffIds: TARIFF_IDS };

    it('same seed → identical output; different seed → different output', () => {
      expect(JSON.stringify(generateLocations(options))).toBe(JSON.stringify(generateLocations(options)));
      expect(JSON.stringify(generateLocations({ ...options, seed: 8 }))).not.toBe(JSON.stringify(generateLocations(options)));
    });

    it('produces plausible, spec-shaped Locations', () => {
      const all = generateLocations(options);
      const geo = { lat: /^-?[0-9]{1,2}\.[0-9]{5,7}$/, lon: /^-?[0-9]{1,3}\.[0-9]{5,7}$/ };
      const dateTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
      expect(new Set(all.map((l) => l.id)).size).toBe(300);
      expect(all[0].id).toBe('LOC-000001');
      const evses = all.flatMap((l) => l.evses);
      expect(new Set(evses.map((e) => e.uid)).size).toBe(evses.length);
      for (const l of all) {
        expect(l.coordinates.latitude).toMatch(geo.lat);
        expect(l.coordinates.longitude).toMatch(geo.lon);
        const dLat = (Number(l.coordinates.latitude) - GEO.center.latitude) * 111.32;
        const dLon = (Number(l.coordinates.longitude) - GEO.center.longitude) * 111.32 * Math.cos((GEO.center.latitude * Math.PI) / 180);
        expect(Math.hypot(dLat, dLon)).toBeLessThanOrEqual(GEO.radiusKm + 0.01);
        expect(l).toMatchObject({ country_code: 'NL', party_id: 'SIM', country: 'NLD', time_zone: 'Europe/Amsterdam', publish: true });
        expect(l.evses.length).toBeGreaterThanOrEqual(1);
        expect(l.evses.length).toBeLessThanOrEqual(6);
        expect(l.last_updated).toMatch(dateTime);
        expect(l.last_updated >= GENERATOR_BASE_DATE && l.last_updated < '2024-12-31T00:00:00Z').toBe(true);
        // mod_locations 2.2.1 §Hours: regular_hours only when not twentyfourseven, and then at least one.
        expect((l.opening_times?.regular_hours?.length ?? 0) > 0).toBe(!l.opening_times?.twentyfourseven);
        for (const e of l.evses) {
          expect(e.evse_id).toMatch(/^NL\*SIM\*E\d{6}\*\d$/);
          expect(e.last_updated <= l.last_updated).toBe(true);
          expect(e.connectors.length).toBeGreaterThanOrEqual(1);
          expect(e.connectors.length).toBeLessThanOrEqual(2);
          for (const c of e.connectors) {
            expect(c.last_updated <= e.last_updated).toBe(true);
            expect(TARIFF_IDS).toEqual(expect.arrayContaining(c.tariff_ids ?? []));
            expect(c.tariff_ids).toHaveLength(1);
          }
        }
      }
      const count = (f: (x: (typeof evses)[number]) => boolean): number => evses.filter(f).length;
      expect(count((e) => e.status === 'AVAILABLE')).toBeGreaterThan(evses.length / 2);
      for (const status of ['CHARGING', 'OUTOFORDER', 'UNKNOWN']) expect(count((e) => e.status === status)).toBeGreaterThan(0);
      const standards = new Set(evses.flatMap((e) => e.connectors.map((c) => `${c.standard}/${c.power_type}/${c.format}`)));
      expect([...standards].sort()).toEqual(['CHADEMO/DC/CABLE', 'IEC_62196_T2/AC_3_PHASE/SOCKET', 'IEC_62196_T2_COMBO/DC/CABLE']);
      expect(all.filter((l) => l.opening_times?.twentyfourseven).length).toBeGreaterThan(all.length / 2);
      expect(all.some((l) => l.opening_times?.exceptional_closings?.length)).toBe(true);
    });

    it('lets the caller override time_zone and country; refuses unknown country codes without them', () => {
      const [l] = generateLocations({ ...options, count: 1, countryCode: 'CH', timeZone: 'Europe/Zurich', country: 'CHE' });
      expect(l).toMatchObject({ time_zone: 'Europe/Zurich', country: 'CHE', country_code: 'CH' });
      expect(() => generateLocations({ ...options, countryCode: 'CH' })).toThrow(/timeZone/);
    });
  });
});
