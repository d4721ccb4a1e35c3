/**
 * Bulk Token changes pushed to the CPOs' Tokens Receivers (mod_tokens 2.2.1 §Receiver Interface PUT), over real HTTP
 * with the CPO simulator: an import of many Tokens makes a few drain jobs per CPO (counted in pg-boss's tables), not one
 * job per Token and CPO; every Token lands at every CPO in its latest state, also when changed again while the import
 * is being pushed, when a CPO is down and then back, and when the CPO refuses one Token (the others land all the same).
 */
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';
import { aToken, eventually, tokensApi } from './support/tokens-api';

const SECTION = 'mod_tokens 2.2.1 §Receiver Interface';

let service: TestService;
let api: ReturnType<typeof tokensApi>;
let cpos: RegisteredCpo[];

beforeAll(async () => {
  // A CPO down opens its circuit after a few failed calls: kept short, so that the test waits for the jobs' backoff.
  service = await startTestService({ env: { CPO_CIRCUIT_BACKOFF_MS: '500', CPO_CIRCUIT_MAX_BACKOFF_MS: '1000' } });
  api = tokensApi(service);
  cpos = [
    await registerCpo(service, { version: '2.2.1', countryCode: 'NL', partyId: 'BLA', locations: [], tariffs: [], receivers: ['tokens'] }),
    await registerCpo(service, { version: '2.2.1', countryCode: 'DE', partyId: 'BLB', locations: [], tariffs: [], receivers: ['tokens'] }),
  ];
});
afterAll(async () => {
  for (const cpo of cpos ?? []) await cpo.close();
  await service?.stop();
});

