/**
 * A credentials update (credentials §PUT, §Updating the credentials and resetting the credentials token) whose answer
 * is an error or never arrives, in both directions. The side that sent the PUT cannot know whether the other applied
 * it, so we keep accepting both tokens of ours the CPO may hold until it uses one, keep both tokens it may accept from
 * us until one works, take a new token from an answer that carries one, ask with a credentials GET (§GET Method) when
 * we cannot know, and otherwise hold the connection as "needs attention" with what happened and what to do, instead of
 * failing every call with HTTP 401 both ways.
 */
import { encodeAuthorization } from '../cpo-simulator';
import { inviteCpo, InvitedCpo } from '../support/invited-cpo';
import { locationsFor, ocpiCall, VERSIONS } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { syncAndWait } from '../support/sync-runs';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
const opened: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await service?.stop();
});

const around = { center: { latitude: 52.16, longitude: 4.49 }, radiusKm: 3 };
let parties = 0;

/** A CPO we registered with (we are the credentials Sender), serving three Locations. */
async function registered(version: (typeof VERSIONS)[number]['version'] = '2.2.1'): Promise<RegisteredCpo> {
  const partyId = `Q${String(++parties).padStart(2, '0')}`;
  const cpo = await registerCpo(service, {
    version,
    countryCode: 'NL',
    partyId,
    locations: locationsFor(version, { ...around, count: 3, seed: parties, countryCode: 'NL', partyId }),
  });
  opened.push(cpo);
  return cpo;
}

/** A CPO that registered itself with us (it is the credentials Sender), serving three Locations. */
async function invited(version: (typeof VERSIONS)[number]['version'] = '2.2.1'): Promise<InvitedCpo> {
  const partyId = `V${String(++parties).padStart(2, '0')}`;
  const cpo = await inviteCpo(service, {
    version,
    countryCode: 'NL',
    partyId,
    locations: locationsFor(version, { ...around, count: 3, seed: parties, countryCode: 'NL', partyId }),
  });
  opened.push(cpo);
  return cpo;
}

async function connectionOf(id: string): Promise<any> {
  return (await service.ops('GET', '/connections')).body.find((c: any) => c.id === id);
}

