/**
 * A charge's whole story (issue 18), over real HTTP with the CPO simulator (OCPI 2.2.1): a charge started by a
 * START_SESSION (mod_commands 2.2.1 §StartSession Object, its authorization_reference), authorized in real time by the
 * CPO (mod_tokens 2.2.1 §POST Method, §AuthorizationInfo Object), its Session pushed and patched (mod_sessions 2.2.1
 * §Receiver Interface PUT / PATCH), its CDR pushed (mod_cdrs 2.2.1 §Receiver Interface POST, CDR.session_id and
 * authorization_reference) and re-priced, then billed on an imported CPO invoice. The story asked by each of its four
 * keys is the same timeline, in order, with the raw payloads; an unknown key is 404, two keys 400; another CPO's charge
 * with the same session id is kept apart by connection_id.
 */
import { generateCdrs, pushClientFor } from '../cpo-simulator';
import { commandsApi, eventually } from '../commands/support/commands-api';
import { simpleTariffs, tariffFor } from '../cdrs/support/cdr-cpo';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TEST_OPERATIONS_API_KEY, TestService } from '../support/test-service';
import { aToken, tokensApi } from '../tokens/support/tokens-api';

const owner = { countryCode: 'NL', partyId: 'STA' };
const SESSION_ID = 'STORY-SESSION-1';
let service: TestService;
let cpo: RegisteredCpo;
let other: RegisteredCpo;
let reference: string;
let commandId: string;
let cdr: Record<string, any>;
const pushedSessions: Array<Record<string, unknown>> = [];

