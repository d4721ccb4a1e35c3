/**
 * Pushing our Token changes to the CPOs' Tokens Receiver, per version, over real HTTP with the CPO simulator
 * (mod_tokens 2.2.1 / 2.3.0 §Receiver Interface PUT and PATCH, 2.1.1 §2.1 CPO Interface): a new Token is PUT whole, a
 * block is PATCHed { valid: false, last_updated }; only CPOs that list a tokens Receiver get them, only the Tokens of
 * their version's types and their token scope; with the CPO down the change waits, visible to operations with its age,
 * and lands once the CPO is back, the latest state last (a later change supersedes one not yet sent).
 */
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';
import { aToken, eventually, tokensApi } from './support/tokens-api';

type Version = '2.1.1' | '2.2.1' | '2.3.0';
const SECTION: Record<Version, string> = {
  '2.1.1': 'mod_tokens 2.1.1 §2.1 CPO Interface',
  '2.2.1': 'mod_tokens 2.2.1 §Receiver Interface',
  '2.3.0': 'mod_tokens 2.3.0 §Receiver Interface',
};

/** Waits until a check of what the simulator received passes (pushes are made by jobs, in their own time). */
const soon = (check: () => void, timeoutMs?: number) => eventually(() => Promise.resolve().then(check), timeoutMs);

let service: TestService;
let api: ReturnType<typeof tokensApi>;

