/**
 * CPO-initiated registration (credentials §Registration with the CPO as Sender): operations create a token A,
 * the CPO reads our versions with it, POSTs its credentials (token B), we call its versions back with token B
 * and answer with our token C. Then token A is spent. Also the errors our credentials endpoint answers.
 */
import { Client } from 'pg';
import { eventually } from '../support/eventually';
import { inviteCpo, InvitedCpo } from '../support/invited-cpo';
import { ocpiCall, VERSIONS } from '../support/ocpi-versions';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
const cpos: InvitedCpo[] = [];
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await Promise.all(cpos.map((c) => c.close()));
  await service?.stop();
});

async function invite(...args: Parameters<typeof inviteCpo> extends [any, ...infer R] ? R : never): Promise<InvitedCpo> {
  const cpo = await inviteCpo(service, ...args);
  cpos.push(cpo);
  return cpo;
}

async function connectionOf(id: string): Promise<any> {
  return (await service.ops('GET', '/connections')).body.find((c: any) => c.id === id);
}

describe.each(VERSIONS)('OCPI $version, CPO-initiated', ({ version, encoding, section }) => {
  let cpo: InvitedCpo;
  beforeAll(async () => {
    cpo = await invite({ version, countryCode: 'NL', partyId: `I${version.replace(/\./g, '').slice(0, 2)}`, businessName: `Invited ${version}` });
  });

  it(`${section.registration}: the CPO registers with token A; we call it back with its token B, store its ${version} endpoints and party, answer token C`, async () => {
    const connection = await connectionOf(cpo.connectionId);
    expect(connection).toMatchObject({ status: 'REGISTERED', initiated_by: 'CPO', ocpi_version: version, their_versions_url: cpo.simulator.versionsUrl, last_error: null });
    expect(connection.parties).toEqual([
      { role: 'CPO', country_code: 'NL', party_id: cpo.simulator.partyId, name: `Invited ${version}`, business_details: { name: `Invited ${version}` } },
    ]);
    expect(connection.endpoints.map((e: any) => e.identifier)).toEqual(['credentials', 'locations', 'tariffs']);
    const { tokenB, tokenC, initiatedBy } = cpo.simulator.registration;
    expect(initiatedBy).toBe('CPO');
    // We called its versions and version details with token B, in the version's encoding.
    expect(cpo.simulator.requests.map((r) => [r.method, r.token, r.authorizationEncoding])).toEqual([
      ['GET', 'B', encoding],
      ['GET', 'B', encoding],
    ]);
    expect(tokenC).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenC).not.toBe(tokenB);
  });

  it(`${section.post}: our answer is our credentials in the ${version} shape, with token C`, () => {
    const ours = cpo.simulator.registration.clientCredentials!;
    expect(ours).toMatchObject({
      url: `${service.url}/ocpi/emsp/versions`,
      roles: [{ role: 'EMSP', party_id: 'EMS', country_code: 'NL', business_details: { name: 'Open eMSP' } }],
    });
  });

  it(`${section.registration}: token A may no longer be used (401); token C works`, async () => {
    expect((await ocpiCall(cpo.versionsUrl, cpo.tokenA, { encoding })).status).toBe(401);
    const withC = await ocpiCall(`${service.url}/ocpi/emsp/${version}/credentials`, cpo.simulator.registration.tokenC!, { encoding });
    expect(withC.status).toBe(200);
    expect(withC.body.data.token).toBe(cpo.simulator.registration.tokenC);
  });

  it(`${section.post}: POST when already registered → HTTP 405`, async () => {
    const again = await ocpiCall(`${service.url}/ocpi/emsp/${version}/credentials`, cpo.simulator.registration.tokenC!, {
      encoding,
      method: 'POST',
      body: { token: 'x', url: cpo.simulator.versionsUrl },
    });
    expect(again.status).toBe(405);
    expect(again.body.status_code).toBe(2000);
  });

  it(`${section.put} / ${section.delete}: with token A (not registered yet) → HTTP 405`, async () => {
    const fresh = await invite({ version, countryCode: 'NL', partyId: 'NOP' }, false);
    for (const method of ['PUT', 'DELETE']) {
      const response = await ocpiCall(`${service.url}/ocpi/emsp/${version}/credentials`, fresh.tokenA, { encoding, method, body: method === 'PUT' ? {} : undefined });
      expect([method, response.status]).toEqual([method, 405]);
    }
  });
});

