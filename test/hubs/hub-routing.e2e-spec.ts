/**
 * Through a Hub (OCPI 2.2.1 and 2.3.0): transport_and_format §Message Routing, mod_hub_client_info, credentials
 * §CredentialsRole (role HUB; 2.3.0 hub_party_id). The CPO simulator plays the Hub: it serves a hubclientinfo Sender
 * interface, pushes ClientInfo to our Receiver interface, and pushes CDRs with the routing headers each test chooses.
 */
import { loadCdrExample } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

const US = { countryCode: 'NL', partyId: 'EMS' };
const routingHeadersOf = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('ocpi-')));
const clientInfo = (countryCode: string, partyId: string, role: string, status: string, lastUpdated: string) => ({
  country_code: countryCode,
  party_id: partyId,
  role,
  status,
  last_updated: lastUpdated,
});
const cdrsOf = async (connectionId: string) => (await service.finance('GET', `/cdrs?connection_id=${connectionId}`)).body.data as Array<Record<string, any>>;

/**
 * 2.2.1: a Hub names only itself, role HUB (credentials 2.2.1 §Credentials object: "A Hub SHALL only report itself as
 * role: Hub"). 2.3.0: its Role enum has no HUB; the Hub names itself in hub_party_id and lists reachable parties in roles.
 */
const HUBS = {
  '2.2.1': {
    countryCode: 'DE',
    partyId: 'HBA',
    roles: [{ role: 'HUB' as const, countryCode: 'DE', partyId: 'HBA', businessName: 'Hub 2.2.1' }],
    hubPartyId: undefined,
    listed: null,
  },
  '2.3.0': {
    countryCode: 'DE',
    partyId: 'HBB',
    roles: [{ role: 'CPO' as const, countryCode: 'DE', partyId: 'LST', businessName: 'CPO listed by the Hub' }],
    hubPartyId: 'DEHBB',
    listed: { countryCode: 'DE', partyId: 'LST' },
  },
};

