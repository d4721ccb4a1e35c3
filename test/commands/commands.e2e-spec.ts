/**
 * Commands from the app to a CPO, per version, over real HTTP with the CPO simulator (mod_commands 2.2.1 / 2.3.0
 * §Receiver Interface and §Sender Interface, 2.1.1 §2.1 CPO Interface and §2.2 eMSP Interface): every command with
 * each kind of answer (accepted with its result, rejected, not supported, unknown session, never answered → TIMEOUT by
 * the delayed job), a result for an id we never issued refused, a START_SESSION whose Session arrives after its
 * TIMEOUT linked as STARTED_LATE, the internal API's validation and a CPO without a Commands Receiver.
 */
import { pushClientFor } from '../cpo-simulator';
import { callLogEntry } from '../support/call-log';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';
import { aToken, tokensApi } from '../tokens/support/tokens-api';
import { commandsApi, eventually } from './support/commands-api';

type Version = '2.1.1' | '2.2.1' | '2.3.0';
const SECTION: Record<Version, string> = {
  '2.1.1': 'mod_commands 2.1.1',
  '2.2.1': 'mod_commands 2.2.1',
  '2.3.0': 'mod_commands 2.3.0',
};
const FUTURE = '2099-01-01T12:00:00Z';

let service: TestService;
let api: ReturnType<typeof commandsApi>;