async function story(query: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${service.url}/api/v1/operations/charge-story?${query}`, { headers: { 'X-API-Key': TEST_OPERATIONS_API_KEY } });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  service = await startTestService();
  expect((await tokensApi(service).import([aToken('STORY-TOKEN'), aToken('OTHER-TOKEN')])).body).toMatchObject({ rejected: [] });
  const locations = locationsFor('2.2.1', { count: 1, seed: 18, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 2, tariffIds: ['AC-KWH', 'AC-TIME'], ...owner }) as any[];
  const tariffs = simpleTariffs(owner).map((t) => tariffFor('2.2.1', t));
  [cdr] = generateCdrs({ version: '2.2.1', locations, tariffs, ...owner, count: 1, idPrefix: 'STORY-CDR-' }) as Array<Record<string, any>>;
  cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations, tariffs, receivers: ['commands'] });
  await cpo.sync();
  const at = cdr.cdr_location as { id: string; evse_uid: string; connector_id: string };

  // 1. The app starts the charge; the CPO accepts it and posts the result.
  const sent = await commandsApi(service).send('START_SESSION', {
    connection_id: cpo.connectionId,
    token: { type: 'RFID', uid: 'STORY-TOKEN' },
    location_id: at.id,
    evse_uid: at.evse_uid,
  });
  expect(sent.status).toBe(201);
  reference = sent.body.authorization_reference;
  commandId = sent.body.id;
  await eventually(async () => expect((await commandsApi(service).get(commandId)).body.state).toBe('ACCEPTED'));

  // 2. The CPO asks for a real-time authorization of the same token at that Location (written within a flush).
  const authorized = await cpo.simulator.authorizeToken('STORY-TOKEN', { location: { location_id: at.id, evse_uids: [at.evse_uid] } });
  expect(authorized.data).toMatchObject({ allowed: 'ALLOWED' });
  const theirReference = (authorized.data as { authorization_reference: string }).authorization_reference;
  await eventually(async () => expect((await story(`authorization_reference=${theirReference}`)).status).toBe(200));

  // 3. The Session: PUT when it starts, a PATCH while it charges, a PUT when it completes.
  const push = pushClientFor(cpo.simulator);
  const party = { countryCode: owner.countryCode, partyId: owner.partyId };
  const now = Date.now();
  const session = {
    country_code: owner.countryCode,
    party_id: owner.partyId,
    id: SESSION_ID,
    start_date_time: new Date(now).toISOString(),
    kwh: 0,
    cdr_token: { country_code: 'NL', party_id: 'EMS', uid: 'STORY-TOKEN', type: 'RFID', contract_id: 'NL-TST-CSTORY-TOKEN' },
    auth_method: 'COMMAND',
    authorization_reference: reference,
    location_id: at.id,
    evse_uid: at.evse_uid,
    connector_id: at.connector_id,
    currency: 'EUR',
    status: 'PENDING',
    last_updated: new Date(now).toISOString(),
  };
  const patch = { status: 'ACTIVE', kwh: 4.5, last_updated: new Date(now + 1000).toISOString() };
  const completed = { ...session, ...patch, kwh: 11.25, status: 'COMPLETED', end_date_time: new Date(now + 3000).toISOString(), last_updated: new Date(now + 3000).toISOString() };
  for (const [method, body] of [
    ['PUT', session],
    ['PATCH', patch],
    ['PUT', completed],
  ] as const) {
    expect((await push.send({ module: 'sessions', method, party, ids: [SESSION_ID], body })).httpStatus).toBeLessThan(300);
    pushedSessions.push(body);
  }
  // The same Session again changes nothing: no fourth update in the story.
  expect((await push.send({ module: 'sessions', method: 'PUT', party, ids: [SESSION_ID], body: completed })).httpStatus).toBeLessThan(300);

  // 4. Its CDR, then our re-pricing of it, then the CPO's invoice billing it.
  cdr = { ...cdr, session_id: SESSION_ID, authorization_reference: reference, cdr_token: session.cdr_token };
  expect((await cpo.simulator.pushCdr(cdr)).httpStatus).toBe(201);
  expect((await service.finance('POST', '/cdrs/recompute', { body: { connection_id: cpo.connectionId } })).status).toBeLessThan(300);
  const mapping = { delimiter: ',', decimal_separator: '.', line_per: 'CDR', currency: 'EUR', columns: { cdr_id: 'CDR', session_id: 'Session', amount_excl_vat: 'Net' } };
  expect((await service.finance('PUT', `/invoice-mappings/${cpo.connectionId}`, { body: mapping })).status).toBe(200);
  const csv = ['CDR,Session,Net', `${cdr.id},${SESSION_ID},${cdr.total_cost.excl_vat}`].join('\r\n');
  const imported = await service.finance('POST', '/invoices', {
    body: { connection_id: cpo.connectionId, invoice_number: 'STORY-INV-1', period_from: '2020-01-01T00:00:00Z', period_to: '2030-01-01T00:00:00Z', csv },
  });
  expect(imported.status).toBe(201);

  // Another CPO whose Session has the same id: another charge.
  other = await registerCpo(service, { version: '2.2.1', countryCode: 'DE', partyId: 'STB', locations: [], tariffs: [] });
  const theirs = { ...session, country_code: 'DE', party_id: 'STB', authorization_reference: 'THEIR-REF', cdr_token: { ...session.cdr_token, uid: 'OTHER-TOKEN' } };
  expect(
    (await pushClientFor(other.simulator).send({ module: 'sessions', method: 'PUT', party: { countryCode: 'DE', partyId: 'STB' }, ids: [SESSION_ID], body: theirs })).httpStatus,
  ).toBeLessThan(300);
}, 120_000);
afterAll(async () => {
  await cpo?.close();
  await other?.close();
  await service?.stop();
});

describe('charge story (GET /api/v1/operations/charge-story)', () => {
  let byCdr: any;
  beforeAll(async () => {
    const answer = await story(`cdr_id=${encodeURIComponent(cdr.id)}`);
    expect(answer.status).toBe(200);
    byCdr = answer.body;
  });

  it('mod_commands 2.2.1 §StartSession Object → mod_tokens 2.2.1 §AuthorizationInfo → mod_sessions 2.2.1 §Session object → mod_cdrs 2.2.1 §CDR object → invoice: one timeline, in order', () => {
    expect(byCdr.story.events.map((e: any) => [e.kind, e.source])).toEqual([
      ['AUTHORIZATION', 'OURS'],
      ['COMMAND_SENT', 'OURS'],
      ['COMMAND_RESPONSE', 'PULLED'],
      ['COMMAND_RESULT', 'PUSHED'],
      ['AUTHORIZATION', 'OURS'],
      ['SESSION_UPDATE', 'PUSHED'],
      ['SESSION_UPDATE', 'PUSHED'],
      ['SESSION_UPDATE', 'PUSHED'],
      ['CDR_RECEIVED', 'PUSHED'],
      ['CDR_PRICED', 'OURS'],
      ['INVOICE_LINE', 'IMPORTED'],
    ]);
    const times = byCdr.story.events.map((e: any) => e.at as string);
    expect([...times].sort()).toEqual(times);
    expect(times.every((t: string) => t.endsWith('Z'))).toBe(true);
    expect(byCdr.story.charge).toEqual({
      connection_id: cpo.connectionId,
      cpo: 'NL*STA',
      country_code: 'NL',
      party_id: 'STA',
      session_id: SESSION_ID,
      session_row_id: expect.any(String),
      status: 'COMPLETED',
      start_date_time: pushedSessions[0].start_date_time,
      cdr_ids: [cdr.id],
      token_uid: 'STORY-TOKEN',
      authorization_references: expect.arrayContaining([reference]),
      command_ids: [commandId],
    });
    expect(byCdr.charges).toHaveLength(1);
    expect(byCdr.more).toBe(false);
  });

  it('each event carries its raw payload: the command as sent, the Session as each change left it, the CDR as pushed, the invoice line as read', () => {
    const events = byCdr.story.events as any[];
    const of = (kind: string) => events.filter((e) => e.kind === kind);
    expect(of('COMMAND_SENT')[0].raw).toMatchObject({ command: 'START_SESSION', token: { type: 'RFID', uid: 'STORY-TOKEN' }, authorization_reference: reference });
    expect(of('COMMAND_RESULT')[0].raw).toMatchObject({ result: 'ACCEPTED' });
    // Ours before the START_SESSION (its reference), then the CPO's own request.
    const [ours, theirs] = of('AUTHORIZATION');
    expect(ours.summary).toMatch(/^We authorized RFID token STORY-TOKEN .* for our START_SESSION: ALLOWED$/);
    expect(ours.raw).toMatchObject({ request: { token_uid: 'STORY-TOKEN' }, answer: { allowed: 'ALLOWED', authorization_reference: reference } });
    expect(theirs.summary).toMatch(/^NL\*STA asked to authorize RFID token STORY-TOKEN at Location/);
    expect(theirs.raw).toMatchObject({ request: { token_uid: 'STORY-TOKEN', location: { location_id: cdr.cdr_location.id } }, answer: { allowed: 'ALLOWED' } });
    expect(theirs.raw.answer.authorization_reference).not.toBe(reference);
    const updates = of('SESSION_UPDATE').map((e) => e.raw);
    expect(updates.map((r) => [r.status, r.kwh])).toEqual([
      ['PENDING', 0],
      ['ACTIVE', 4.5],
      ['COMPLETED', 11.25],
    ]);
    expect(updates[0]).toEqual(pushedSessions[0]);
    expect(of('CDR_RECEIVED')[0].raw).toEqual(cdr);
    expect(of('CDR_PRICED')[0].raw).toMatchObject({ priced_with: expect.any(String), computed_before_taxes: expect.any(String) });
    expect(of('INVOICE_LINE')[0].raw).toEqual({ CDR: cdr.id, Session: SESSION_ID, Net: String(cdr.total_cost.excl_vat) });
    expect(events.every((e) => typeof e.summary === 'string' && e.summary.length > 0)).toBe(true);
  });

  it.each([
    ['session_id', () => `session_id=${SESSION_ID}&connection_id=${cpo.connectionId}`],
    ['token_uid', () => 'token_uid=story-token'],
    ['authorization_reference', () => `authorization_reference=${reference}`],
  ])('the story asked by %s is the same timeline', async (_key, query) => {
    const answer = await story(query());
    expect(answer.status).toBe(200);
    expect(answer.body.story).toEqual(byCdr.story);
  });

  it('an unknown key is 404; two keys, none, an unknown parameter or a bad connection_id are 400 naming the parameter; no key is 401', async () => {
    expect(await story('cdr_id=NO-SUCH-CDR')).toMatchObject({ status: 404, body: { message: 'No charge with cdr_id "NO-SUCH-CDR"' } });
    expect(await story(`session_id=${SESSION_ID}&cdr_id=${cdr.id}`)).toMatchObject({
      status: 400,
      body: { message: 'give exactly one of session_id, cdr_id, token_uid, authorization_reference, not session_id and cdr_id' },
    });
    expect((await story('')).status).toBe(400);
    expect(await story('session=X')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^unknown parameter session:/) } });
    expect(await story(`session_id=${SESSION_ID}&connection_id=nope`)).toMatchObject({ status: 400, body: { message: 'connection_id must be the id (UUID) of a CPO connection' } });
    const anonymous = await fetch(`${service.url}/api/v1/operations/charge-story?session_id=${SESSION_ID}`);
    expect(anonymous.status).toBe(401);
  });

  it("another CPO's Session with the same id is another charge: both listed without connection_id, each its own story with it", async () => {
    const both = await story(`session_id=${SESSION_ID}`);
    expect(both.status).toBe(200);
    expect(both.body.story).toBeNull();
    expect(both.body.charges.map((c: any) => [c.connection_id, c.token_uid]).sort()).toEqual(
      [
        [cpo.connectionId, 'STORY-TOKEN'],
        [other.connectionId, 'OTHER-TOKEN'],
      ].sort(),
    );
    const theirs = both.body.charges.find((c: any) => c.connection_id === other.connectionId);
    expect(theirs.href).toBe(`/api/v1/operations/charge-story?session_id=${SESSION_ID}&connection_id=${other.connectionId}`);
    const theirStory = (await story(theirs.href.split('?')[1])).body.story;
    expect(theirStory.charge).toMatchObject({ connection_id: other.connectionId, country_code: 'DE', party_id: 'STB', cdr_ids: [], command_ids: [] });
    expect(theirStory.events.map((e: any) => e.kind)).toEqual(['SESSION_UPDATE']);
  });
});