describe.each(['2.2.1', '2.3.0'] as const)('a %s Hub', (version) => {
  const hubParty = { countryCode: HUBS[version].countryCode, partyId: HUBS[version].partyId };
  // Parties behind this Hub: distinct per version, since a party belongs to one live connection.
  const p = (suffix: string) => ({ countryCode: 'NL', partyId: `${version === '2.2.1' ? 'A' : 'B'}${suffix}` });
  const [cpoA, cpoB, suspended, emspOnly, later] = [p('CA'), p('CB'), p('SU'), p('EM'), p('LT')];
  const announced = [
    clientInfo(cpoA.countryCode, cpoA.partyId, 'CPO', 'CONNECTED', '2026-11-01T10:00:00Z'),
    clientInfo(cpoB.countryCode, cpoB.partyId, 'CPO', 'CONNECTED', '2026-11-01T10:00:00Z'),
    clientInfo(suspended.countryCode, suspended.partyId, 'CPO', 'SUSPENDED', '2026-11-01T10:00:00Z'),
    clientInfo(emspOnly.countryCode, emspOnly.partyId, 'EMSP', 'CONNECTED', '2026-11-01T10:00:00Z'),
  ];
  let hub: RegisteredCpo;
  const held = async () => (await service.ops('GET', `/connections/${hub.connectionId}/hub-clients`)).body as Array<Record<string, any>>;
  const push = (cdr: unknown, routing?: Parameters<RegisteredCpo['simulator']['callEmsp']>[0]['routing']) =>
    hub.simulator.callEmsp({ identifier: 'cdrs', method: 'POST', body: cdr, routing });
  const cdrOf = (party: { countryCode: string; partyId: string }, id: string) => ({ ...loadCdrExample(version, party), id });

  beforeAll(async () => {
    const { countryCode, partyId, roles, hubPartyId } = HUBS[version];
    hub = await registerCpo(service, { version, countryCode, partyId, roles, hubPartyId, locations: [], tariffs: [], hubClientInfo: announced });
  });
  afterAll(() => hub?.close());

  it(`mod_hub_client_info ${version} §Pull model, §Sender Interface: at registration the Hub's ClientInfo list is pulled and held per party with its status; versions, credentials and hubclientinfo calls carry no routing headers (transport_and_format §Message Routing Headers)`, async () => {
    expect((await held()).map((c) => `${c.country_code}*${c.party_id} ${c.role} ${c.status} ${new Date(c.last_updated).toISOString()}`)).toEqual(
      announced.map((c) => `${c.country_code}*${c.party_id} ${c.role} ${c.status} ${c.last_updated.replace('Z', '.000Z')}`).sort(),
    );
    const calls = hub.simulator.requests;
    expect(calls.some((r) => r.url.startsWith(`/ocpi/cpo/${version}/hubclientinfo`))).toBe(true);
    expect(calls.filter((r) => !/\/(tariffs|locations|sessions|cdrs)/.test(r.url)).flatMap((r) => Object.keys(r.headers).filter((h) => h.startsWith('ocpi-')))).toEqual([]);
  });

  it(`transport_and_format ${version} §Message Routing Headers: the Hub's versions and credentials calls need no routing headers and get none`, async () => {
    const authorization = `Token ${Buffer.from(hub.simulator.registration.tokenForClient!).toString('base64')}`;
    for (const path of ['/ocpi/emsp/versions', `/ocpi/emsp/${version}`, `/ocpi/emsp/${version}/credentials`]) {
      const response = await fetch(`${service.url}${path}`, { headers: { Authorization: authorization } });
      expect([path, response.status, ((await response.json()) as { status_code: number }).status_code]).toEqual([path, 200, 1000]);
      expect([...response.headers.keys()].filter((h) => h.startsWith('ocpi-'))).toEqual([]);
    }
  });

  it(`credentials ${version} §CredentialsRole: the partner is held as a Hub (role HUB${version === '2.3.0' ? ', from hub_party_id' : ''})`, async () => {
    const connection = (await service.ops('GET', '/connections')).body.find((c: any) => c.id === hub.connectionId);
    expect(connection.parties.map((x: any) => `${x.role} ${x.country_code}*${x.party_id}`)).toContain(`HUB ${hubParty.countryCode}*${hubParty.partyId}`);
  });

  it(`transport_and_format ${version} §Message Routing Headers: a CDR pushed through the Hub for a CPO it announced is stored under that party and answered with the routing headers swapped`, async () => {
    const r = await push(cdrOf(cpoA, 'HUB-ROUTED-1'), { from: cpoA, to: US });
    expect(r).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    expect(routingHeadersOf(r.headers)).toEqual({
      'ocpi-from-country-code': US.countryCode,
      'ocpi-from-party-id': US.partyId,
      'ocpi-to-country-code': cpoA.countryCode,
      'ocpi-to-party-id': cpoA.partyId,
    });
    const [stored] = (await cdrsOf(hub.connectionId)).filter((c) => c.cdr_id === 'HUB-ROUTED-1');
    expect(stored).toMatchObject({ country_code: cpoA.countryCode, party_id: cpoA.partyId, source: 'PUSH' });
  });

  it(`transport_and_format ${version} §Message Routing Headers: through a Hub, a push carries objects of the OCPI-from party only: another party's CDR is OCPI 2001, nothing stored`, async () => {
    const r = await push(cdrOf(cpoB, 'HUB-OTHER-1'), { from: cpoA, to: US });
    expect(r).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(r.message).toBe(
      `CDR HUB-OTHER-1 belongs to party ${cpoB.countryCode}*${cpoB.partyId}, which is not a party of this connection (${cpoA.countryCode}*${cpoA.partyId}): a CPO may only send objects of its own parties`,
    );
    expect((await cdrsOf(hub.connectionId)).map((c) => c.cdr_id)).not.toContain('HUB-OTHER-1');
  });

  it(`transport_and_format ${version} §Message Routing Headers: OCPI-to naming anyone but us is OCPI 2001 naming both, nothing stored`, async () => {
    const r = await push(cdrOf(cpoA, 'HUB-NOT-US'), { from: cpoA, to: { countryCode: 'BE', partyId: 'OTH' } });
    expect(r).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(r.message).toBe('OCPI-to-country-code / OCPI-to-party-id name BE*OTH, but we are NL*EMS: this message is not for us (transport_and_format §Message Routing Headers)');
    expect(routingHeadersOf(r.headers)).toMatchObject({ 'ocpi-from-party-id': 'EMS', 'ocpi-to-party-id': cpoA.partyId });
    expect((await cdrsOf(hub.connectionId)).map((c) => c.cdr_id)).not.toContain('HUB-NOT-US');
  });

  it(`mod_hub_client_info ${version} §ClientInfo Object: an OCPI-from party the Hub never announced, announced only as EMSP, or SUSPENDED is OCPI 2001, nothing stored`, async () => {
    const unknown = p('UN');
    const never = await push(cdrOf(unknown, 'HUB-UNKNOWN'), { from: unknown, to: US });
    expect(never).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(never.message).toBe(
      `OCPI-from-country-code / OCPI-from-party-id name ${unknown.countryCode}*${unknown.partyId}, which this Hub (${hubParty.countryCode}*${hubParty.partyId}) never announced as a CPO (mod_hub_client_info §ClientInfo Object)`,
    );
    const asEmsp = await push(cdrOf(emspOnly, 'HUB-EMSP'), { from: emspOnly, to: US });
    expect(asEmsp.message).toMatch(/never announced as a CPO, only as EMSP/);
    const gone = await push(cdrOf(suspended, 'HUB-SUSPENDED'), { from: suspended, to: US });
    expect(gone).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(gone.message).toMatch(/announced as SUSPENDED \(no longer active\)$/);
    expect((await cdrsOf(hub.connectionId)).map((c) => c.cdr_id).filter((id) => ['HUB-UNKNOWN', 'HUB-EMSP', 'HUB-SUSPENDED'].includes(id))).toEqual([]);
  });

  it(`transport_and_format ${version} §Message Routing Headers: a push from a Hub without the routing headers (or with half of them) is OCPI 2001 naming the missing ones`, async () => {
    const none = await push(cdrOf(cpoA, 'HUB-NO-HEADERS'));
    expect(none).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(none.message).toBe(
      'A request through a Hub must carry the routing headers (transport_and_format §Message Routing Headers); missing: OCPI-from-country-code, OCPI-from-party-id, OCPI-to-country-code, OCPI-to-party-id',
    );
    const half = await push(cdrOf(cpoA, 'HUB-HALF'), { from: { countryCode: cpoA.countryCode }, to: US });
    expect(half.message).toBe('Routing header OCPI-from-party-id is missing while OCPI-from-country-code is sent (transport_and_format §Message Routing Headers)');
    expect((await cdrsOf(hub.connectionId)).map((c) => c.cdr_id).filter((id) => id === 'HUB-NO-HEADERS' || id === 'HUB-HALF')).toEqual([]);
  });

  it(`transport_and_format ${version} §Broadcast Push: the Hub itself in OCPI-from: objects of any CPO it announced are taken (their own party), answered to the Hub`, async () => {
    const r = await push(cdrOf(cpoB, 'HUB-BROADCAST'), { from: hubParty, to: US });
    expect(r).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    expect(routingHeadersOf(r.headers)).toMatchObject({ 'ocpi-to-country-code': hubParty.countryCode, 'ocpi-to-party-id': hubParty.partyId });
    const [stored] = (await cdrsOf(hub.connectionId)).filter((c) => c.cdr_id === 'HUB-BROADCAST');
    expect(stored).toMatchObject({ country_code: cpoB.countryCode, party_id: cpoB.partyId });
    const notAnnounced = await push(cdrOf(p('UN'), 'HUB-BROADCAST-UNKNOWN'), { from: hubParty, to: US });
    expect(notAnnounced).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
  });

  it(`mod_hub_client_info ${version} §Receiver Interface §PUT Method, §GET Method: the Hub pushes ClientInfo (201 new, 200 newer, an older copy changes nothing), GET gives back what we hold; no routing headers either way`, async () => {
    const first = await hub.simulator.pushClientInfo(clientInfo(later.countryCode, later.partyId, 'CPO', 'PLANNED', '2026-11-02T08:00:00Z'));
    expect(first).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    expect(routingHeadersOf(first.headers)).toEqual({});
    expect(await hub.simulator.pushClientInfo(clientInfo(later.countryCode, later.partyId, 'CPO', 'CONNECTED', '2026-11-02T09:00:00Z'))).toMatchObject({
      httpStatus: 200,
      ocpiStatus: 1000,
    });
    expect(await hub.simulator.pushClientInfo(clientInfo(later.countryCode, later.partyId, 'CPO', 'OFFLINE', '2026-11-02T08:30:00Z'))).toMatchObject({
      httpStatus: 200,
      ocpiStatus: 1000,
    });
    const got = await hub.simulator.getClientInfo(later.countryCode, later.partyId);
    expect(got).toMatchObject({ httpStatus: 200, ocpiStatus: 1000 });
    expect(got.data).toEqual(clientInfo(later.countryCode, later.partyId, 'CPO', 'CONNECTED', '2026-11-02T09:00:00Z'));
    expect((await hub.simulator.getClientInfo('NL', 'ZZZ')).httpStatus).toBe(404);
    // The party it announced by push may now push through it.
    expect(await push(cdrOf(later, 'HUB-LATER'), { from: later, to: US })).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
  });

  it(`mod_hub_client_info ${version} §PUT Method: an invalid ClientInfo, or one at another party's URL, is OCPI 2001 naming the field, kept raw in rejected_object`, async () => {
    const bad = await hub.simulator.pushClientInfo(clientInfo('NL', 'BAD', 'CPO', 'ASLEEP', '2026-11-02T08:00:00Z'));
    expect(bad).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(bad.message).toBe('Invalid ClientInfo: status is missing or not a ConnectionStatus (CONNECTED, OFFLINE, PLANNED, SUSPENDED): "ASLEEP"');
    const elsewhere = await hub.simulator.pushClientInfo(clientInfo('NL', 'BAD', 'CPO', 'CONNECTED', '2026-11-02T08:00:00Z'), { countryCode: 'NL', partyId: 'OTH' });
    expect(elsewhere.message).toBe("ClientInfo of NL*BAD PUT at the URL of NL*OTH: country_code and party_id must be the URL's");
    const rejected = (await service.ops('GET', `/connections/${hub.connectionId}/rejected-objects?module=hubclientinfo`)).body as Array<Record<string, any>>;
    expect(rejected.map((r) => r.reason)).toEqual(expect.arrayContaining([bad.message, elsewhere.message]));
    expect(rejected.find((r) => r.reason === bad.message)!.raw).toMatchObject({ status: 'ASLEEP' });
    expect((await held()).map((c) => c.party_id)).not.toContain('BAD');
  });

  it(`mod_hub_client_info ${version} §Another Party goes OFFLINE / becomes SUSPENDED: pushes are still taken while OFFLINE, refused once SUSPENDED`, async () => {
    const party = p('ST');
    expect((await hub.simulator.pushClientInfo(clientInfo(party.countryCode, party.partyId, 'CPO', 'OFFLINE', '2026-11-03T08:00:00Z'))).httpStatus).toBe(201);
    expect(await push(cdrOf(party, 'HUB-OFFLINE'), { from: party, to: US })).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    await hub.simulator.pushClientInfo(clientInfo(party.countryCode, party.partyId, 'CPO', 'SUSPENDED', '2026-11-03T09:00:00Z'));
    expect((await held()).find((c) => c.party_id === party.partyId)).toMatchObject({ status: 'SUSPENDED' });
    const r = await push(cdrOf(party, 'HUB-AFTER-SUSPENDED'), { from: party, to: US });
    expect(r).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
  });

  it(`mod_hub_client_info ${version} §Sender Interface §GET Method: each sync pulls the list again; a party it no longer lists is "no longer valid" and forgotten`, async () => {
    const newcomer = p('NW');
    hub.simulator.setHubClientInfo([
      ...announced.filter((c) => c.party_id !== cpoB.partyId),
      clientInfo(newcomer.countryCode, newcomer.partyId, 'CPO', 'CONNECTED', '2026-11-04T08:00:00Z'),
    ]);
    await hub.sync();
    const parties = (await held()).map((c) => c.party_id);
    expect(parties).toContain(newcomer.partyId);
    expect(parties).not.toContain(cpoB.partyId);
    expect(await push(cdrOf(cpoB, 'HUB-FORGOTTEN'), { from: cpoB, to: US })).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
  });

  it('transport_and_format 2.1.1 has no Message Routing: a Hub pushing on a 2.1.1 path (it could not say for whom) is OCPI 2001; 2.1.1 has no hubclientinfo (HTTP 404)', async () => {
    const authorization = `Token ${hub.simulator.registration.tokenForClient!}`;
    const r = await fetch(`${service.url}/ocpi/emsp/2.1.1/cdrs`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify(cdrOf(cpoA, 'HUB-ON-211')),
    });
    const body = (await r.json()) as { status_code: number; status_message: string };
    expect([r.status, body.status_code]).toEqual([200, 2001]);
    expect(body.status_message).toBe(
      `A Hub (${hubParty.countryCode}*${hubParty.partyId}) must push on a version with message routing (2.2.1 or later): 2.1.1 has no OCPI-from-* headers to say for whom`,
    );
    const clientInfoOn211 = await fetch(`${service.url}/ocpi/emsp/2.1.1/hubclientinfo/NL/ABC`, { headers: { Authorization: authorization } });
    expect(clientInfoOn211.status).toBe(404);
  });

  if (version === '2.3.0') {
    it('credentials 2.3.0 §Credentials object: a CPO the Hub lists in its roles may push through it without a ClientInfo', async () => {
      const listed = HUBS['2.3.0'].listed;
      expect(await push(cdrOf(listed, 'HUB-LISTED'), { from: listed, to: US })).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    });
  }
});