/** The CPO calls our versions endpoint with `token`; returns the HTTP status. */
async function cpoCallsUs(token: string, encoding: 'base64' | 'plain' = 'base64'): Promise<number> {
  return (await ocpiCall(`${service.url}/ocpi/emsp/versions`, token, { encoding })).status;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`not within 10 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function syncStatuses(connectionId: string): Promise<any[]> {
  return syncAndWait(service, connectionId);
}

describe('credentials 2.2.1 §Updating the credentials and resetting the credentials token: our PUT fails or its answer is lost', () => {
  it('§PUT Method: the CPO answers an OCPI error (HTTP 200) without applying it: its token C still works (credentials GET), pulls carry on, our old token B keeps working', async () => {
    const cpo = await registered();
    const before = cpo.simulator.registration;
    cpo.simulator.setQuirks({ modules: ['credentials'], failures: { count: 1, httpStatus: 200, methods: ['PUT'] } });
    const rotate = await service.ops('POST', `/connections/${cpo.connectionId}/rotate`);
    expect(rotate).toMatchObject({ status: 502, body: { error: 'CREDENTIALS_REJECTED' } });
    expect(rotate.body.message).toContain('OCPI status 3000');
    expect(rotate.body.message).toContain('still accepts the token we hold');
    // We asked: a credentials GET with the token we hold was answered.
    expect(cpo.simulator.requests.at(-1)).toMatchObject({ method: 'GET', url: expect.stringContaining('/credentials'), status: 200, token: 'C' });
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null, token_rotation: { state: 'OURS_UNSETTLED' } });

    expect(await cpoCallsUs(before.tokenForClient!)).toBe(200);
    // The CPO used our old token: it never took the new one; nothing is unsettled any more.
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null, token_rotation: null });
    const [, locations] = await syncStatuses(cpo.connectionId);
    expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 3 });
  });

  it.each(VERSIONS)(
    '$section.put: the CPO applies our PUT, then answers an OCPI error without its new token: no token we hold works, the connection needs attention, the CPO still reaches us with our new token B, and its own PUT to us restores the connection',
    async ({ version, encoding }) => {
      const cpo = await registered(version);
      const before = cpo.simulator.registration;
      cpo.simulator.setQuirks({ putAfterApplying: { answer: 'ocpi-error' } });
      const rotate = await service.ops('POST', `/connections/${cpo.connectionId}/rotate`);
      expect(rotate).toMatchObject({ status: 502, body: { error: 'CREDENTIALS_REJECTED' } });
      expect(rotate.body.message).toContain('needs attention');
      // Asked with the token we hold: HTTP 401, since the CPO replaced it with one we never received.
      expect(cpo.simulator.requests.at(-1)).toMatchObject({ method: 'GET', url: expect.stringContaining('/credentials'), status: 401 });
      const connection = await connectionOf(cpo.connectionId);
      expect(connection.status).toBe('REGISTERED');
      expect(connection.needs_attention).toEqual({ reason: 'NO_TOKEN_WORKS', since: expect.any(String), what_happened: expect.any(String), what_to_do: expect.any(String) });
      expect(connection.needs_attention.what_happened).toContain('OCPI status 3000');
      expect(connection.needs_attention.what_happened).toContain('HTTP 401');
      expect(connection.needs_attention.what_to_do).toContain(`/ocpi/emsp/${version}/credentials`);

      // The CPO applied it, so it calls us with our new token B: accepted; from then on the old one is not.
      const applied = cpo.simulator.registration;
      expect(applied.tokenForClient).not.toBe(before.tokenForClient);
      expect(await cpoCallsUs(applied.tokenForClient!, encoding)).toBe(200);
      expect(await cpoCallsUs(before.tokenForClient!, encoding)).toBe(401);

      // Pulls pause with the reason instead of meeting HTTP 401 at every call.
      const requests = cpo.simulator.requests.length;
      const paused = await service.ops('POST', `/connections/${cpo.connectionId}/sync`);
      expect(paused).toMatchObject({ status: 409, body: { error: 'PULLS_PAUSED', message: expect.stringContaining('needs attention') } });
      expect(cpo.simulator.requests.length).toBe(requests);

      // What operations are told to ask for: the CPO PUTs its credentials to us (with our new token B).
      cpo.simulator.setQuirks({});
      await cpo.simulator.updateCredentials();
      expect(await connectionOf(cpo.connectionId)).toMatchObject({ status: 'REGISTERED', needs_attention: null });
      const [, locations] = await syncStatuses(cpo.connectionId);
      expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 3 });
    },
  );

  it('§PUT Method: the CPO applies our PUT and answers an OCPI error that carries its new credentials: we use its new token C at once', async () => {
    const cpo = await registered();
    cpo.simulator.setQuirks({ putAfterApplying: { answer: 'ocpi-error-with-credentials' } });
    const rotate = await service.ops('POST', `/connections/${cpo.connectionId}/rotate`);
    expect(rotate.status).toBe(502);
    expect(rotate.body.message).toContain('carried a new token');
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null, token_rotation: { state: 'OURS_UNSETTLED' } });
    const applied = cpo.simulator.registration;
    const requests = cpo.simulator.requests.length;
    const [, locations] = await syncStatuses(cpo.connectionId);
    expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 3 });
    expect(new Set(cpo.simulator.requests.slice(requests).map((r) => r.headers.authorization))).toEqual(new Set([encodeAuthorization(applied.tokenForUs!, 'base64')]));
    expect(await cpoCallsUs(applied.tokenForClient!)).toBe(200);
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null, token_rotation: null });
  });

  it('§PUT Method: the CPO applies our PUT and the answer is lost (connection dropped): no token we hold works, the connection needs attention, the CPO reaches us with our new token B', async () => {
    const cpo = await registered();
    const before = cpo.simulator.registration;
    cpo.simulator.setQuirks({ putAfterApplying: { answer: 'drop' } });
    const rotate = await service.ops('POST', `/connections/${cpo.connectionId}/rotate`);
    expect(rotate.status).toBe(502);
    expect(rotate.body.message).toContain('needs attention');
    const connection = await connectionOf(cpo.connectionId);
    expect(connection.needs_attention.what_happened).toContain('no answer');
    expect(connection.needs_attention.what_happened).toContain('HTTP 401');
    const applied = cpo.simulator.registration;
    expect(applied.tokenForClient).not.toBe(before.tokenForClient);
    expect(await cpoCallsUs(applied.tokenForClient!)).toBe(200);
  });

  it('§GET Method: the answer is lost but the CPO still accepts our old token C for a while: a credentials GET with it tells us its new token, which we use from then on', async () => {
    const cpo = await registered();
    cpo.simulator.setQuirks({ putAfterApplying: { answer: 'drop', keepOldToken: true } });
    const rotate = await service.ops('POST', `/connections/${cpo.connectionId}/rotate`);
    expect(rotate.status).toBe(502);
    expect(rotate.body.message).toContain('answered a new token');
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null });
    const applied = cpo.simulator.registration;
    const requests = cpo.simulator.requests.length;
    const [, locations] = await syncStatuses(cpo.connectionId);
    expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 3 });
    expect(new Set(cpo.simulator.requests.slice(requests).map((r) => r.headers.authorization))).toEqual(new Set([encodeAuthorization(applied.tokenForUs!, 'base64')]));
  });
});

describe('credentials 2.2.1 §PUT Method: the CPO updates its credentials and our answer fails or is lost', () => {
  it.each(VERSIONS)(
    '$section.put: our answer is lost and the CPO keeps its old tokens: it still reaches us with our old token, and we reach it with its old token once its new one gets HTTP 401',
    async ({ version, encoding }) => {
      const cpo = await invited(version);
      const before = cpo.simulator.registration;
      const after = await cpo.simulator.updateCredentials({ answerLost: 'keep-old' });
      expect(after.tokenForUs).toBe(before.tokenForUs);
      expect(after.tokenForClient).toBe(before.tokenForClient);
      // We applied it (and answered into a closed connection).
      await waitFor('our side applied the PUT', async () => (await connectionOf(cpo.connectionId)).token_rotation?.state === 'THEIRS_UNSETTLED');

      expect(await cpoCallsUs(before.tokenForClient!, encoding)).toBe(200);
      const requests = cpo.simulator.requests.length;
      const [, locations] = await syncStatuses(cpo.connectionId);
      expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 3 });
      const pulled = cpo.simulator.requests.slice(requests);
      // Its new token (which it dropped) was refused (in both encodings); then its old one, which it still accepts.
      const refused = pulled.findIndex((r) => r.status !== 401);
      expect(refused).toBeGreaterThan(0);
      expect(pulled.slice(0, refused).every((r) => r.token === 'unknown' || r.token === 'none')).toBe(true);
      expect(pulled.slice(refused).every((r) => r.status === 200 && r.token === 'B')).toBe(true);
      expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null, token_rotation: null });
      // Settled: the next pull goes straight to the token that works.
      const again = cpo.simulator.requests.length;
      await syncStatuses(cpo.connectionId);
      expect(cpo.simulator.requests.slice(again).every((r) => r.status === 200)).toBe(true);
    },
  );

  it('our answer is lost and the CPO switched to its new token anyway: it reaches us with our old token, and its new token works for us', async () => {
    const cpo = await invited();
    const before = cpo.simulator.registration;
    const after = await cpo.simulator.updateCredentials({ answerLost: 'keep-new' });
    expect(after.tokenForUs).not.toBe(before.tokenForUs);
    expect(after.tokenForClient).toBe(before.tokenForClient);
    await waitFor('our side applied the PUT', async () => (await connectionOf(cpo.connectionId)).token_rotation?.state === 'THEIRS_UNSETTLED');

    expect(await cpoCallsUs(before.tokenForClient!)).toBe(200);
    const requests = cpo.simulator.requests.length;
    const [, locations] = await syncStatuses(cpo.connectionId);
    expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 3 });
    expect(cpo.simulator.requests.slice(requests).every((r) => r.status === 200 && r.token === 'B')).toBe(true);
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null, token_rotation: null });
  });

  it('our answer reaches the CPO: once it uses our new token, the old one stops working', async () => {
    const cpo = await invited();
    const before = cpo.simulator.registration;
    const after = await cpo.simulator.updateCredentials();
    expect(await cpoCallsUs(after.tokenForClient!)).toBe(200);
    expect(await cpoCallsUs(before.tokenForClient!)).toBe(401);
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ token_rotation: { state: 'THEIRS_UNSETTLED' } });
    await syncStatuses(cpo.connectionId);
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null, token_rotation: null });
  });

  it('credentials 2.2.1 §Errors during registration: our answer is an error (3001, we cannot reach its versions): nothing changed, both sides keep their tokens', async () => {
    const cpo = await invited();
    const before = cpo.simulator.registration;
    cpo.simulator.setQuirks({ advertisedVersionsUrl: 'http://127.0.0.1:9/ocpi/versions' });
    await expect(cpo.simulator.updateCredentials()).rejects.toThrow('3001');
    cpo.simulator.setQuirks({});
    expect(await cpoCallsUs(before.tokenForClient!)).toBe(200);
    const [, locations] = await syncStatuses(cpo.connectionId);
    expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 3 });
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null, token_rotation: null });
  });
});
