/**
 * eMSP-initiated registration with a CPO of each version, our versions and version details endpoints, and
 * the parties behind a connection (one flat party in 2.1.1, roles in 2.2.1 and 2.3.0: a CPO group, a Hub).
 */
import { CpoSimulator, generateLocations, startCpoSimulator, toOcpi211Location } from '../cpo-simulator';
import { ocpiCall, VERSIONS } from '../support/ocpi-versions';
import { registerCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

describe.each(VERSIONS)('OCPI $version, eMSP-initiated', ({ version, encoding, section }) => {
  let cpo: CpoSimulator;
  let connection: any;
  beforeAll(async () => {
    cpo = await startCpoSimulator({ version, countryCode: 'NL', partyId: `V${version.replace(/\./g, '').slice(0, 2)}`, businessName: `CPO ${version}` });
    const { status, body } = await service.ops('POST', '/connections', { name: `CPO ${version}`, versions_url: cpo.versionsUrl, token_a: cpo.tokenA });
    expect(status).toBe(201);
    connection = body;
  });
  afterAll(() => cpo?.close());

  it(`${section.registration}: picks ${version}, the highest version both sides speak, and stores the CPO's party with its business_details`, () => {
    expect(connection).toMatchObject({ status: 'REGISTERED', ocpi_version: version, initiated_by: 'EMSP', last_error: null });
    expect(connection.parties).toEqual([{ role: 'CPO', country_code: 'NL', party_id: cpo.partyId, name: `CPO ${version}`, business_details: { name: `CPO ${version}` } }]);
    expect(cpo.registration).toMatchObject({ registered: true, initiatedBy: 'EMSP', tokenAValid: false });
  });

  it(`${section.auth}: every call we made carried the token ${encoding === 'plain' ? 'as is' : 'Base64-encoded'}`, () => {
    const calls = cpo.requests.map((r) => [r.token, r.authorizationEncoding, r.authorizationSchemeOk]);
    // Before the version is known, the versions list is read by trial (transport_and_format 2.2.1 §Authorization
    // header, NOTE): Base64 first, which a 2.1.1 CPO reads as an unknown token (401); the others accept it.
    const trial = version === '2.1.1' ? [['unknown', 'plain', true]] : [];
    expect(calls).toEqual([...trial, ['A', encoding, true], ['A', encoding, true], ['A', encoding, true]]);
  });

  it(`${section.credentialsObject}: our credentials travel in the ${version} shape`, async () => {
    const tokenB = cpo.registration.tokenB!;
    const { body } = await ocpiCall(`${service.url}/ocpi/emsp/${version}/credentials`, tokenB, { encoding });
    const party = { party_id: 'EMS', country_code: 'NL', business_details: { name: 'Open eMSP' } };
    // 2.1.1 credentials carry one party at the top level; 2.2.1 and later a list of roles.
    const shaped = version === '2.1.1' ? party : { roles: [{ role: 'EMSP', ...party }] };
    expect(body.data).toEqual({ token: tokenB, url: `${service.url}/ocpi/emsp/versions`, ...shaped });
    // The simulator read what we POSTed with its own, version-strict validator.
    expect(cpo.registration.clientCredentials?.roles[0]).toMatchObject({ party_id: 'EMS', country_code: 'NL' });
  });

  it(`${section.details}: our ${version} endpoints ${version === '2.1.1' ? 'without' : 'with'} interface roles`, async () => {
    const { status, body } = await ocpiCall(`${service.url}/ocpi/emsp/${version}`, cpo.registration.tokenB!, { encoding });
    expect(status).toBe(200);
    const credentials = { identifier: 'credentials', url: `${service.url}/ocpi/emsp/${version}/credentials` };
    // mod_cdrs: our CDRs Receiver interface (2.1.1 §2.2 eMSP Interface, no roles).
    const cdrs = { identifier: 'cdrs', url: `${service.url}/ocpi/emsp/${version}/cdrs` };
    // mod_hub_client_info §Receiver Interface: where a Hub pushes ClientInfo (2.2+; 2.1.1 has no Hubs).
    const hubclientinfo = { identifier: 'hubclientinfo', role: 'RECEIVER', url: `${service.url}/ocpi/emsp/${version}/hubclientinfo` };
    // mod_locations: our Locations Receiver interface (2.1.1 §3.2 eMSP Interface).
    const locations = { identifier: 'locations', url: `${service.url}/ocpi/emsp/${version}/locations` };
    // mod_sessions and mod_tariffs: our Sessions and Tariffs Receiver interfaces (2.1.1 §2.2 eMSP Interface of each).
    const sessions = { identifier: 'sessions', url: `${service.url}/ocpi/emsp/${version}/sessions` };
    const tariffs = { identifier: 'tariffs', url: `${service.url}/ocpi/emsp/${version}/tariffs` };
    // mod_tokens: our Tokens Sender interface (2.1.1 §2.2 eMSP Interface; 2.2+ role SENDER).
    const tokens = { identifier: 'tokens', url: `${service.url}/ocpi/emsp/${version}/tokens` };
    // mod_commands: where CPOs post the results of our commands (2.1.1 §2.2 eMSP Interface; 2.2+ §Sender Interface, role SENDER).
    const commands = { identifier: 'commands', url: `${service.url}/ocpi/emsp/${version}/commands` };
    expect(body.data).toEqual({
      version,
      endpoints:
        version === '2.1.1'
          ? [credentials, cdrs, locations, sessions, tariffs, tokens, commands]
          : [
              { ...credentials, role: 'SENDER' },
              { ...cdrs, role: 'RECEIVER' },
              { ...locations, role: 'RECEIVER' },
              { ...sessions, role: 'RECEIVER' },
              { ...tariffs, role: 'RECEIVER' },
              hubclientinfo,
              { ...tokens, role: 'SENDER' },
              // mod_invoice_reconciliation §Receiver Interface: new in 2.3.0 (direct billing: the eMSP receives).
              ...(version === '2.3.0' ? [{ identifier: 'invoicereconciliation', role: 'RECEIVER', url: `${service.url}/ocpi/emsp/${version}/invoicereconciliation` }] : []),
              { ...commands, role: 'SENDER' },
            ],
    });
    expect(cpo.registration.clientVersionDetails?.endpoints).toEqual(body.data.endpoints);
  });

  it(`${section.messageIds ?? 'transport_and_format 2.1.1 (no message ids)'}: our responses ${section.messageIds ? 'echo' : 'carry no'} X-Request-ID and X-Correlation-ID`, async () => {
    // The simulator called our versions and version details back during the handshake.
    const details = cpo.clientCalls.find((c) => c.url.endsWith(`/ocpi/emsp/${version}`))!;
    expect(details.requestIdEchoed).toBe(section.messageIds !== null);
    expect(details.correlationIdEchoed).toBe(section.messageIds !== null);
    const response = await ocpiCall(`${service.url}/ocpi/emsp/${version}`, 'unknown-token', { encoding, headers: { 'X-Request-ID': 'req-1', 'X-Correlation-ID': 'corr-1' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe(section.messageIds ? 'req-1' : null);
    expect(response.headers.get('x-correlation-id')).toBe(section.messageIds ? 'corr-1' : null);
  });
});

describe('version_information_endpoint 2.2.1 §Version information endpoint: our versions list', () => {
  it('lists 2.3.0, 2.2.1 and 2.1.1, each with its version details URL, and generates message ids when absent', async () => {
    const { body } = await service.ops('POST', '/connections/invitations', { name: 'Versions reader' });
    const response = await ocpiCall(`${service.url}/ocpi/emsp/versions`, body.token_a);
    expect(response.body.data).toEqual(['2.3.0', '2.2.1', '2.1.1'].map((v) => ({ version: v, url: `${service.url}/ocpi/emsp/${v}` })));
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unknown = await ocpiCall(`${service.url}/ocpi/emsp/2.0`, body.token_a);
    expect(unknown.status).toBe(404);
    expect(unknown.body.status_code).toBe(3002);
  });
});

describe('credentials 2.2.1 §CredentialsRole class: several parties behind one connection', () => {
  const group = [
    { role: 'CPO' as const, countryCode: 'DE', partyId: 'GR1', businessName: 'Group one' },
    { role: 'CPO' as const, countryCode: 'DE', partyId: 'GR2', businessName: 'Group two' },
  ];

  it("a CPO group: both parties stored with their business_details; their Locations are accepted, another party's rejected", async () => {
    const locations = [
      ...generateLocations({ count: 2, seed: 1, center: { latitude: 52.52, longitude: 13.4 }, radiusKm: 2, countryCode: 'DE', partyId: 'GR1' }),
      ...generateLocations({ count: 2, seed: 2, center: { latitude: 52.52, longitude: 13.4 }, radiusKm: 2, countryCode: 'DE', partyId: 'GR2' }),
      ...generateLocations({ count: 1, seed: 3, center: { latitude: 52.52, longitude: 13.4 }, radiusKm: 2, countryCode: 'DE', partyId: 'OTH' }),
    ];
    const cpo = await registerCpo(service, { countryCode: 'DE', partyId: 'GR1', roles: group, locations });
    try {
      const connection = (await service.ops('GET', '/connections')).body.find((c: any) => c.id === cpo.connectionId);
      expect(connection.parties.map((p: any) => [p.role, `${p.country_code}*${p.party_id}`, p.business_details.name]).sort()).toEqual([
        ['CPO', 'DE*GR1', 'Group one'],
        ['CPO', 'DE*GR2', 'Group two'],
      ]);
      const [, locationsPull] = await cpo.sync();
      expect(locationsPull).toMatchObject({ status: 'SUCCEEDED', stored: 4, rejected: 1 });
      const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=locations`)).body;
      expect(rejected[0].reason).toContain('DE*OTH, which is not a party of this connection');
    } finally {
      await cpo.close();
    }
  });

  it('a Hub (role HUB, 2.2.1: it reports only itself): Locations of any party come through it', async () => {
    const locations = generateLocations({ count: 2, seed: 4, center: { latitude: 52.52, longitude: 13.4 }, radiusKm: 2, countryCode: 'FR', partyId: 'ANY' });
    const cpo = await registerCpo(service, {
      countryCode: 'NL',
      partyId: 'HUB',
      roles: [{ role: 'HUB', countryCode: 'NL', partyId: 'HUB', businessName: 'Roaming Hub' }],
      locations,
    });
    try {
      const [, locationsPull] = await cpo.sync();
      expect(locationsPull).toMatchObject({ status: 'SUCCEEDED', stored: 2, rejected: 0 });
    } finally {
      await cpo.close();
    }
  });

  it('credentials 2.3.0 §Credentials object: a Hub lists its hub_party_id and the parties reachable through it', async () => {
    const roles = [
      { role: 'HUB' as const, countryCode: 'BE', partyId: 'HBX', businessName: 'Hub 2.3' },
      { role: 'CPO' as const, countryCode: 'BE', partyId: 'CP1', businessName: 'Reachable CPO' },
    ];
    const cpo = await registerCpo(service, { version: '2.3.0', countryCode: 'BE', partyId: 'HBX', roles, hubPartyId: 'BEHBX' });
    try {
      const connection = (await service.ops('GET', '/connections')).body.find((c: any) => c.id === cpo.connectionId);
      expect(connection.parties.map((p: any) => `${p.role} ${p.country_code}*${p.party_id}`).sort()).toEqual(['CPO BE*CP1', 'HUB BE*HBX']);
    } finally {
      await cpo.close();
    }
  });

  it('credentials 2.1.1 §2.1 Credentials object: one flat party, kept as a CPO role, its 2.1.1 Locations owned by it', async () => {
    const locations = generateLocations({ count: 3, seed: 5, center: { latitude: 50.85, longitude: 4.35 }, radiusKm: 2, countryCode: 'BE', partyId: 'OLD' }).map((l) =>
      toOcpi211Location(l as unknown as Record<string, unknown>),
    );
    const cpo = await registerCpo(service, { version: '2.1.1', countryCode: 'BE', partyId: 'OLD', businessName: 'Old CPO', locations });
    try {
      const connection = (await service.ops('GET', '/connections')).body.find((c: any) => c.id === cpo.connectionId);
      expect(connection.parties).toEqual([{ role: 'CPO', country_code: 'BE', party_id: 'OLD', name: 'Old CPO', business_details: { name: 'Old CPO' } }]);
      const [, locationsPull] = await cpo.sync();
      expect(locationsPull).toMatchObject({ status: 'SUCCEEDED', stored: 3, rejected: 0 });
    } finally {
      await cpo.close();
    }
  });
});
