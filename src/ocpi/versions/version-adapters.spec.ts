import 'reflect-metadata';
import { authorizationHeader } from '../wire/authorization-header';
import { Credentials } from '../adapter/ocpi-version-adapter';
import { adapterFor, pickVersion, SUPPORTED_VERSIONS } from './version-registry';

const ours: Credentials = {
  token: 'token-123',
  url: 'https://emsp.example.com/ocpi/emsp/versions',
  roles: [{ role: 'EMSP', country_code: 'NL', party_id: 'EMS', business_details: { name: 'Open eMSP' } }],
};

describe('version_information_endpoint §Versions: choosing the version', () => {
  it('prefers 2.3.0, then 2.2.1, then 2.1.1: the highest version both sides speak', () => {
    expect(SUPPORTED_VERSIONS.map((a) => a.version)).toEqual(['2.3.0', '2.2.1', '2.1.1']);
    const list = (...versions: string[]) => versions.map((version) => ({ version, url: `https://cpo/${version}` }));
    expect(pickVersion(list('2.1.1', '2.2.1'))).toMatchObject({ adapter: { version: '2.2.1' }, url: 'https://cpo/2.2.1' });
    expect(pickVersion(list('2.0', '2.1.1', '2.3.0', '2.2'))?.adapter.version).toBe('2.3.0');
    expect(pickVersion(list('2.0', '2.2', '3.0'))).toBeNull();
  });
});

describe('transport_and_format §Authorization header per version', () => {
  it('2.1.1 sends the token as is; 2.2.1 and 2.3.0 Base64-encode it', () => {
    const header = (v: string) => authorizationHeader('example-token', adapterFor(v)!.tokenEncoding);
    expect(header('2.1.1')).toBe('Token example-token');
    expect(header('2.2.1')).toBe('Token ZXhhbXBsZS10b2tlbg==');
    expect(header('2.3.0')).toBe('Token ZXhhbXBsZS10b2tlbg==');
  });
});

describe('credentials §Credentials object per version', () => {
  it('credentials 2.1.1 §2.1: one flat party; what we read back is one CPO role with business_details', () => {
    const adapter = adapterFor('2.1.1')!;
    const wire = adapter.serialiseCredentials(ours);
    expect(wire).toEqual({ token: 'token-123', url: ours.url, business_details: { name: 'Open eMSP' }, party_id: 'EMS', country_code: 'NL' });
    const theirs = adapter.parseCredentials({
      token: 't',
      url: 'https://cpo/versions',
      party_id: 'exa',
      country_code: 'nl',
      business_details: { name: 'Example', website: 'https://e.x' },
    });
    expect(theirs.roles).toEqual([{ role: 'CPO', country_code: 'NL', party_id: 'EXA', business_details: { name: 'Example', website: 'https://e.x' } }]);
    expect(() => adapter.parseCredentials({ token: 't', url: 'https://cpo/versions', party_id: 'EXAMPLE', country_code: 'NL' })).toThrow('party_id');
  });

  it('credentials 2.2.1 §Credentials object: roles; 2.3.0 the same plus hub_party_id', () => {
    for (const v of ['2.2.1', '2.3.0']) {
      expect(adapterFor(v)!.serialiseCredentials(ours)).toEqual({
        token: 'token-123',
        url: ours.url,
        roles: [{ role: 'EMSP', country_code: 'NL', party_id: 'EMS', business_details: { name: 'Open eMSP' } }],
      });
    }
    const hub = {
      token: 't',
      url: 'https://hub/versions',
      hub_party_id: 'nlhub',
      roles: [{ role: 'HUB', country_code: 'NL', party_id: 'HUB', business_details: { name: 'Hub' } }],
    };
    expect(adapterFor('2.3.0')!.parseCredentials(hub).hub_party_id).toBe('NLHUB');
    // 2.3.0's Role enum has no HUB: a Hub naming itself in hub_party_id only is read as role HUB, as in 2.2.1.
    const listing = { ...hub, hub_party_id: 'DEHBB', roles: [{ role: 'CPO', country_code: 'DE', party_id: 'LST', business_details: { name: 'Listed CPO' } }] };
    expect(
      adapterFor('2.3.0')!
        .parseCredentials(listing)
        .roles.map((r) => `${r.role} ${r.country_code}*${r.party_id}`),
    ).toEqual(['CPO DE*LST', 'HUB DE*HBB']);
    expect(adapterFor('2.3.0')!.parseCredentials(hub).roles).toHaveLength(1);
    expect(() => adapterFor('2.3.0')!.parseCredentials({ ...hub, hub_party_id: 'NL-HUB-1' })).toThrow('hub_party_id');
    expect(() => adapterFor('2.2.1')!.parseCredentials({ ...hub, roles: [] })).toThrow('roles');
  });
});

