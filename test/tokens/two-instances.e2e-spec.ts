/**
 * Real-time authorization from memory on several instances (mod_tokens 2.2.1 §POST Method; issue 16: "the same on
 * every instance within a second of a change"): two services on one PostgreSQL database answer the same
 * authorization the same way once a Token is created, after the app blocks it through one of them, and after a
 * connection's token scope changes. The instance that made the change answers with it at once (read your writes);
 * the other catches up by its poll of the change numbers (TOKEN_REFRESH_MS). PGlite is one instance: skipped there.
 */
import { ocpiCall } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';
import { aToken, eventually, tokensApi } from './support/tokens-api';

const onServer = process.env.DATABASE_URL ? describe : describe.skip;

onServer('two instances on one PostgreSQL answer authorizations alike (mod_tokens 2.2.1 §POST Method)', () => {
  let first: TestService;
  let second: TestService;
  let cpo: RegisteredCpo;

  beforeAll(async () => {
    first = await startTestService();
    second = await startTestService({ database: first.database });
    cpo = await registerCpo(first, { version: '2.2.1', countryCode: 'NL', partyId: 'TWO', locations: [], tariffs: [] });
  });
  afterAll(async () => {
    await cpo?.close();
    await second?.stop();
    await first?.stop();
  });

  /** What instance `s` answers the CPO's authorization of `uid` with: HTTP status, OCPI status, allowed. */
  async function allowedAt(s: TestService, uid: string): Promise<{ status: number; code: number; allowed: string | null }> {
    const token = cpo.simulator.registration.tokenForClient!;
    const { status, body } = await ocpiCall(`${s.url}/ocpi/emsp/2.2.1/tokens/${uid}/authorize`, token, { method: 'POST', body: { location_id: 'LOC-1' } });
    return { status, code: body.status_code, allowed: body.data?.allowed ?? null };
  }

  it('a new Token, then a block made through the first instance, then a scope of NONE: the second answers the same once it has caught up', async () => {
    const unknown = { status: 404, code: 2004, allowed: null };
    expect(await allowedAt(first, 'TWO-1')).toEqual(unknown);
    expect(await allowedAt(second, 'TWO-1')).toEqual(unknown);

    expect((await tokensApi(first).create(aToken('TWO-1'))).status).toBe(201);
    const allowed = { status: 200, code: 1000, allowed: 'ALLOWED' };
    expect(await allowedAt(first, 'TWO-1')).toEqual(allowed);
    await eventually(async () => expect(await allowedAt(second, 'TWO-1')).toEqual(allowed));

    expect((await tokensApi(first).block('RFID', 'TWO-1')).status).toBe(200);
    const blocked = { status: 200, code: 1000, allowed: 'BLOCKED' };
    expect(await allowedAt(first, 'TWO-1')).toEqual(blocked);
    await eventually(async () => expect(await allowedAt(second, 'TWO-1')).toEqual(blocked));
    expect(await allowedAt(first, 'TWO-1')).toEqual(await allowedAt(second, 'TWO-1'));

    // A change through the second instance reaches the first the same way.
    expect((await tokensApi(second).update('RFID', 'TWO-1', { valid: true })).status).toBe(200);
    expect(await allowedAt(second, 'TWO-1')).toEqual(allowed);
    await eventually(async () => expect(await allowedAt(first, 'TWO-1')).toEqual(allowed));

    expect((await tokensApi(first).setScope(cpo.connectionId, { kind: 'NONE' })).status).toBe(200);
    const notAllowed = { status: 200, code: 1000, allowed: 'NOT_ALLOWED' };
    expect(await allowedAt(first, 'TWO-1')).toEqual(notAllowed);
    await eventually(async () => expect(await allowedAt(second, 'TWO-1')).toEqual(notAllowed));
  });
});
