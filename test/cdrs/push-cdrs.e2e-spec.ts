/**
 * Our CDRs Receiver interface (mod_cdrs 2.2.1 / 2.3.0 §Receiver Interface, 2.1.1 §2.2 eMSP Interface): a CPO POSTs
 * its CDRs; we store each once, price it, answer with a Location header to GET it back, and refuse with OCPI 2001
 * what we cannot take, keeping the raw object.
 */
import { generateCdrs, loadCdrExample } from '../cpo-simulator';
import { locationsFor, ocpiCall } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { callLogEntry } from '../support/call-log';
import { startTestService, TestService } from '../support/test-service';

import { simpleTariffs, tariffFor, Version } from './support/cdr-cpo';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

const SECTION: Record<Version, string> = {
  '2.1.1': 'mod_cdrs 2.1.1 §2.2.2 POST Method',
  '2.2.1': 'mod_cdrs 2.2.1 §Receiver Interface §POST Method',
  '2.3.0': 'mod_cdrs 2.3.0 §Receiver Interface §POST Method',
};

const GET_SECTION: Record<Version, string> = {
  '2.1.1': 'mod_cdrs 2.1.1 §2.2.1 GET Method',
  '2.2.1': 'mod_cdrs 2.2.1 §Receiver Interface §GET Method',
  '2.3.0': 'mod_cdrs 2.3.0 §Receiver Interface §GET Method',
};

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('CDRs pushed by a %s CPO', (version) => {
  const owner = { countryCode: 'NL', partyId: version === '2.1.1' ? 'PSA' : version === '2.2.1' ? 'PSB' : 'PSC' };
  let cpo: RegisteredCpo;
  let cdrs: Array<Record<string, any>>;
  beforeAll(async () => {
    const locations = locationsFor(version, { count: 2, seed: 9, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 2, tariffIds: ['AC-KWH', 'AC-TIME'], ...owner }) as any[];
    const tariffs = simpleTariffs(owner).map((t) => tariffFor(version, t));
    cdrs = generateCdrs({ version, locations, tariffs, ...owner, count: 3, mispriced: [1], idPrefix: 'PUSH-' });
    cpo = await registerCpo(service, { version, ...owner, locations, tariffs });
    await cpo.sync();
  });
  afterAll(() => cpo?.close());

  it(`${SECTION[version]}: HTTP 201 and a Location header; stored once (source PUSH), priced; the same CDR again is HTTP 200`, async () => {
    const first = await cpo.simulator.pushCdr(cdrs[0]);
    expect(first).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    expect(first.location).toMatch(new RegExp(`^${service.url}/ocpi/emsp/${version}/cdrs/[0-9a-f-]{36}$`));
    const again = await cpo.simulator.pushCdr(cdrs[0]);
    expect(again).toMatchObject({ httpStatus: 200, ocpiStatus: 1000, location: first.location });
    const mispriced = await cpo.simulator.pushCdr(cdrs[1]);
    expect(mispriced.httpStatus).toBe(201);
    const lines = (await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}`)).body.data;
    expect(lines).toHaveLength(2);
    const byId = Object.fromEntries(lines.map((l: any) => [l.cdr_id, l]));
    expect(byId['PUSH-00001']).toMatchObject({ source: 'PUSH', exact: true, difference: { before_taxes: '0.00' } });
    expect(byId['PUSH-00002']).toMatchObject({ source: 'PUSH', exact: true, difference: { before_taxes: '-0.50' } });
  });

  it(`${GET_SECTION[version]}: the Location URL gives the CDR back as sent, to its own CPO only`, async () => {
    const { location } = await cpo.simulator.pushCdr(cdrs[0]);
    const token = cpo.simulator.registration.tokenForClient!;
    const encoding = version === '2.1.1' ? 'plain' : 'base64';
    const { status, body } = await ocpiCall(location!, token, { encoding });
    expect(status).toBe(200);
    expect(body.data).toEqual(cdrs[0]);
    expect((await ocpiCall(location!, 'not-a-token', { encoding })).status).toBe(401);
    const unknown = `${service.url}/ocpi/emsp/${version}/cdrs/00000000-0000-4000-8000-000000000000`;
    expect((await ocpiCall(unknown, token, { encoding })).status).toBe(404);
    const entry = await callLogEntry(service, `?connection_id=${cpo.connectionId}&direction=INCOMING`, (e) => e.url.endsWith('/cdrs/00000000-0000-4000-8000-000000000000'));
    expect(entry.explanation).toMatch(/^the CPO asked for an object we do not hold/);
  });

  it(`${SECTION[version]}: an invalid CDR is OCPI 2001 in HTTP 200 (status_codes §Status codes: it reached the OCPI layer) with the reason, kept raw in rejected_object`, async () => {
    const invalid = { ...cdrs[2] };
    delete invalid[version === '2.1.1' ? 'auth_id' : 'cdr_token'];
    const r = await cpo.simulator.pushCdr(invalid);
    expect(r).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(r.message).toMatch(version === '2.1.1' ? /^Invalid CDR: auth_id/ : /^Invalid CDR: cdr_token/);
    const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=cdrs`)).body;
    expect(rejected.find((x: any) => x.raw.id === 'PUSH-00003')).toMatchObject({ reason: r.message });
  });

  it(`${SECTION[version]}: the same CDR spelled otherwise (a number as a string, a DateTime with milliseconds) is the same CDR: HTTP 200`, async () => {
    // A CPO retrying after a timeout may serialise differently; what we read from it is what counts.
    const respelled = { ...cdrs[0], total_energy: String(cdrs[0].total_energy), last_updated: cdrs[0].last_updated.replace('Z', '.000Z') };
    expect(respelled.last_updated).toMatch(/\.000Z$/);
    expect(await cpo.simulator.pushCdr(respelled)).toMatchObject({ httpStatus: 200, ocpiStatus: 1000 });
  });

  it(`${SECTION[version]}: a CDR under an id we hold with other content is refused (CDRs cannot be replaced), the original kept`, async () => {
    const r = await cpo.simulator.pushCdr({ ...cdrs[0], total_energy: 99 });
    expect(r).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(r.message).toMatch(/was already received on .* with other content; a CDR cannot be replaced/);
  });
});

