/**
 * The OCPI auth guard answers from each instance's in-memory copy of the connections (ConnectionCache), so a change
 * made through one instance must reach the other within a second, and at once on the instance that made it
 * (transport_and_format 2.2.1 §Authorization header: a token no longer valid is answered HTTP 401). Two services on
 * one PostgreSQL database: a registration (which works on the other instance at once: a token not held there is looked
 * for in the database), a rotation of our token (the old one stops working), new parties from a
 * credentials update (credentials 2.2.1 §CredentialsRole: what OCPI-from-* may name) and an unregistration
 * (credentials §DELETE). The instance that made the change answers with it at once (no waiting); the other catches
 * up by its poll (CONNECTION_REFRESH_MS). PGlite is one instance: skipped there.
 */
import { eventually } from '../support/eventually';
import { ocpiCall } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const onServer = process.env.DATABASE_URL ? describe : describe.skip;

onServer('two instances on one PostgreSQL authenticate CPOs alike (transport_and_format 2.2.1 §Authorization header)', () => {
  let first: TestService;
  let second: TestService;
  let cpo: RegisteredCpo;

  beforeAll(async () => {
    first = await startTestService();
    second = await startTestService({ database: first.database });
  });
  afterAll(async () => {
    await cpo?.close();
    await second?.stop();
    await first?.stop();
  });

  /** What instance `s` answers a GET of our Tokens (a functional module) with `token`: HTTP status and OCPI status. */
  async function tokensGet(s: TestService, token: string, headers: Record<string, string> = {}): Promise<{ status: number; code: number | null }> {
    const { status, body } = await ocpiCall(`${s.url}/ocpi/emsp/2.2.1/tokens`, token, { headers });
    return { status, code: body?.status_code ?? null };
  }
  const works = { status: 200, code: 1000 };
  const refused = { status: 401, code: 2000 };
  const tokenOf = () => cpo.simulator.registration.tokenForClient!;

  it('a registration through the first instance: its token works on the second at once (a token not held is looked for in the database)', async () => {
    cpo = await registerCpo(first, { version: '2.2.1', countryCode: 'NL', partyId: 'TWI', locations: [], tariffs: [] });
    // No waiting: a CPO often calls right after its registration, maybe through another instance than the one it registered on.
    expect(await tokensGet(second, tokenOf())).toEqual(works);
    expect(await tokensGet(first, tokenOf())).toEqual(works);
  });

  it('a rotation of our token through the first instance: the old token stops working there at once, on the second within its poll', async () => {
    const old = tokenOf();
    const { status } = await first.ops('POST', `/connections/${cpo.connectionId}/rotate`);
    expect(status).toBe(200);
    expect(tokenOf()).not.toBe(old);
    expect(await tokensGet(first, old)).toEqual(refused);
    expect(await tokensGet(first, tokenOf())).toEqual(works);
    await eventually(async () => expect(await tokensGet(second, old)).toEqual(refused));
    expect(await tokensGet(second, tokenOf())).toEqual(works);
  });

  it('a party added by a credentials update through the first instance may be named in OCPI-from-* on the second (credentials 2.2.1 §CredentialsRole)', async () => {
    const newParty = { 'OCPI-from-country-code': 'NL', 'OCPI-from-party-id': 'TW2' };
    // Not yet a party of this connection: 2001, naming it (transport_and_format 2.2.1 §Message Routing Headers).
    expect(await tokensGet(second, tokenOf(), newParty)).toEqual({ status: 200, code: 2001 });
    cpo.simulator.setRoles([
      { role: 'CPO', countryCode: 'NL', partyId: 'TWI' },
      { role: 'CPO', countryCode: 'NL', partyId: 'TW2' },
    ]);
    await cpo.simulator.updateCredentials();
    expect(await tokensGet(first, tokenOf(), newParty)).toEqual(works);
    await eventually(async () => expect(await tokensGet(second, tokenOf(), newParty)).toEqual(works));
  });

  it('an unregistration through the second instance: the token stops working there at once, on the first within its poll (credentials §DELETE)', async () => {
    const token = tokenOf();
    expect(await tokensGet(first, token)).toEqual(works);
    const { status } = await second.ops('DELETE', `/connections/${cpo.connectionId}`);
    expect(status).toBe(200);
    expect(await tokensGet(second, token)).toEqual(refused);
    await eventually(async () => expect(await tokensGet(first, token)).toEqual(refused));
  });
});