beforeAll(async () => {
  // A CPO down opens its circuit after a few failed calls (see Polite and fair): kept short here, so that the test
  // waits for the push's own backoff rather than the circuit's.
  service = await startTestService({ env: { CPO_CIRCUIT_BACKOFF_MS: '500', CPO_CIRCUIT_MAX_BACKOFF_MS: '1000' } });
  api = tokensApi(service);
});
afterAll(() => service?.stop());

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('Token pushes, OCPI %s', (version: Version) => {
  const section = SECTION[version];
  const partyId = version === '2.1.1' ? 'TPA' : version === '2.2.1' ? 'TPB' : 'TPC';
  const p = (uid: string) => `${partyId}-${uid}`;
  let cpo: RegisteredCpo;
  let plain: RegisteredCpo;
  const pending = async (connectionId: string) => (await service.ops('GET', `/connections/${connectionId}/token-pushes`)).body;
  /** The key the simulator holds a pushed Token under: our party (the test service's), uid, type. */
  const held = (uid: string, type = 'RFID') => [...cpo.simulator.heldTokens.entries()].find(([key]) => key.endsWith(`/${uid}/${type}`))?.[1];
  const pushesOf = (uid: string) => cpo.simulator.tokenPushes.filter((push) => push.path[2] === uid);

  beforeAll(async () => {
    cpo = await registerCpo(service, { version, countryCode: 'NL', partyId, locations: [], tariffs: [], receivers: ['tokens'] });
    plain = await registerCpo(service, { version, countryCode: 'BE', partyId, locations: [], tariffs: [] });
  });
  afterAll(async () => {
    await cpo?.close();
    await plain?.close();
  });

  it(`${section} PUT: a new Token is pushed whole, at {country_code}/{party_id}/{uid}${version === '2.1.1' ? '' : '?type='}, in the version's shape`, async () => {
    expect((await api.create(aToken(p('NEW'), { visual_number: 'V-1' }))).status).toBe(201);
    await soon(() => expect(held(p('NEW'))).toMatchObject({ uid: p('NEW'), valid: true, visual_number: 'V-1' }));
    const [push] = pushesOf(p('NEW'));
    expect(push).toMatchObject({ method: 'PUT', type: version === '2.1.1' ? null : 'RFID' });
    expect(push.body[version === '2.1.1' ? 'auth_id' : 'contract_id']).toBe(`NL-TST-C${p('NEW')}`);
    // Delivered is written just after the CPO answered: the simulator may hold the Token a moment before.
    await eventually(async () => expect((await pending(cpo.connectionId)).count).toBe(0));
  });

  it(`${section} PATCH: a block of a Token the CPO has reaches it as { valid: false, last_updated }`, async () => {
    expect((await api.create(aToken(p('BLK')))).status).toBe(201);
    await soon(() => expect(held(p('BLK'))).toMatchObject({ valid: true }));
    await eventually(async () => expect((await pending(cpo.connectionId)).count).toBe(0));
    expect((await api.block('RFID', p('BLK'))).status).toBe(200);
    await soon(() => expect(held(p('BLK'))).toMatchObject({ valid: false }));
    expect(pushesOf(p('BLK')).map((push) => push.method)).toEqual(['PUT', 'PATCH']);
    expect(Object.keys(pushesOf(p('BLK'))[1].body).sort()).toEqual(['last_updated', 'valid']);
  });

  it(`${section}: the CPO down, a Token's changes wait (visible to operations with their age and error), then land once it is back, the latest state last`, async () => {
    expect((await api.create(aToken(p('DOWN')))).status).toBe(201);
    await soon(() => expect(held(p('DOWN'))).toMatchObject({ valid: true }));
    await eventually(async () => expect((await pending(cpo.connectionId)).count).toBe(0));
    cpo.simulator.setTokensReceiverDown(true);
    expect((await api.update('RFID', p('DOWN'), { visual_number: 'V-2' })).status).toBe(200);
    await eventually(async () =>
      expect((await pending(cpo.connectionId)).pending).toEqual([
        expect.objectContaining({ token_uid: p('DOWN'), kind: 'PUT', attempts: 2, last_error: expect.stringContaining('HTTP 503') }),
      ]),
    );
    // Changed again and blocked while the first change waits: one state to send, the latest.
    expect((await api.update('RFID', p('DOWN'), { visual_number: 'V-3' })).status).toBe(200);
    expect((await api.block('RFID', p('DOWN'))).status).toBe(200);
    const waiting = (await pending(cpo.connectionId)).pending;
    expect(waiting).toEqual([
      expect.objectContaining({ token_uid: p('DOWN'), token_type: 'RFID', kind: 'PUT', pending_since: expect.any(String), age_seconds: expect.any(Number) }),
    ]);
    expect(held(p('DOWN'))).toMatchObject({ valid: true });
    cpo.simulator.setTokensReceiverDown(false);
    await soon(() => expect(held(p('DOWN'))).toMatchObject({ valid: false, visual_number: 'V-3' }), 60_000);
    expect(pushesOf(p('DOWN')).at(-1)!.body).toMatchObject({ valid: false, visual_number: 'V-3' });
    await eventually(async () => expect((await pending(cpo.connectionId)).count).toBe(0));
  });

  it(`${section}: a Token blocked and changed right after its creation, at a slow CPO (300 ms a push): the CPO receives its states one at a time, in order, the latest last`, async () => {
    cpo.simulator.setTokensReceiverDelay(300);
    try {
      expect((await api.create(aToken(p('SLOW')))).status).toBe(201);
      // The PUT is most likely on its way (the CPO takes 300 ms over it): the changes made meanwhile must not overtake it.
      expect((await api.block('RFID', p('SLOW'))).status).toBe(200);
      expect((await api.update('RFID', p('SLOW'), { visual_number: 'V-SLOW' })).status).toBe(200);
      await soon(() => expect(held(p('SLOW'))).toMatchObject({ valid: false, visual_number: 'V-SLOW' }), 30_000);
      await eventually(async () => expect((await pending(cpo.connectionId)).count).toBe(0));
      const bodies = pushesOf(p('SLOW')).map((push) => push.body);
      expect(bodies.at(-1)).toMatchObject({ valid: false, visual_number: 'V-SLOW' });
      // Once the CPO had the block, no earlier state came after it.
      const blockedAt = bodies.findIndex((body) => body.valid === false);
      expect(bodies.slice(blockedAt).every((body) => body.valid === false)).toBe(true);
    } finally {
      cpo.simulator.setTokensReceiverDelay(0);
    }
  });

  it(`${section}: a CPO without a tokens Receiver gets nothing, and a Token outside a connection's scope${version === '2.1.1' ? ' or of a type 2.1.1 lacks' : ''} is not pushed`, async () => {
    expect((await api.setScope(cpo.connectionId, { kind: 'GROUPS', group_ids: ['FLEET-IN'] })).status).toBe(200);
    expect((await api.create(aToken(p('OUT'), { group_id: 'FLEET-OUT' }))).status).toBe(201);
    expect((await api.create(aToken(p('APP'), { type: 'APP_USER', group_id: 'FLEET-IN' }))).status).toBe(201);
    expect((await api.create(aToken(p('IN'), { group_id: 'FLEET-IN' }))).status).toBe(201);
    // Jobs of one connection run in order of sending: once the last is there, the others were decided.
    await soon(() => expect(held(p('IN'))).toMatchObject({ valid: true }));
    expect(held(p('OUT'))).toBeUndefined();
    expect(held(p('APP'), 'APP_USER') !== undefined).toBe(version !== '2.1.1');
    expect(plain.simulator.requests.filter((r) => r.url.includes('/tokens/'))).toEqual([]);
    expect((await pending(plain.connectionId)).count).toBe(0);
    expect((await api.setScope(cpo.connectionId, { kind: 'ALL' })).status).toBe(200);
  });

  it(`${section} PUT, operations' token scope: a scope change pushes to that CPO alone the Tokens newly in its scope; those leaving it are not pushed (no DELETE in OCPI, and valid=false would say blocked)`, async () => {
    expect((await api.setScope(cpo.connectionId, { kind: 'GROUPS', group_ids: ['FLEET-S1'] })).status).toBe(200);
    expect((await api.create(aToken(p('S1'), { group_id: 'FLEET-S1' }))).status).toBe(201);
    expect((await api.create(aToken(p('S2'), { group_id: 'FLEET-S2' }))).status).toBe(201);
    expect((await api.create(aToken(p('S3')))).status).toBe(201);
    await soon(() => expect(held(p('S1'))).toMatchObject({ valid: true }));
    await eventually(async () => expect((await pending(cpo.connectionId)).count).toBe(0));
    expect([held(p('S2')), held(p('S3'))]).toEqual([undefined, undefined]);

    // S2 enters the scope, S1 leaves it.
    expect((await api.setScope(cpo.connectionId, { kind: 'GROUPS', group_ids: ['FLEET-S2'] })).status).toBe(200);
    await soon(() => expect(held(p('S2'))).toMatchObject({ uid: p('S2'), valid: true }));
    await eventually(async () => expect((await pending(cpo.connectionId)).count).toBe(0));
    expect(pushesOf(p('S2')).map((push) => push.method)).toEqual(['PUT']);
    expect(pushesOf(p('S1')).map((push) => push.method)).toEqual(['PUT']);
    expect(held(p('S1'))).toMatchObject({ valid: true });
    expect(held(p('S3'))).toBeUndefined();

    // To ALL: S1 (back) and S3 (no group) enter; S2 was in already and is not sent again.
    expect((await api.setScope(cpo.connectionId, { kind: 'ALL' })).status).toBe(200);
    await soon(() => expect(held(p('S3'))).toMatchObject({ valid: true }));
    await eventually(async () => expect((await pending(cpo.connectionId)).count).toBe(0));
    expect([pushesOf(p('S1')).length, pushesOf(p('S2')).length, pushesOf(p('S3')).length]).toEqual([2, 1, 1]);
    // The CPO without a Tokens Receiver still gets nothing.
    expect(plain.simulator.requests.filter((r) => r.url.includes('/tokens/'))).toEqual([]);
  });
});