describe('a CPO may only push CDRs of its own parties', () => {
  it("mod_cdrs 2.2.1 §CDR object: another party's country_code / party_id is OCPI 2001 in HTTP 200, naming both", async () => {
    const owner = { countryCode: 'NL', partyId: 'PSD' };
    const cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations: [], tariffs: [] });
    try {
      const foreign = { ...loadCdrExample('2.2.1'), country_code: 'BE', party_id: 'BEC' };
      const r = await cpo.simulator.pushCdr(foreign);
      expect(r).toMatchObject({
        httpStatus: 200,
        ocpiStatus: 2001,
        message: 'CDR 12345 belongs to party BE*BEC, which is not a party of this connection (NL*PSD): a CPO may only send objects of its own parties',
      });
      expect((await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}`)).body.data).toEqual([]);
      // Its own copy of the same example is taken, and priced from the tariff it carries.
      const own = await cpo.simulator.pushCdr(loadCdrExample('2.2.1', owner));
      expect(own.httpStatus).toBe(201);
    } finally {
      await cpo.close();
    }
  });
});

describe('versions 2.2.1 §Version details: a CPO registered on 2.2.1 that pushes to our 2.3.0 endpoint', () => {
  it('is read as 2.3.0 (the path says so) and counted as a deviation operations can show the CPO', async () => {
    const owner = { countryCode: 'NL', partyId: 'VMX' };
    const cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations: [], tariffs: [] });
    try {
      const token = cpo.simulator.registration.tokenForClient!;
      const pushed = await ocpiCall(`${service.url}/ocpi/emsp/2.3.0/cdrs`, token, { method: 'POST', body: loadCdrExample('2.3.0', owner) });
      expect(pushed.status).toBe(201);
      const deviations = (await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body;
      expect(deviations).toEqual(
        expect.arrayContaining([expect.objectContaining({ module: 'cdrs', kind: 'OTHER_VERSION_ENDPOINT', field: 'path', example: '2.3.0 (agreed: 2.2.1)' })]),
      );
    } finally {
      await cpo.close();
    }
  });
});

describe('mod_cdrs 2.2.1 §CdrLocation: the time zone of a CDR whose Location we do not hold', () => {
  it("coordinates at sea (the spec example's latitude and longitude are swapped) make a local-time tariff inexact, saying why", async () => {
    const owner = { countryCode: 'NL', partyId: 'SEA' };
    const cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations: [], tariffs: [] });
    try {
      const example = loadCdrExample('2.2.1', owner) as Record<string, any>;
      // The example's only tariff, restricted to every day of the week: the same price, but now it reads local time.
      const everyDay = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
      const tariffs = example.tariffs.map((t: any) => ({ ...t, elements: t.elements.map((e: any) => ({ ...e, restrictions: { day_of_week: everyDay } })) }));
      expect((await cpo.simulator.pushCdr({ ...example, id: 'SEA-1', tariffs })).httpStatus).toBe(201);
      expect((await cpo.simulator.pushCdr({ ...example, id: 'SEA-2' })).httpStatus).toBe(201);
      const lines = (await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}`)).body.data;
      const byId = Object.fromEntries(lines.map((l: any) => [l.cdr_id, l]));
      expect(byId['SEA-1'].exact).toBe(false);
      expect(byId['SEA-1'].not_exact_because.join(' ')).toMatch(
        /coordinates \(3\.7\d*, 51\.0\d*\) lie at sea, in no country's time zone \(Etc\/GMT[-+]\d+\): latitude and longitude may be swapped/,
      );
      // Without a local-time restriction the zone cannot change the price: exact, as the CPO billed.
      expect(byId['SEA-2']).toMatchObject({ exact: true, difference: { before_taxes: '0.00' } });
    } finally {
      await cpo.close();
    }
  });
});