describe('transport_and_format 2.2.1 §Message Routing: a CPO connected directly (no Hub)', () => {
  const own = { countryCode: 'NL', partyId: 'DRC' };
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    cpo = await registerCpo(service, { version: '2.2.1', ...own, locations: [], tariffs: [] });
  });
  afterAll(() => cpo?.close());
  const push = (id: string, routing?: Parameters<RegisteredCpo['simulator']['callEmsp']>[0]['routing']) =>
    cpo.simulator.callEmsp({ identifier: 'cdrs', method: 'POST', body: { ...loadCdrExample('2.2.1', own), id }, routing });

  it('§Party to Party (without Hub): pushes need no routing headers, and get none back', async () => {
    const r = await push('DIRECT-NO-HEADERS');
    expect(r).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    expect(routingHeadersOf(r.headers)).toEqual({});
  });

  it('§Party to Party (without Hub): routing headers naming its own party and us are taken and answered swapped', async () => {
    const r = await push('DIRECT-WITH-HEADERS', { from: own, to: US });
    expect(r).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    expect(routingHeadersOf(r.headers)).toEqual({ 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'EMS', 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': 'DRC' });
  });

  it('§Message Routing Headers: routing headers naming another party as sender, or another receiver than us, are OCPI 2001', async () => {
    const other = await push('DIRECT-OTHER-FROM', { from: { countryCode: 'BE', partyId: 'XYZ' }, to: US });
    expect(other).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(other.message).toBe('OCPI-from-country-code / OCPI-from-party-id name BE*XYZ, which is not a party of this connection (NL*DRC)');
    const notUs = await push('DIRECT-NOT-US', { from: own, to: { countryCode: 'NL', partyId: 'XXX' } });
    expect(notUs.message).toMatch(/^OCPI-to-country-code \/ OCPI-to-party-id name NL\*XXX, but we are NL\*EMS/);
  });

  it('transport_and_format 2.2.1 §Message Routing Headers: versions and credentials are not routed: called without routing headers they answer, and with none', async () => {
    const token = cpo.simulator.registration.tokenForClient!;
    const authorization = `Token ${Buffer.from(token).toString('base64')}`;
    for (const path of ['/ocpi/emsp/versions', '/ocpi/emsp/2.2.1', '/ocpi/emsp/2.2.1/credentials']) {
      const response = await fetch(`${service.url}${path}`, { headers: { Authorization: authorization } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { status_code: number }).status_code).toBe(1000);
      expect([...response.headers.keys()].filter((h) => h.startsWith('ocpi-'))).toEqual([]);
    }
  });

  it('mod_hub_client_info §Receiver Interface: only a Hub may PUT ClientInfo (the Hub owns it)', async () => {
    const r = await cpo.simulator.pushClientInfo(clientInfo('NL', 'DRC', 'CPO', 'CONNECTED', '2026-11-01T10:00:00Z'));
    expect(r).toMatchObject({ httpStatus: 200, ocpiStatus: 2000 });
  });
});

describe('version_information_endpoint 2.2.1 / 2.3.0 §Version details: our hubclientinfo Receiver interface', () => {
  it.each(['2.2.1', '2.3.0'])('%s lists hubclientinfo with role RECEIVER; 2.1.1 has no Hubs', async (version) => {
    const cpo = await registerCpo(service, { version: version as '2.2.1' | '2.3.0', countryCode: 'NL', partyId: version === '2.2.1' ? 'VDA' : 'VDB', locations: [], tariffs: [] });
    try {
      const endpoints = cpo.simulator.registration.clientVersionDetails!.endpoints;
      expect(endpoints).toContainEqual({ identifier: 'hubclientinfo', role: 'RECEIVER', url: `${service.url}/ocpi/emsp/${version}/hubclientinfo` });
    } finally {
      await cpo.close();
    }
  });
});