beforeAll(async () => {
  service = await startTestService();
  api = commandsApi(service);
  const tokens = tokensApi(service);
  expect((await tokens.import([aToken('CMD-OK'), aToken('CMD-BLK'), aToken('APP-1', { type: 'APP_USER', whitelist: 'NEVER' })])).body).toMatchObject({ rejected: [] });
  expect((await tokens.block('RFID', 'CMD-BLK')).status).toBe(200);
});
afterAll(() => service?.stop());

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('Commands, OCPI %s', (version: Version) => {
  const section = SECTION[version];
  const partyId = version === '2.1.1' ? 'CMA' : version === '2.2.1' ? 'CMB' : 'CMC';
  let cpo: RegisteredCpo;
  let connection_id: string;
  const start = (extra: Record<string, unknown> = {}) => ({ connection_id, token: { type: 'RFID', uid: 'CMD-OK' }, location_id: 'LOC-1', evse_uid: 'EVSE-1', ...extra });
  const bodies: Record<string, () => Record<string, unknown>> = {
    START_SESSION: () => start(),
    STOP_SESSION: () => ({ connection_id, session_id: 'SESSION-1' }),
    RESERVE_NOW: () => ({ connection_id, token: { type: 'RFID', uid: 'CMD-OK' }, expiry_date: FUTURE, reservation_id: '42', location_id: 'LOC-1' }),
    CANCEL_RESERVATION: () => ({ connection_id, reservation_id: '42' }),
    UNLOCK_CONNECTOR: () => ({ connection_id, location_id: 'LOC-1', evse_uid: 'EVSE-1', connector_id: '1' }),
  };
  const commands = version === '2.1.1' ? ['START_SESSION', 'STOP_SESSION', 'RESERVE_NOW', 'UNLOCK_CONNECTOR'] : Object.keys(bodies);

  beforeAll(async () => {
    cpo = await registerCpo(service, { version, countryCode: 'NL', partyId, locations: [], tariffs: [], receivers: ['commands'] });
    connection_id = cpo.connectionId;
  });
  afterAll(() => cpo?.close());
  beforeEach(() => cpo.simulator.setCommandAnswers({}));

  /** Tests that hold for 2.2+ only, or 2.1.1 only (registered per version, never an assertion behind an if). */
  const only22 = version === '2.1.1' ? it.skip : it;
  const only211 = version === '2.1.1' ? it : it.skip;

  it.each(commands)(`${section} §POST Method: %s accepted, then its CommandResult posted to our response_url is matched to it`, async (command) => {
    const sent = await api.send(command, bodies[command]());
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ command, connection_id, ocpi_version: version, response: { result: 'ACCEPTED' } });
    const received = cpo.simulator.receivedCommands.at(-1)!;
    expect(received.command).toBe(command);
    expect(received.body.response_url).toBe(`${service.url}/ocpi/emsp/${version}/commands/${command}/${sent.body.id}`);
    await eventually(async () => expect((await api.get(sent.body.id)).body).toMatchObject({ state: 'ACCEPTED', result: { result: 'ACCEPTED' } }));
    expect(received.posted).toEqual({ httpStatus: 200, ocpiStatus: 1000 });
  });

  only211('mod_commands 2.1.1 §4.2 CommandType: no CANCEL_RESERVATION, refused (422) before anything is sent; ReserveNow.reservation_id must be an int (§3.2)', async () => {
    const before = cpo.simulator.receivedCommands.length;
    const cancel = await api.send('CANCEL_RESERVATION', bodies.CANCEL_RESERVATION());
    expect(cancel).toMatchObject({ status: 422, body: { message: 'OCPI 2.1.1 has no CANCEL_RESERVATION command' } });
    const reserve = await api.send('RESERVE_NOW', { ...bodies.RESERVE_NOW(), reservation_id: 'R-42' });
    expect(reserve.status).toBe(422);
    expect(cpo.simulator.receivedCommands.length).toBe(before);
  });

  it(`${section} §CommandResponse Object: REJECTED, NOT_SUPPORTED and UNKNOWN_SESSION are stored as the command's state, no result awaited`, async () => {
    cpo.simulator.setCommandAnswers({ START_SESSION: { response: 'REJECTED' }, UNLOCK_CONNECTOR: { response: 'NOT_SUPPORTED' }, STOP_SESSION: { response: 'UNKNOWN_SESSION' } });
    const rejected = await api.send('START_SESSION', start());
    const unsupported = await api.send('UNLOCK_CONNECTOR', bodies.UNLOCK_CONNECTOR());
    const unknown = await api.send('STOP_SESSION', bodies.STOP_SESSION());
    expect([rejected.body.state, unsupported.body.state, unknown.body.state]).toEqual(['REJECTED', 'NOT_SUPPORTED', 'UNKNOWN_SESSION']);
    expect(rejected.body.deadline_at).toBeNull();
  });

  it(`${section}: the CPO's CommandResult types are kept (FAILED, EVSE_OCCUPIED in 2.2+; REJECTED in 2.1.1)`, async () => {
    const result = version === '2.1.1' ? 'REJECTED' : 'EVSE_OCCUPIED';
    cpo.simulator.setCommandAnswers({ START_SESSION: { result } });
    const sent = await api.send('START_SESSION', start());
    await eventually(async () => expect((await api.get(sent.body.id)).body).toMatchObject({ state: result, result: { result } }));
  });

  only22(`${section} §CommandResponse Object timeout: no result within the CPO's timeout → TIMEOUT by the delayed job; a late result is still recorded`, async () => {
    cpo.simulator.setCommandAnswers({ UNLOCK_CONNECTOR: { response: 'ACCEPTED', timeout: 1, result: 'HELD' } });
    const sent = await api.send('UNLOCK_CONNECTOR', bodies.UNLOCK_CONNECTOR());
    expect(sent.body).toMatchObject({ state: 'AWAITING_RESULT', response: { timeout: 1 } });
    await eventually(async () => expect((await api.get(sent.body.id)).body).toMatchObject({ state: 'TIMEOUT', result: null, timed_out_at: expect.any(String) }));
    const late = await cpo.simulator.postCommandResult(cpo.simulator.receivedCommands.at(-1)!, { result: 'ACCEPTED' });
    expect(late).toEqual({ httpStatus: 200, ocpiStatus: 1000 });
    expect((await api.get(sent.body.id)).body).toMatchObject({ state: 'ACCEPTED', timed_out_at: expect.any(String) });
  });

  only211('mod_commands 2.1.1 §3.1 CommandResponse has no timeout: ours applies (COMMAND_RESULT_TIMEOUT_SECONDS, default 120)', async () => {
    cpo.simulator.setCommandAnswers({ UNLOCK_CONNECTOR: { response: 'ACCEPTED', result: 'HELD' } });
    const sent = await api.send('UNLOCK_CONNECTOR', bodies.UNLOCK_CONNECTOR());
    expect(sent.body).toMatchObject({ state: 'AWAITING_RESULT', response: { timeout: null } });
    expect(Date.parse(sent.body.deadline_at) - Date.parse(sent.body.created_at)).toBeGreaterThanOrEqual(119_000);
  });

  it(`${section} §Sender Interface POST: a result for an id we never issued, or for another CPO's command, is refused (HTTP 404, OCPI 2000); a malformed one is 2001`, async () => {
    const unknownId = `${service.url}/ocpi/emsp/${version}/commands/START_SESSION/00000000-0000-4000-8000-000000000000`;
    expect(await cpo.simulator.postCommandResult({ url: unknownId }, { result: 'ACCEPTED' })).toEqual({ httpStatus: 404, ocpiStatus: 2000 });
    cpo.simulator.setCommandAnswers({ STOP_SESSION: { result: 'HELD' } });
    const sent = await api.send('STOP_SESSION', bodies.STOP_SESSION());
    const received = cpo.simulator.receivedCommands.at(-1)!;
    const other = await registerCpo(service, { version, countryCode: 'DE', partyId, locations: [], tariffs: [], receivers: ['commands'] });
    try {
      expect(await other.simulator.postCommandResult({ url: String(received.body.response_url) }, { result: 'ACCEPTED' })).toEqual({ httpStatus: 404, ocpiStatus: 2000 });
    } finally {
      await other.close();
    }
    expect(await cpo.simulator.postCommandResult(received, { result: 'MAYBE' })).toEqual({ httpStatus: 200, ocpiStatus: 2001 });
    expect((await api.get(sent.body.id)).body).toMatchObject({ state: 'AWAITING_RESULT', result: null });
  });

  it(`${section} §Sender Interface POST, status_codes §2001: a malformed CommandResult is kept as sent, in the call log against the CPO, and the command is left as it was (a good one is still taken after)`, async () => {
    cpo.simulator.setCommandAnswers({ STOP_SESSION: { result: 'HELD' } });
    const sent = await api.send('STOP_SESSION', bodies.STOP_SESSION());
    const received = cpo.simulator.receivedCommands.at(-1)!;
    const malformed = { result: 42, message: [{ language: 'en', text: 'not a CommandResultType' }], extra: 'kept' };
    expect(await cpo.simulator.postCommandResult(received, malformed)).toEqual({ httpStatus: 200, ocpiStatus: 2001 });
    const entry = await callLogEntry(service, `?connection_id=${cpo.connectionId}&module=commands&direction=INCOMING`, (e) => e.url.endsWith(sent.body.id));
    expect(entry).toMatchObject({ method: 'POST', http_status: 200, ocpi_status: 2001 });
    expect(JSON.parse(entry.request_body)).toEqual(malformed);
    expect((await api.get(sent.body.id)).body).toMatchObject({ state: 'AWAITING_RESULT', result: null });
    expect(await cpo.simulator.postCommandResult(received, { result: 'ACCEPTED' })).toEqual({ httpStatus: 200, ocpiStatus: 1000 });
    expect((await api.get(sent.body.id)).body).toMatchObject({ state: 'ACCEPTED' });
  });

  it(`${section}: the internal API names the bad field (400), refuses a Token that may not charge or an unknown one (422), a CPO without Commands Receiver (409)`, async () => {
    const bad = await api.send('START_SESSION', { connection_id, token: { type: 'CARD', uid: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(expect.arrayContaining(['token.type must be one of AD_HOC_USER, APP_USER, EMAID, OTHER, RFID', 'location_id is required']));
    expect((await api.send('STOP_SESSION', { connection_id: 'x', session_id: 'S' })).body.message).toEqual(['connection_id must be the id (UUID) of a CPO connection']);
    expect((await api.send('PAUSE_SESSION', {})).status).toBe(400);
    const blocked = await api.send('START_SESSION', start({ token: { type: 'RFID', uid: 'CMD-BLK' } }));
    expect(blocked).toMatchObject({ status: 422, body: { message: 'the Token may not charge here: BLOCKED' } });
    expect((await api.send('START_SESSION', start({ token: { type: 'RFID', uid: 'NOPE' } }))).status).toBe(422);
    const noCommands = await registerCpo(service, { version, countryCode: 'BE', partyId, locations: [], tariffs: [] });
    try {
      const refused = await api.send('STOP_SESSION', { connection_id: noCommands.connectionId, session_id: 'S' });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/lists no Commands Receiver/);
    } finally {
      await noCommands.close();
    }
  });

  only211('mod_commands 2.1.1 §3.3 StartSession: the 2.1.1 Token, no authorization_reference', async () => {
    await api.send('START_SESSION', start());
    const body = cpo.simulator.receivedCommands.at(-1)!.body;
    expect(body.token).toEqual(expect.objectContaining({ uid: 'CMD-OK', type: 'RFID', auth_id: 'NL-TST-CCMD-OK', valid: true }));
    expect(body.authorization_reference).toBeUndefined();
  });

  only22(
    `${section} §StartSession Object: the Token is sent whole with an authorization_reference; a Session carrying it, arriving after the TIMEOUT, is linked: STARTED_LATE`,
    async () => {
      cpo.simulator.setCommandAnswers({ START_SESSION: { timeout: 1, result: 'NEVER' } });
      const sent = await api.send('START_SESSION', start());
      const body = cpo.simulator.receivedCommands.at(-1)!.body;
      expect(body.token).toMatchObject({ uid: 'CMD-OK', type: 'RFID', valid: true });
      expect(sent.body.authorization_reference).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.authorization_reference).toBe(sent.body.authorization_reference);
      await eventually(async () => expect((await api.get(sent.body.id)).body.state).toBe('TIMEOUT'));
      const session = {
        country_code: 'NL',
        party_id: partyId,
        id: `LATE-${version}`,
        start_date_time: '2026-01-01T10:00:00Z',
        kwh: 0,
        cdr_token: { country_code: 'NL', party_id: 'EMS', uid: 'CMD-OK', type: 'RFID', contract_id: 'NL-TST-CCMD-OK' },
        auth_method: 'COMMAND',
        authorization_reference: sent.body.authorization_reference,
        location_id: 'LOC-1',
        evse_uid: 'EVSE-1',
        connector_id: '1',
        currency: 'EUR',
        status: 'PENDING',
        last_updated: '2026-01-01T10:00:00Z',
      };
      const pushed = await pushClientFor(cpo.simulator).send({ module: 'sessions', method: 'PUT', party: { countryCode: 'NL', partyId }, ids: [session.id], body: session });
      expect(pushed.httpStatus).toBeLessThan(300);
      const linked = (await api.get(sent.body.id)).body;
      expect(linked).toMatchObject({ state: 'STARTED_LATE', session: { session_id: `LATE-${version}`, status: 'PENDING', id: expect.any(String) } });
      // §StopSession Object: the STOP_SESSION names the Session, linked the same way.
      const stop = await api.send('STOP_SESSION', { connection_id, session_id: `LATE-${version}` });
      expect(stop.body).toMatchObject({ command: 'STOP_SESSION', session: { id: linked.session.id, session_id: `LATE-${version}` } });
    },
  );
});
