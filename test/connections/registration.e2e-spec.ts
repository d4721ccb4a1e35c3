/**
 * credentials 2.2.1 §Registration (eMSP-initiated): we get the CPO's versions URL and token A, fetch its
 * versions and endpoints with token A, POST our credentials (token B), and keep token C for later calls.
 */
import { Client } from 'pg';
import { CpoSimulator, startCpoSimulator } from '../cpo-simulator';
import { startTestService, TestService } from '../support/test-service';

describe('credentials 2.2.1 §Registration: eMSP-initiated handshake with a 2.2.1 CPO', () => {
  let service: TestService;
  let cpo: CpoSimulator;

  beforeAll(async () => {
    service = await startTestService();
    cpo = await startCpoSimulator({ countryCode: 'NL', partyId: 'REG', businessName: 'Registration CPO' });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('registers: picks 2.2.1, POSTs token B with our versions URL and EMSP role, stores the CPO party', async () => {
    const { status, body } = await service.ops('POST', '/connections', { name: 'Reg CPO', versions_url: cpo.versionsUrl, token_a: cpo.tokenA });

    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'REGISTERED', ocpi_version: '2.2.1', last_error: null });
    expect(body.parties).toEqual([{ role: 'CPO', country_code: 'NL', party_id: 'REG', name: 'Registration CPO', business_details: { name: 'Registration CPO' } }]);
    const registration = cpo.registration;
    expect(registration.registered).toBe(true);
    expect(registration.tokenAValid).toBe(false);
    expect(registration.clientCredentials).toMatchObject({
      url: `${service.url}/ocpi/emsp/versions`,
      roles: [{ role: 'EMSP', country_code: 'NL', party_id: 'EMS', business_details: { name: 'Open eMSP' } }],
    });
    // The CPO called our versions and version details with token B while the POST was open (credentials §POST).
    expect(registration.clientVersionDetails?.endpoints).toContainEqual(expect.objectContaining({ identifier: 'credentials', url: `${service.url}/ocpi/emsp/2.2.1/credentials` }));
  });

  it('transport_and_format 2.2.1 §Authorization header: every call we made carried a Base64-encoded token', () => {
    expect(cpo.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of cpo.requests) expect(request.authorizationSchemeOk).toBe(true);
    expect(cpo.requests.map((r) => r.token)).toEqual(['A', 'A', 'A']);
  });

  it('stores token B only as a hash and token C only encrypted; neither appears in the operations API', async () => {
    const { tokenB, tokenC } = cpo.registration;
    const rows = await query(service.database.url, 'SELECT our_token_hash, their_token_encrypted FROM cpo_connection');
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(tokenB);
    expect(dump).not.toContain(tokenC);
    expect(rows[0].our_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].their_token_encrypted).toMatch(/^v1:/);
    const list = JSON.stringify((await service.ops('GET', '/connections')).body);
    expect(list).not.toContain(tokenB);
    expect(list).not.toContain(tokenC);
    expect(list).not.toContain('their_token');
  });

  it('version_information_endpoint 2.2.1: the CPO reaches our versions with token B, not without it', async () => {
    const tokenB = cpo.registration.tokenB!;
    const ok = await fetch(`${service.url}/ocpi/emsp/versions`, { headers: { Authorization: `Token ${Buffer.from(tokenB).toString('base64')}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      status_code: 1000,
      data: ['2.3.0', '2.2.1', '2.1.1'].map((version) => ({ version, url: `${service.url}/ocpi/emsp/${version}` })),
    });

    const none = await fetch(`${service.url}/ocpi/emsp/versions`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ status_code: 2000, status_message: expect.any(String), timestamp: expect.any(String) });
  });

  it('credentials 2.2.1 §GET: returns our credentials with the token the CPO authenticated with', async () => {
    const tokenB = cpo.registration.tokenB!;
    const response = await fetch(`${service.url}/ocpi/emsp/2.2.1/credentials`, { headers: { Authorization: `Token ${Buffer.from(tokenB).toString('base64')}` } });
    const body: any = await response.json();
    expect(body.data).toMatchObject({ token: tokenB, url: `${service.url}/ocpi/emsp/versions`, roles: [{ role: 'EMSP' }] });
  });

  it('credentials 2.2.1 §CredentialsRole class: a second connection claiming a connected party registers without it, and needs attention naming it', async () => {
    const again = await startCpoSimulator({ countryCode: 'NL', partyId: 'REG' });
    try {
      const { status, body } = await service.ops('POST', '/connections', { name: 'Duplicate', versions_url: again.versionsUrl, token_a: again.tokenA });
      expect(status).toBe(201);
      expect(body).toMatchObject({ status: 'REGISTERED', parties: [], refused_parties: [{ country_code: 'NL', party_id: 'REG', reason: 'HELD_BY_ANOTHER_CONNECTION' }] });
      expect(body.needs_attention).toMatchObject({ reason: 'PARTY_CLAIM_REFUSED', what_happened: expect.stringContaining('NL*REG') });
    } finally {
      await again.close();
    }
  });

  it('a wrong token A fails with 502, a reason for operations, and the connection kept as FAILED', async () => {
    const other = await startCpoSimulator({ countryCode: 'NL', partyId: 'BAD' });
    try {
      const { status, body } = await service.ops('POST', '/connections', { name: 'Wrong token', versions_url: other.versionsUrl, token_a: 'not-the-token' });
      expect(status).toBe(502);
      expect(body.error).toBe('VERSIONS_UNREACHABLE');
      expect(body.message).toContain('HTTP 401');
      const listed = (await service.ops('GET', '/connections')).body.find((c: any) => c.id === body.connection_id);
      expect(listed).toMatchObject({ status: 'FAILED', last_error: expect.stringContaining('credentials token') });
    } finally {
      await other.close();
    }
  });

  it('an unreachable CPO fails with VERSIONS_UNREACHABLE and says the connection was refused', async () => {
    const { status, body } = await service.ops('POST', '/connections', { name: 'Down', versions_url: 'http://127.0.0.1:9/ocpi/versions', token_a: 'abc' });
    expect(status).toBe(502);
    expect(body.error).toBe('VERSIONS_UNREACHABLE');
    expect(body.message).toContain('connection refused');
  });

  it('rejects an invalid request with 400 naming the field, and a wrong API key with 401', async () => {
    const invalid = await service.ops('POST', '/connections', { name: 'x', versions_url: 'not a url', token_a: 'has space' });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.message)).toContain('versions_url');
    expect(JSON.stringify(invalid.body.message)).toContain('token_a');
    const unauthorised = await fetch(`${service.url}/api/v1/operations/connections`, { headers: { 'X-API-Key': 'wrong' } });
    expect(unauthorised.status).toBe(401);
  });
});

async function query(url: string, sql: string): Promise<any[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