describe('version_information_endpoint §Version details per version', () => {
  const data = {
    version: 'x',
    endpoints: [
      { identifier: 'credentials', role: 'SENDER', url: 'https://c' },
      { identifier: 'locations', role: 'SENDER', url: 'https://l' },
      { identifier: 'locations', role: 'RECEIVER', url: 'https://r' },
    ],
  };

  it('2.1.1 endpoints have no role: every module URL is the CPO interface', () => {
    const adapter = adapterFor('2.1.1')!;
    const endpoints = adapter.parseEndpoints({
      endpoints: [
        { identifier: 'credentials', url: 'https://c' },
        { identifier: 'locations', url: 'https://l' },
      ],
    });
    expect(endpoints.every((e) => e.role === null)).toBe(true);
    expect(adapter.senderUrl(endpoints, 'locations')).toBe('https://l');
    // 2.1.1 has no Hubs: no hubclientinfo module, whatever a partner lists.
    expect(adapter.senderUrl([{ identifier: 'hubclientinfo', role: null, url: 'https://h' }], 'hubclientinfo')).toBeNull();
    expect(adapter.hubClientInfo).toBeNull();
    expect(adapter.ourEndpoints('https://us/2.1.1')).toEqual([
      { identifier: 'credentials', url: 'https://us/2.1.1/credentials' },
      { identifier: 'cdrs', url: 'https://us/2.1.1/cdrs' },
      { identifier: 'locations', url: 'https://us/2.1.1/locations' },
      { identifier: 'sessions', url: 'https://us/2.1.1/sessions' },
      { identifier: 'tariffs', url: 'https://us/2.1.1/tariffs' },
      // mod_tokens 2.1.1 §2.2 eMSP Interface: our Tokens, read and authorized by CPOs.
      { identifier: 'tokens', url: 'https://us/2.1.1/tokens' },
      // mod_commands 2.1.1 §2.2 eMSP Interface: where CPOs post the results of our commands.
      { identifier: 'commands', url: 'https://us/2.1.1/commands' },
    ]);
    // mod_tariffs 2.1.1 §2.2.3: the eMSP Tariffs interface has PATCH.
    expect(adapter.tariffsReceiverPatch).toBe(true);
  });

  it('2.2.1 and 2.3.0 pick the SENDER interface of a module; our credentials endpoint is listed as SENDER, our Receiver interfaces (hubclientinfo too) as RECEIVER', () => {
    for (const v of ['2.2.1', '2.3.0']) {
      const adapter = adapterFor(v)!;
      expect(adapter.senderUrl(adapter.parseEndpoints(data), 'locations')).toBe('https://l');
      expect(adapter.senderUrl(adapter.parseEndpoints(data), 'tariffs')).toBeNull();
      expect(adapter.ourEndpoints(`https://us/${v}`)).toEqual([
        { identifier: 'credentials', role: 'SENDER', url: `https://us/${v}/credentials` },
        { identifier: 'cdrs', role: 'RECEIVER', url: `https://us/${v}/cdrs` },
        { identifier: 'locations', role: 'RECEIVER', url: `https://us/${v}/locations` },
        { identifier: 'sessions', role: 'RECEIVER', url: `https://us/${v}/sessions` },
        { identifier: 'tariffs', role: 'RECEIVER', url: `https://us/${v}/tariffs` },
        { identifier: 'hubclientinfo', role: 'RECEIVER', url: `https://us/${v}/hubclientinfo` },
        // mod_tokens §Sender Interface: we are the eMSP, the Sender of Tokens.
        { identifier: 'tokens', role: 'SENDER', url: `https://us/${v}/tokens` },
        // mod_invoice_reconciliation §Receiver Interface: new in 2.3.0.
        ...(v === '2.3.0' ? [{ identifier: 'invoicereconciliation', role: 'RECEIVER', url: `https://us/${v}/invoicereconciliation` }] : []),
        // mod_commands §Sender Interface: we are the Sender of commands; CPOs post their results there.
        { identifier: 'commands', role: 'SENDER', url: `https://us/${v}/commands` },
      ]);
      // mod_tariffs 2.2.1 / 2.3.0 §Receiver Interface: "PATCH n/a".
      expect(adapter.tariffsReceiverPatch).toBe(false);
      // mod_hub_client_info §Sender Interface: a Hub's, found like any module's; 2.1.1 has no Hubs.
      expect(adapter.senderUrl([{ identifier: 'hubclientinfo', role: 'SENDER', url: 'https://h' }], 'hubclientinfo')).toBe('https://h');
    }
  });
});

describe("mod_tariffs 2.1.1 §3.1: a Tariff names no owner, so it belongs to the connection's party", () => {
  const tariff = {
    id: 'T1',
    currency: 'EUR',
    last_updated: '2024-01-01T00:00:00Z',
    elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }] }],
  };

  it("is filed under the connection's single party", () => {
    expect(adapterFor('2.1.1')!.mapTariff(tariff, { owner: { country_code: 'BE', party_id: 'OLD' } })).toMatchObject({
      ok: true,
      value: { country_code: 'BE', party_id: 'OLD', id: 'T1', currency: 'EUR' },
    });
  });

  it('is rejected, not guessed, when the connection has no single party and the object names none', () => {
    expect(adapterFor('2.1.1')!.mapTariff(tariff, { owner: null })).toMatchObject({ ok: false, identity: { id: 'T1' } });
  });
});