/** Job rows of the token-push queues, by queue, whatever their state (pg-boss's job and archive tables). */
async function jobRows(): Promise<Record<string, number>> {
  const rows = await withClient(
    service.database.url,
    async (c) =>
      (
        await c.query<{ name: string; n: number }>(
          `SELECT name, count(*)::int AS n FROM (SELECT name FROM pgboss.job UNION ALL SELECT name FROM pgboss.archive) j
           WHERE name LIKE 'token-push%' GROUP BY name`,
        )
      ).rows,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}

const pending = async (cpo: RegisteredCpo) => (await service.ops('GET', `/connections/${cpo.connectionId}/token-pushes`)).body;
/** What the CPO holds of our Token `uid` (RFID), under our party (the service's defaults: NL EMS). */
const held = (cpo: RegisteredCpo, uid: string) => cpo.simulator.heldTokens.get(`NL/EMS/${uid}/RFID`);
const uids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(5, '0')}`);

/** Waits until every CPO holds every Token of `expected` with those fields, and has nothing pending. */
async function allLanded(expected: Map<string, Record<string, unknown>>, timeoutMs = 120_000): Promise<void> {
  await eventually(async () => {
    for (const cpo of cpos) {
      const missing = [...expected].filter(([uid, fields]) => !Object.entries(fields).every(([k, v]) => held(cpo, uid)?.[k] === v));
      expect(missing.map(([uid]) => uid).slice(0, 5)).toEqual([]);
      expect((await pending(cpo)).count).toBe(0);
    }
  }, timeoutMs);
}

it(`${SECTION} PUT: an import of 2,000 Tokens reaches both CPOs through a few jobs per CPO, each Token in its latest state (changed again and blocked while the import is pushed)`, async () => {
  const before = await jobRows();
  const bulk = uids('BULK', 2000);
  const imported = await api.import(bulk.map((uid) => aToken(uid, { visual_number: 'V-1' })));
  expect(imported.status).toBe(200);
  expect(imported.body).toMatchObject({ created: 2000, rejected: [] });
  // Changed while the import's pushes are under way: a few single changes (their own jobs), and a second bulk change.
  const expected = new Map<string, Record<string, unknown>>(bulk.map((uid) => [uid, { valid: true, visual_number: 'V-1' }]));
  for (const uid of [bulk[0], bulk[999], bulk[1999]]) {
    expect((await api.block('RFID', uid)).status).toBe(200);
    expected.set(uid, { valid: false, visual_number: 'V-1' });
  }
  const again = bulk.slice(500, 1500);
  expect((await api.import(again.map((uid) => aToken(uid, { visual_number: 'V-2' })))).status).toBe(200);
  for (const uid of again) expected.set(uid, { valid: true, visual_number: 'V-2' });
  expect((await api.update('RFID', bulk[1000], { visual_number: 'V-3' })).status).toBe(200);
  expected.set(bulk[1000], { valid: true, visual_number: 'V-3' });

  await allLanded(expected);
  const after = await jobRows();
  const made = (queue: string) => (after[queue] ?? 0) - (before[queue] ?? 0);
  // Two imports to two CPOs: a drain each (one more when one was already running, or handed on), not one job per
  // Token and CPO (6,000); the four single changes: one job per Token and CPO.
  expect(made('token-push-drain')).toBeGreaterThanOrEqual(2);
  expect(made('token-push-drain')).toBeLessThanOrEqual(12);
  expect(made('token-push')).toBe(8);
  for (const cpo of cpos) {
    const pushes = cpo.simulator.tokenPushes.filter((push) => push.path[2].startsWith('BULK-'));
    // The latest state of each Token came last to the CPO: after it, nothing older.
    const last = new Map(pushes.map((push) => [push.path[2], push.body]));
    for (const [uid, fields] of expected) expect(last.get(uid)).toMatchObject(fields);
  }
});

it(`${SECTION}: a CPO down during an import: the other gets every Token at once; the Tokens wait for the one down (operations see them with their error), and all land once it is back`, async () => {
  const [down, up] = cpos;
  const before = await jobRows();
  down.simulator.setTokensReceiverDown(true);
  const bulk = uids('DOWN', 1000);
  const expected = new Map(bulk.map((uid) => [uid, { valid: true }]));
  try {
    expect((await api.import(bulk.map((uid) => aToken(uid)))).status).toBe(200);
    await eventually(async () => {
      expect(bulk.filter((uid) => held(up, uid) === undefined)).toEqual([]);
      expect((await pending(up)).count).toBe(0);
    }, 60_000);
    await eventually(async () => {
      const waiting = await pending(down);
      expect(waiting.count).toBe(1000);
      expect(waiting.pending).toContainEqual(
        expect.objectContaining({ token_uid: expect.stringMatching(/^DOWN-/), kind: 'PUT', attempts: expect.any(Number), last_error: expect.any(String) }),
      );
    });
    expect(bulk.filter((uid) => held(down, uid) !== undefined)).toEqual([]);
  } finally {
    down.simulator.setTokensReceiverDown(false);
  }
  await allLanded(expected);
  const after = await jobRows();
  expect((after['token-push-drain'] ?? 0) - (before['token-push-drain'] ?? 0)).toBeLessThanOrEqual(6);
  expect((after['token-push'] ?? 0) - (before['token-push'] ?? 0)).toBe(0);
});

it(`${SECTION}: a CPO that refuses one Token (OCPI 2001) still gets all the others; the refused one stays pending with its error, and lands once the CPO takes it`, async () => {
  const [picky] = cpos;
  const bulk = uids('PICKY', 300);
  const refused = bulk[150];
  picky.simulator.setTokensRefused([refused]);
  const expected = new Map(bulk.map((uid) => [uid, { valid: true }]));
  try {
    expect((await api.import(bulk.map((uid) => aToken(uid)))).status).toBe(200);
    await eventually(async () => {
      for (const cpo of cpos) expect(bulk.filter((uid) => uid !== refused && held(cpo, uid) === undefined)).toEqual([]);
      expect((await pending(picky)).pending).toEqual([expect.objectContaining({ token_uid: refused, attempts: expect.any(Number), last_error: expect.any(String) })]);
    }, 60_000);
    expect(held(picky, refused)).toBeUndefined();
  } finally {
    picky.simulator.setTokensRefused([]);
  }
  await allLanded(expected);
});

it(`${SECTION}: two instances on one database, each importing: every Token reaches each CPO exactly once (no Token sent by two attempts, no drain run twice at once)`, async () => {
  const second = await startTestService({ database: service.database, env: { CPO_CIRCUIT_BACKOFF_MS: '500', CPO_CIRCUIT_MAX_BACKOFF_MS: '1000' } });
  try {
    const first = uids('TWO', 1600);
    const imports = [api.import(first.slice(0, 800).map((uid) => aToken(uid))), tokensApi(second).import(first.slice(800).map((uid) => aToken(uid)))];
    for (const imported of await Promise.all(imports)) expect(imported.status).toBe(200);
    await allLanded(new Map(first.map((uid) => [uid, { valid: true }])));
    for (const cpo of cpos) {
      const sent = cpo.simulator.tokenPushes.filter((push) => push.path[2].startsWith('TWO-')).map((push) => push.path[2]);
      expect(sent.length).toBe(first.length);
      expect(new Set(sent).size).toBe(first.length);
    }
  } finally {
    await second.stop();
  }
});
