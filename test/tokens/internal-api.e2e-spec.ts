/**
 * The internal Tokens API the app backend manages our Tokens with (mod_tokens 2.2.1 §Token Object, the fields it
 * names): create, get, change, block, list with keyset paging, import many as a JSON array. Bad input is HTTP 400
 * with messages naming each field; every change bumps last_updated.
 */
import { startTestService, TestService } from '../support/test-service';
import { aToken, tokensApi } from './support/tokens-api';

let service: TestService;
let api: ReturnType<typeof tokensApi>;
beforeAll(async () => {
  service = await startTestService();
  api = tokensApi(service);
});
afterAll(() => service?.stop());

describe('internal Tokens API', () => {
  it('mod_tokens 2.2.1 §Token Object: validation names the field (uid 1..36, type in TokenType, required fields, unknown fields, whitelist, language)', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [aToken('x'.repeat(37)), 'uid must be 1 to 36 characters'],
      [aToken(''), 'uid must be 1 to 36 characters'],
      [aToken('CARD-1', { type: 'BADGE' }), 'type must be one of AD_HOC_USER, APP_USER, EMAID, OTHER, RFID'],
      [{ uid: 'CARD-1', type: 'RFID', issuer: 'x' }, 'contract_id is required'],
      [aToken('CARD-1', { whitelist: 'SOMETIMES' }), 'whitelist must be one of ALWAYS, ALLOWED, ALLOWED_OFFLINE, NEVER'],
      [aToken('CARD-1', { language: 'dutch' }), 'language must be a two-letter ISO 639-1 code'],
      [aToken('CARD-1', { colour: 'red' }), 'colour is not a Token field'],
      [aToken('CARD-1', { valid: 'yes' }), 'valid must be true or false'],
    ];
    for (const [body, message] of cases) {
      const answer = await api.create(body);
      expect({ status: answer.status, message: answer.body.message }).toEqual({ status: 400, message: expect.arrayContaining([message]) });
    }
    expect((await api.list()).body.data).toEqual([]);
  });

  it('creates, reads, changes and blocks a Token; each change bumps last_updated; the same uid and type again is 409, any case of the uid finds it', async () => {
    const created = await api.create(aToken('AbC-123', { group_id: 'FLEET-1', energy_contract: { supplier_name: 'Green Power' } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      uid: 'AbC-123',
      type: 'RFID',
      valid: true,
      whitelist: 'ALLOWED',
      group_id: 'FLEET-1',
      energy_contract: { supplier_name: 'Green Power', contract_id: null },
    });
    expect((await api.create(aToken('abc-123'))).status).toBe(409);
    // mod_tokens: "The combination of uid and type should be unique": another type is another Token.
    expect((await api.create(aToken('abc-123', { type: 'APP_USER' }))).status).toBe(201);
    expect((await api.get('RFID', 'ABC-123')).body).toEqual(created.body);

    const changed = await api.update('RFID', 'abc-123', { whitelist: 'NEVER', visual_number: 'DF000-2001-8999' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ uid: 'AbC-123', whitelist: 'NEVER', visual_number: 'DF000-2001-8999', group_id: 'FLEET-1' });
    expect(Date.parse(changed.body.last_updated)).toBeGreaterThan(Date.parse(created.body.last_updated));

    const blocked = await api.block('RFID', 'AbC-123');
    expect(blocked.body).toMatchObject({ valid: false, whitelist: 'NEVER' });
    expect(Date.parse(blocked.body.last_updated)).toBeGreaterThan(Date.parse(changed.body.last_updated));

    expect(await api.update('RFID', 'AbC-123', { uid: 'other' })).toMatchObject({ status: 400, body: { message: ["uid cannot be changed (it is the Token's identity)"] } });
    expect(await api.update('RFID', 'AbC-123', {})).toMatchObject({ status: 400, body: { message: ['body must change at least one field'] } });
    expect((await api.update('RFID', 'NOPE', { valid: true })).status).toBe(404);
    expect((await api.block('RFID', 'NOPE')).status).toBe(404);
    expect((await api.get('BADGE', 'AbC-123')).status).toBe(400);
  });

  it('imports a JSON array: invalid items refused by index with their fields, the valid ones stored; a repeat replaces; a list pages by cursor through every Token once', async () => {
    const items = Array.from({ length: 25 }, (_, i) => aToken(`IMP-${String(i).padStart(3, '0')}`));
    const outcome = await api.import([...items.slice(0, 10), { uid: 'BAD', type: 'RFID' }, ...items.slice(10), aToken('IMP-000', { issuer: 'Second' })]);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toEqual({
      created: 25,
      updated: 0,
      rejected: [
        { index: 0, errors: ['[0] has the same uid and type as [26], which replaces it'] },
        { index: 10, errors: ['[10].contract_id is required', '[10].issuer is required'] },
      ],
    });
    expect((await api.get('RFID', 'IMP-000')).body.issuer).toBe('Second');
    expect((await api.import(items.slice(0, 5))).body).toEqual({ created: 0, updated: 5, rejected: [] });
    expect((await api.import({ not: 'a list' })).status).toBe(400);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: Array<{ uid: string; type: string }>; meta: { next_cursor: string | null } } } = await api.list(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.data.map((t) => `${t.type}/${t.uid}`));
      cursor = page.body.meta.next_cursor;
    } while (cursor);
    const all = seen.filter((s) => s.includes('IMP-'));
    expect(all).toEqual(items.map((t) => `RFID/${String(t.uid)}`));
    expect(new Set(seen).size).toBe(seen.length);
    expect((await api.list('?cursor=garbage')).status).toBe(400);
    expect((await api.list('?limit=0')).status).toBe(400);
  });
});
