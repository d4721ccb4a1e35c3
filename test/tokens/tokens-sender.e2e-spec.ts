/**
 * Our Tokens Sender interface, per version, over real HTTP with the CPO simulator (mod_tokens 2.2.1 / 2.3.0 §Sender
 * Interface, 2.1.1 §2.2 eMSP Interface): a CPO GETs our Tokens paginated (transport_and_format §Pagination: Link,
 * X-Total-Count, X-Limit) and filtered by date_from (inclusive) / date_to (exclusive), in its version's shape and types;
 * a connection limited by its token scope sees only its Tokens; and real-time authorization (§POST Method) answers
 * every AllowedType, "unknown Token", a malformed body and no body as documented in the README.
 */
import { AuthorizationLog } from '../../src/tokens/authorization-log';
import { callLogEntry } from '../support/call-log';
import { ocpiCall } from '../support/ocpi-versions';
import { ocpiAuthorization, rawRequest } from '../support/raw-request';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';
import { aToken, eventually, tokensApi } from './support/tokens-api';

type Version = '2.1.1' | '2.2.1' | '2.3.0';
const SECTION: Record<Version, string> = {
  '2.1.1': 'mod_tokens 2.1.1 §2.2 eMSP Interface',
  '2.2.1': 'mod_tokens 2.2.1 §Sender Interface',
  '2.3.0': 'mod_tokens 2.3.0 §Sender Interface',
};
/** mod_tokens 2.1.1 §4.3 TokenType: OTHER and RFID only; 2.2.1 adds AD_HOC_USER and APP_USER; 2.3.0 EMAID. */
const TYPES: Record<Version, string[]> = {
  '2.1.1': ['OTHER', 'RFID'],
  '2.2.1': ['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID'],
  '2.3.0': ['AD_HOC_USER', 'APP_USER', 'EMAID', 'OTHER', 'RFID'],
};

let service: TestService;
let api: ReturnType<typeof tokensApi>;
const day = (d: number) => `2026-01-${String(d).padStart(2, '0')}T00:00:00Z`;

/** Every Token we hold, as the app backend created them. */
const TOKENS = [
  // Seven Tokens last updated on 1..7 January (set below), two of them in FLEET-A.
  ...Array.from({ length: 7 }, (_, i) => aToken(`DATE-${i + 1}`, { group_id: i < 2 ? 'FLEET-A' : 'FLEET-B' })),
  aToken('AUTH-OK', {
    group_id: 'FLEET-A',
    language: 'nl',
    visual_number: 'DF000-2001-8999',
    default_profile_type: 'GREEN',
    energy_contract: { supplier_name: 'Green Power', contract_id: 'GP-1' },
  }),
  aToken('AUTH-BLK'),
  aToken('AUTH-EXP', { valid_until: '2026-01-01T00:00:00Z' }),
  aToken('AUTH-NOCREDIT', { denial: 'NO_CREDIT' }),
  aToken('AUTH-NOTALLOWED', { denial: 'NOT_ALLOWED' }),
  aToken('OTHER-1', { type: 'OTHER' }),
  aToken('APP-1', { type: 'APP_USER', whitelist: 'NEVER' }),
  aToken('ADHOC-1', { type: 'AD_HOC_USER', whitelist: 'NEVER' }),
  aToken('EMAID-1', { type: 'EMAID', whitelist: 'NEVER' }),
];
const countOf = (version: Version) => TOKENS.filter((t) => TYPES[version].includes(String(t.type))).length;