describe('transport_and_format 2.2.1 §Authorization header: who may call our endpoints', () => {
  it('a missing header or an unknown token → HTTP 401 with an OCPI envelope', async () => {
    for (const token of [null, 'not-a-token-we-know']) {
      const response = await ocpiCall(`${service.url}/ocpi/emsp/2.2.1/credentials`, token);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ status_code: 2000, status_message: expect.any(String), timestamp: expect.any(String) });
    }
  });

  it('token A stops working once its invitation expires; operations see when it does', async () => {
    const cpo = await invite({ countryCode: 'NL', partyId: 'EXP' }, false);
    expect((await connectionOf(cpo.connectionId)).invitation_expires_at).toEqual(expect.any(String));
    expect((await ocpiCall(cpo.versionsUrl, cpo.tokenA)).status).toBe(200);
    // Written straight in the database, as another instance would: the service's copy of the connections catches up by
    // its poll (ConnectionCache), so the expiry shows within a second.
    await sql(`UPDATE cpo_connection SET our_token_expires_at = now() - interval '1 second' WHERE id = $1`, [cpo.connectionId]);
    await eventually(async () => expect((await ocpiCall(cpo.versionsUrl, cpo.tokenA)).status).toBe(401));
  });

  it('operations can revoke an unused invitation: token A stops working', async () => {
    const cpo = await invite({ countryCode: 'NL', partyId: 'REV' }, false);
    const { status, body } = await service.ops('DELETE', `/connections/${cpo.connectionId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ connection: { status: 'UNREGISTERED' }, cpo_notified: false, cpo_error: null });
    expect((await ocpiCall(cpo.versionsUrl, cpo.tokenA)).status).toBe(401);
  });
});

describe('credentials 2.2.1 §Errors during registration, §Required endpoints not available', () => {
  it('credentials 2.2.1 §Errors during registration: we cannot reach the versions URL in its credentials → 3001; token A still valid', async () => {
    const cpo = await invite({ countryCode: 'NL', partyId: 'E01', quirks: { advertisedVersionsUrl: 'http://127.0.0.1:9/ocpi/versions' } }, false);
    await expect(cpo.simulator.registerWith(cpo.versionsUrl, cpo.tokenA)).rejects.toThrow(/status_code 3001.*connection refused/);
    const connection = await connectionOf(cpo.connectionId);
    expect(connection).toMatchObject({ status: 'INVITED', last_error: expect.stringContaining('connection refused') });
    expect((await ocpiCall(cpo.versionsUrl, cpo.tokenA)).status).toBe(200);
  });

  it('status_codes 2.2.1 §3xxx: the CPO POSTs on our 2.3.0 endpoint but offers no 2.3.0 → 3002 Unsupported version', async () => {
    const cpo = await invite({ version: '2.2.1', countryCode: 'NL', partyId: 'E02', quirks: { credentialsVersion: '2.3.0' } }, false);
    await expect(cpo.simulator.registerWith(cpo.versionsUrl, cpo.tokenA)).rejects.toThrow(/status_code 3002.*does not offer 2\.3\.0/);
    expect((await connectionOf(cpo.connectionId)).status).toBe('INVITED');
  });

  it('credentials 2.2.1 §Required endpoints not available: no credentials endpoint in its version details → 3003', async () => {
    const cpo = await invite({ countryCode: 'NL', partyId: 'E03', quirks: { omitModules: ['credentials'] } }, false);
    await expect(cpo.simulator.registerWith(cpo.versionsUrl, cpo.tokenA)).rejects.toThrow(/status_code 3003.*credentials/);
    expect((await connectionOf(cpo.connectionId)).status).toBe('INVITED');
  });

  it('credentials 2.1.1 §3.6 Required endpoints not available: the same for a 2.1.1 CPO → 3003', async () => {
    const cpo = await invite({ version: '2.1.1', countryCode: 'NL', partyId: 'E04', quirks: { omitModules: ['credentials'] } }, false);
    await expect(cpo.simulator.registerWith(cpo.versionsUrl, cpo.tokenA)).rejects.toThrow(/status_code 3003/);
  });

  it('status_codes 2.2.1 §2xxx: an invalid credentials object → 2001 naming the field (HTTP 200: it reached the OCPI layer)', async () => {
    const cpo = await invite({ countryCode: 'NL', partyId: 'E05' }, false);
    const response = await ocpiCall(`${service.url}/ocpi/emsp/2.2.1/credentials`, cpo.tokenA, {
      method: 'POST',
      body: { token: 'abc', url: cpo.simulator.versionsUrl, roles: [] },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status_code: 2001, status_message: expect.stringContaining('roles') });
  });

  it('credentials 2.2.1 §CredentialsRole class: a party already connected elsewhere is refused, not silently taken: registered, needs attention', async () => {
    const first = await invite({ countryCode: 'NL', partyId: 'DUP' });
    const second = await invite({ countryCode: 'NL', partyId: 'DUP' });
    const connection = await connectionOf(second.connectionId);
    expect(connection).toMatchObject({
      status: 'REGISTERED',
      parties: [],
      refused_parties: [{ country_code: 'NL', party_id: 'DUP', reason: 'HELD_BY_ANOTHER_CONNECTION', held_by: first.connectionId }],
    });
    expect(connection.needs_attention).toMatchObject({ reason: 'PARTY_CLAIM_REFUSED', what_happened: expect.stringContaining('NL*DUP') });
  });
});

async function sql(text: string, params: unknown[]): Promise<void> {
  const client = new Client({ connectionString: service.database.url });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}