beforeAll(async () => {
  service = await startTestService();
  api = tokensApi(service);
  expect((await api.import(TOKENS)).body).toMatchObject({ created: TOKENS.length, rejected: [] });
  expect((await api.block('RFID', 'AUTH-BLK')).status).toBe(200);
  // Spread the DATE-n Tokens over 1..7 January, to filter on (no other Token is that old).
  await withClient(service.database.url, async (c) => {
    for (let i = 1; i <= 7; i++) await c.query(`UPDATE token SET last_updated = $1 WHERE uid = $2`, [day(i), `DATE-${i}`]);
  });
});
afterAll(() => service?.stop());

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('Tokens Sender interface, OCPI %s', (version: Version) => {
  const section = SECTION[version];
  const party = { countryCode: 'NL', partyId: version === '2.1.1' ? 'TKA' : version === '2.2.1' ? 'TKB' : 'TKC' };
  let cpo: RegisteredCpo;
  let limited: RegisteredCpo;
  const location = { location_id: 'LOC-1', evse_uids: ['EVSE-1', 'EVSE-2'], ...(version === '2.1.1' ? { connector_ids: ['1'] } : {}) };

  beforeAll(async () => {
    cpo = await registerCpo(service, { version, ...party, locations: [], tariffs: [] });
    limited = await registerCpo(service, { version, countryCode: 'DE', partyId: party.partyId, locations: [], tariffs: [] });
    expect((await api.setScope(limited.connectionId, { kind: 'GROUPS', group_ids: ['FLEET-A'] })).status).toBe(200);
  });
  afterAll(async () => {
    await cpo?.close();
    await limited?.close();
  });

  it(`${section} §GET Method, transport_and_format §Pagination: pages of 5 follow the Link to the last (none there), X-Total-Count and X-Limit on each; every Token of the version's types once, in its shape`, async () => {
    const seen: any[] = [];
    let page = await cpo.simulator.getTokens({ limit: 5 });
    const totals = new Set<number | null>();
    for (;;) {
      expect(page).toMatchObject({ httpStatus: 200, ocpiStatus: 1000, limit: 5 });
      totals.add(page.totalCount);
      seen.push(...(page.data as any[]));
      expect((page.data as any[]).length).toBeLessThanOrEqual(5);
      if (!page.next) break;
      page = await cpo.simulator.getTokens({ url: page.next });
    }
    expect([...totals]).toEqual([countOf(version)]);
    expect(seen.map((t) => `${t.type}/${t.uid}`).sort()).toEqual(
      TOKENS.filter((t) => TYPES[version].includes(String(t.type)))
        .map((t) => `${String(t.type)}/${String(t.uid)}`)
        .sort(),
    );
    const full = seen.find((t) => t.uid === 'AUTH-OK');
    const last_updated = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // mod_tokens 2.1.1 §3.2: auth_id, no owner, no group_id / default_profile_type / energy_contract.
    const shape211 = {
      uid: 'AUTH-OK',
      type: 'RFID',
      auth_id: 'NL-TST-CAUTH-OK',
      visual_number: 'DF000-2001-8999',
      issuer: 'Test eMSP',
      valid: true,
      whitelist: 'ALLOWED',
      language: 'nl',
      last_updated,
    };
    const shape22 = {
      country_code: 'NL',
      party_id: expect.stringMatching(/^[A-Z0-9]{3}$/),
      uid: 'AUTH-OK',
      type: 'RFID',
      contract_id: 'NL-TST-CAUTH-OK',
      visual_number: 'DF000-2001-8999',
      issuer: 'Test eMSP',
      group_id: 'FLEET-A',
      valid: true,
      whitelist: 'ALLOWED',
      language: 'nl',
      default_profile_type: 'GREEN',
      energy_contract: { supplier_name: 'Green Power', contract_id: 'GP-1' },
      last_updated,
    };
    expect(full).toEqual(version === '2.1.1' ? shape211 : shape22);
    expect(seen.find((t) => t.uid === 'AUTH-BLK').valid).toBe(false);
  });

  it(`${section} §GET Method Request Parameters: date_from inclusive, date_to exclusive; the Link keeps them; a malformed one is 2001`, async () => {
    const first = await cpo.simulator.getTokens({ date_from: day(3), date_to: day(6), limit: 2 });
    expect(first).toMatchObject({ httpStatus: 200, totalCount: 3 });
    const second = await cpo.simulator.getTokens({ url: first.next! });
    expect(second.next).toBeNull();
    expect([...(first.data as any[]), ...(second.data as any[])].map((t) => t.uid)).toEqual(['DATE-3', 'DATE-4', 'DATE-5']);
    expect(await cpo.simulator.getTokens({ date_from: 'yesterday' })).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(await cpo.simulator.getTokens({ offset: -1 })).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
  });

  it(`${section} §GET Method: a connection limited to group FLEET-A sees only those Tokens, and with scope NONE none; outside its scope a Token is NOT_ALLOWED`, async () => {
    const page = await limited.simulator.getTokens({ limit: 100 });
    expect(page.totalCount).toBe(3);
    expect((page.data as any[]).map((t) => t.uid).sort()).toEqual(['AUTH-OK', 'DATE-1', 'DATE-2']);
    expect((await limited.simulator.authorizeToken('AUTH-OK')).data).toMatchObject({ allowed: 'ALLOWED' });
    expect((await limited.simulator.authorizeToken('DATE-5')).data).toMatchObject({ allowed: 'NOT_ALLOWED' });
    expect((await api.setScope(limited.connectionId, { kind: 'NONE' })).status).toBe(200);
    expect(await limited.simulator.getTokens()).toMatchObject({ httpStatus: 200, totalCount: 0, data: [] });
    expect((await api.setScope(limited.connectionId, { kind: 'GROUPS', group_ids: ['FLEET-A'] })).status).toBe(200);
    expect((await api.setScope(limited.connectionId, { kind: 'GROUPS' })).body.message).toBe('group_ids must be a list of 1 to 1000 group ids of 1 to 36 characters');
  });

  it(`${section} §POST Method, §AuthorizationInfo: ALLOWED echoes the Location with the EVSEs asked for${version === '2.1.1' ? ' and connectors (no token, no reference in 2.1.1 §3.1)' : ', the whole Token and an authorization_reference'}; the answer is recorded`, async () => {
    const answer = await cpo.simulator.authorizeToken('auth-ok', { type: 'RFID', location });
    expect(answer).toMatchObject({ httpStatus: 200, ocpiStatus: 1000 });
    const info = answer.data as any;
    const expected22 = {
      allowed: 'ALLOWED',
      token: expect.objectContaining({ uid: 'AUTH-OK', type: 'RFID', contract_id: 'NL-TST-CAUTH-OK' }),
      location,
      authorization_reference: expect.stringMatching(/^.{1,36}$/),
    };
    expect(info).toEqual(version === '2.1.1' ? { allowed: 'ALLOWED', location } : expected22);
    // Written off the request path, within a flush.
    await eventually(async () => {
      const rows = await withClient(
        service.database.url,
        async (c) =>
          (
            await c.query(
              `SELECT token_uid, ocpi_version, location_id, evse_uids, connector_ids, allowed, authorization_reference FROM token_authorization WHERE connection_id = $1 AND allowed = 'ALLOWED' AND location_id IS NOT NULL`,
              [cpo.connectionId],
            )
          ).rows,
      );
      expect(rows).toEqual([
        {
          token_uid: 'AUTH-OK',
          ocpi_version: version,
          location_id: 'LOC-1',
          evse_uids: ['EVSE-1', 'EVSE-2'],
          connector_ids: version === '2.1.1' ? ['1'] : null,
          allowed: 'ALLOWED',
          authorization_reference: info.authorization_reference ?? null,
        },
      ]);
    });
  });

  (version === '2.1.1' ? it.skip : it)(
    `${section} §AuthorizationInfo authorization_reference: authorizationFor(reference) finds the authorization a later Session or CDR refers to`,
    async () => {
      const answer = await cpo.simulator.authorizeToken('AUTH-OK', { location: { location_id: 'LOC-2' } });
      const reference = (answer.data as any).authorization_reference as string;
      const record = await service.app.get(AuthorizationLog).authorizationFor(reference);
      expect(record).toMatchObject({
        token_uid: 'AUTH-OK',
        token_type: 'RFID',
        connection_id: cpo.connectionId,
        ocpi_version: version,
        location_id: 'LOC-2',
        evse_uids: [],
        allowed: 'ALLOWED',
        authorization_reference: reference,
      });
      expect(await service.app.get(AuthorizationLog).authorizationFor('no-such-reference')).toBeNull();
    },
  );

  it(`${section} §POST Method, §AllowedType: BLOCKED (blocked by the app), EXPIRED (valid_until passed), NO_CREDIT and NOT_ALLOWED (the app's denial); none echoes the Location or carries a reference`, async () => {
    const expected: Array<[string, string]> = [
      ['AUTH-BLK', 'BLOCKED'],
      ['AUTH-EXP', 'EXPIRED'],
      ['AUTH-NOCREDIT', 'NO_CREDIT'],
      ['AUTH-NOTALLOWED', 'NOT_ALLOWED'],
    ];
    for (const [uid, allowed] of expected) {
      const answer = await cpo.simulator.authorizeToken(uid, { location });
      expect({ uid, status: answer.httpStatus, ocpi: answer.ocpiStatus, allowed: (answer.data as any).allowed }).toEqual({ uid, status: 200, ocpi: 1000, allowed });
      expect(answer.data).not.toHaveProperty('location');
      expect(answer.data).not.toHaveProperty('authorization_reference');
    }
  });

  it(`${section} §POST Method: an unknown Token is HTTP 404 with ${version === '2.1.1' ? '2000 (2.1.1 has no 2004)' : '2004 "Unknown Token"'} and no data; no body is judged on the Token alone; a malformed body or a type the version lacks is 2001`, async () => {
    const unknown = await cpo.simulator.authorizeToken('NO-SUCH-CARD', { location });
    expect(unknown).toMatchObject({ httpStatus: 404, ocpiStatus: version === '2.1.1' ? 2000 : 2004, message: 'Unknown Token' });
    expect(unknown.data).toBeUndefined();
    // The type is part of the identity: AUTH-OK is an RFID, not an OTHER.
    expect((await cpo.simulator.authorizeToken('AUTH-OK', { type: 'OTHER' })).httpStatus).toBe(404);

    const bare = await cpo.simulator.authorizeToken('AUTH-OK');
    expect(bare).toMatchObject({ httpStatus: 200, ocpiStatus: 1000, data: { allowed: 'ALLOWED' } });
    expect(bare.data).not.toHaveProperty('location');
    // The same with an empty body labelled JSON, as some CPOs send it.
    const token = cpo.simulator.registration.tokenForClient!;
    const labelled = await ocpiCall(`${service.url}/ocpi/emsp/${version}/tokens/AUTH-OK/authorize`, token, {
      method: 'POST',
      encoding: version === '2.1.1' ? 'plain' : 'base64',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(labelled).toMatchObject({ status: 200, body: { status_code: 1000, data: { allowed: 'ALLOWED' } } });

    for (const body of [{ evse_uids: ['EVSE-1'] }, { location_id: 'LOC-1', evse_uids: 'EVSE-1' }, ['LOC-1'], { location_id: 'x'.repeat(40) }]) {
      expect(await cpo.simulator.authorizeToken('AUTH-OK', { location: body })).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    }
    const app = await cpo.simulator.authorizeToken('APP-1', { type: 'APP_USER' });
    expect(app).toMatchObject(
      version === '2.1.1'
        ? { httpStatus: 200, ocpiStatus: 2001, message: 'type must be one of OTHER, RFID in OCPI 2.1.1' }
        : { httpStatus: 200, ocpiStatus: 1000, data: { allowed: 'ALLOWED', token: { uid: 'APP-1', type: 'APP_USER', whitelist: 'NEVER' } } },
    );
  });
  it(`${section} §POST Method, transport_and_format §Unique message IDs, §Response format: the authorize route (a plain Fastify route) answers broken JSON 2001 in HTTP 400, a wrong token 401, both call-logged against the caller, ${version === '2.1.1' ? 'without message ids (2.1.1 has none)' : 'echoing X-Request-ID and X-Correlation-ID'}`, async () => {
    const url = `${service.url}/ocpi/emsp/${version}/tokens/AUTH-OK/authorize`;
    const ids = { 'X-Request-ID': `req-${version}-authorize`, 'X-Correlation-ID': `cor-${version}-authorize` };
    const authorization = ocpiAuthorization(version, cpo.simulator.registration.tokenForClient!);
    const broken = await rawRequest(url, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/json', ...ids },
      body: '{"location_id": "LOC-1", ',
    });
    expect(broken).toMatchObject({ status: 400, json: { status_code: 2001 } });
    const entry = await callLogEntry(service, `?connection_id=${cpo.connectionId}`, (e) => e.request_id === ids['X-Request-ID']);
    expect(entry).toMatchObject({ direction: 'INCOMING', http_status: 400, ocpi_status: 2001 });
    const refused = await rawRequest(url, { method: 'POST', headers: { Authorization: ocpiAuthorization(version, 'not-a-token'), ...ids } });
    expect(refused).toMatchObject({ status: 401, json: { status_code: 2000 } });
    const allowed = await rawRequest(url, { method: 'POST', headers: { Authorization: authorization, ...ids } });
    expect(allowed).toMatchObject({ status: 200, json: { status_code: 1000, data: { allowed: 'ALLOWED' } } });
    for (const answer of [broken, refused, allowed]) {
      expect([answer.headers.get('x-request-id'), answer.headers.get('x-correlation-id')]).toEqual(
        version === '2.1.1' ? [null, null] : [ids['X-Request-ID'], ids['X-Correlation-ID']],
      );
    }
  });
});
