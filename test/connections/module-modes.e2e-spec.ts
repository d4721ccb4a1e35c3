/**
 * A CPO (or Hub) that only pushes registers (credentials §Required endpoints not available: we require its credentials
 * endpoint, no Sender interface), and each module (locations, tariffs, sessions, cdrs) of a connection is PULLed from
 * its Sender interface, RECEIVEd on ours, or BOTH: by default from the endpoints its version details list
 * (version_information_endpoint §Version details), settable through the operations API, honoured by the sync and kept
 * through re-discovery (credentials §Changing endpoints for the current version).
 */
import { loadCdrExample } from '../cpo-simulator';
import { locationsFor, VERSIONS } from '../support/ocpi-versions';
import { inviteCpo, InvitedCpo } from '../support/invited-cpo';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
const cleanup: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  for (const c of cleanup) await c.close();
  await service?.stop();
});

async function connectionOf(id: string): Promise<any> {
  return (await service.ops('GET', '/connections')).body.find((c: any) => c.id === id);
}

async function storedModes(connectionId: string): Promise<Record<string, [string, string]>> {
  const rows = await withClient(service.database.url, (c) =>
    c.query<{ module: string; mode: string; chosen_by: string }>('SELECT module, mode, chosen_by FROM connection_module_mode WHERE connection_id = $1', [connectionId]),
  );
  return Object.fromEntries(rows.rows.map((r) => [r.module, [r.mode, r.chosen_by]]));
}

async function runCount(connectionId: string): Promise<number> {
  const rows = await withClient(service.database.url, (c) => c.query('SELECT count(*)::int AS n FROM sync_run WHERE connection_id = $1', [connectionId]));
  return rows.rows[0].n;
}

// Each module's view also holds its pull schedule (test/sync/module-schedules.e2e-spec.ts): not compared here.
const RECEIVE_ONLY = expect.objectContaining({ mode: 'RECEIVE', chosen_by: 'DEFAULT', sender_offered: false, pulled: false, received: true });
const PULLED_AND_RECEIVED = expect.objectContaining({ mode: 'BOTH', chosen_by: 'DEFAULT', sender_offered: true, pulled: true, received: true });

describe.each(VERSIONS)('a $version CPO that offers no Sender interface (it only pushes)', ({ version, section }) => {
  const partyId = `P${version.replace(/\./g, '')}`.slice(0, 3);

  it(`${section.requiredEndpoints}: we register with it (eMSP-initiated); every module defaults to RECEIVE`, async () => {
    const cpo = await registerCpo(service, { version, countryCode: 'NL', partyId, senders: [] });
    cleanup.push(cpo);
    const connection = await connectionOf(cpo.connectionId);
    expect(connection).toMatchObject({ status: 'REGISTERED', ocpi_version: version, needs_attention: null, refused_parties: [] });
    expect(connection.endpoints.map((e: any) => e.identifier)).toEqual(['credentials']);
    expect(connection.modules).toEqual({ tariffs: RECEIVE_ONLY, locations: RECEIVE_ONLY, sessions: RECEIVE_ONLY, cdrs: RECEIVE_ONLY, hubclientinfo: RECEIVE_ONLY });
    expect(await storedModes(cpo.connectionId)).toEqual({
      tariffs: ['RECEIVE', 'DEFAULT'],
      locations: ['RECEIVE', 'DEFAULT'],
      sessions: ['RECEIVE', 'DEFAULT'],
      cdrs: ['RECEIVE', 'DEFAULT'],
      hubclientinfo: ['RECEIVE', 'DEFAULT'],
    });
  });

  it(`${section.requiredEndpoints}: it registers with us (CPO-initiated) the same way`, async () => {
    const cpo: InvitedCpo = await inviteCpo(service, { version, countryCode: 'DE', partyId, senders: [] });
    cleanup.push(cpo);
    const connection = await connectionOf(cpo.connectionId);
    expect(connection).toMatchObject({ status: 'REGISTERED', ocpi_version: version, needs_attention: null });
    expect(connection.modules).toEqual({ tariffs: RECEIVE_ONLY, locations: RECEIVE_ONLY, sessions: RECEIVE_ONLY, cdrs: RECEIVE_ONLY, hubclientinfo: RECEIVE_ONLY });
  });

  it('sync now of a connection that pulls nothing: 202, every module SKIPPED saying why, a message, no run, no call to the CPO', async () => {
    const cpo = await registerCpo(service, { version, countryCode: 'BE', partyId, senders: [] });
    cleanup.push(cpo);
    const before = cpo.simulator.requests.length;
    const { status, body } = await service.ops('POST', `/connections/${cpo.connectionId}/sync`);
    expect(status).toBe(202);
    expect(body.message).toBe('Nothing is pulled from this CPO: every module is received only or has no Sender interface (see each module).');
    expect(body.runs.map((r: any) => [r.module, r.status, r.run_id, r.href])).toEqual([
      ['tariffs', 'SKIPPED', null, null],
      ['locations', 'SKIPPED', null, null],
      ['sessions', 'SKIPPED', null, null],
      ['cdrs', 'SKIPPED', null, null],
    ]);
    expect(body.runs[1].message).toBe(`the CPO's ${version} endpoints list no locations SENDER interface: nothing to pull (a CPO may push its locations instead)`);
    expect(await runCount(cpo.connectionId)).toBe(0);
    expect(cpo.simulator.requests.slice(before)).toEqual([]);
  });
});

describe('mod_cdrs 2.2.1 §Receiver Interface: a CPO that only pushes reaches our Receiver interface', () => {
  it('its pushed CDR is taken (HTTP 201) although nothing is pulled from it', async () => {
    const owner = { countryCode: 'NL', partyId: 'PSH' };
    const cpo = await registerCpo(service, { version: '2.2.1', ...owner, senders: [] });
    cleanup.push(cpo);
    const pushed = await cpo.simulator.pushCdr(loadCdrExample('2.2.1', owner));
    expect(pushed).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    expect((await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}`)).body.data.map((c: any) => c.source)).toEqual(['PUSH']);
  });
});

describe('version_information_endpoint 2.2.1 §Version details: the default mode of each module follows the Sender interfaces listed', () => {
  it('locations and tariffs offered → BOTH; sessions and CDRs served but not offered as Sender → RECEIVE', async () => {
    const owner = { countryCode: 'NL', partyId: 'DFL' };
    const locations = locationsFor('2.2.1', { count: 1, seed: 3, center: { latitude: 52.1, longitude: 5.1 }, radiusKm: 1, ...owner });
    const cpo = await registerCpo(service, { ...owner, locations, sessions: [], cdrs: [], senders: ['locations', 'tariffs'] });
    cleanup.push(cpo);
    const connection = await connectionOf(cpo.connectionId);
    expect(connection.modules).toEqual({ tariffs: PULLED_AND_RECEIVED, locations: PULLED_AND_RECEIVED, sessions: RECEIVE_ONLY, cdrs: RECEIVE_ONLY, hubclientinfo: RECEIVE_ONLY });
    const outcomes = await cpo.sync();
    expect(outcomes.map((o) => [o.module, o.status])).toEqual([
      ['tariffs', 'SUCCEEDED'],
      ['locations', 'SUCCEEDED'],
      ['sessions', 'SKIPPED'],
      ['cdrs', 'SKIPPED'],
    ]);
    expect(outcomes[1].stored).toBe(1);
  });
});

describe('PATCH /api/v1/operations/connections/{id}/modules/{module}: operations choose the mode, the sync honours it', () => {
  const owner = { countryCode: 'NL', partyId: 'OPM' };
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    const locations = locationsFor('2.2.1', { count: 2, seed: 5, center: { latitude: 52.3, longitude: 4.8 }, radiusKm: 1, ...owner });
    // Offers locations, tariffs and CDRs as Sender; serves sessions but does not offer them.
    cpo = await registerCpo(service, { ...owner, locations, cdrs: [], sessions: [], senders: ['locations', 'tariffs', 'cdrs'] });
    cleanup.push(cpo);
  });

  it('tariffs set to RECEIVE: 200 with the connection; stored as chosen by OPERATOR; the sync skips tariffs, never asks the CPO for them', async () => {
    const { status, body } = await service.ops('PATCH', `/connections/${cpo.connectionId}/modules/tariffs`, { mode: 'RECEIVE' });
    expect(status).toBe(200);
    expect(body.modules.tariffs).toMatchObject({ mode: 'RECEIVE', chosen_by: 'OPERATOR', sender_offered: true, pulled: false, received: true });
    expect((await storedModes(cpo.connectionId)).tariffs).toEqual(['RECEIVE', 'OPERATOR']);

    const before = cpo.simulator.requests.length;
    const outcomes = await cpo.sync();
    expect(outcomes.map((o) => [o.module, o.status])).toEqual([
      ['tariffs', 'SKIPPED'],
      ['locations', 'SUCCEEDED'],
      ['sessions', 'SKIPPED'],
      ['cdrs', 'SUCCEEDED'],
    ]);
    expect(outcomes[0].message).toBe('its mode is RECEIVE (chosen by operations): tariffs are received, not pulled');
    const asked = cpo.simulator.requests.slice(before).map((r) => new URL(r.url, 'http://x').pathname.split('/').pop());
    expect(asked).not.toContain('tariffs');
    expect(asked).toContain('locations');
  });

  it('cdrs set to PULL: pulled, and no longer received', async () => {
    const { status, body } = await service.ops('PATCH', `/connections/${cpo.connectionId}/modules/cdrs`, { mode: 'PULL' });
    expect(status).toBe(200);
    expect(body.modules.cdrs).toMatchObject({ mode: 'PULL', chosen_by: 'OPERATOR', sender_offered: true, pulled: true, received: false });
    expect((await cpo.sync()).find((o) => o.module === 'cdrs')?.status).toBe('SUCCEEDED');
  });

  it('PULL or BOTH for a module whose Sender interface the CPO does not list: 409 naming the module; nothing changed', async () => {
    for (const mode of ['PULL', 'BOTH']) {
      const { status, body } = await service.ops('PATCH', `/connections/${cpo.connectionId}/modules/sessions`, { mode });
      expect(status).toBe(409);
      expect(body.message).toBe(
        `Cannot set sessions to ${mode}: the CPO's 2.2.1 endpoints list no sessions SENDER interface to pull from. ` +
          `Choose RECEIVE, or re-discover its endpoints (POST /api/v1/operations/connections/${cpo.connectionId}/rediscover) once it offers one.`,
      );
    }
    expect((await storedModes(cpo.connectionId)).sessions).toEqual(['RECEIVE', 'DEFAULT']);
  });

  it('400 for an unknown module or mode, naming it; 404 for an unknown connection', async () => {
    const badModule = await service.ops('PATCH', `/connections/${cpo.connectionId}/modules/tokens`, { mode: 'RECEIVE' });
    expect(badModule).toMatchObject({ status: 400, body: { message: 'module must be one of tariffs, locations, sessions, cdrs, hubclientinfo, got "tokens"' } });
    const badMode = await service.ops('PATCH', `/connections/${cpo.connectionId}/modules/tariffs`, { mode: 'SOMETIMES' });
    expect(badMode.status).toBe(400);
    expect(JSON.stringify(badMode.body.message)).toContain('mode must be one of PULL, RECEIVE, BOTH, or null for the default');
    const missing = await service.ops('PATCH', `/connections/${cpo.connectionId}/modules/tariffs`, {});
    expect(missing.status).toBe(400);
    const unknown = await service.ops('PATCH', '/connections/00000000-0000-4000-8000-000000000000/modules/tariffs', { mode: 'RECEIVE' });
    expect(unknown.status).toBe(404);
  });

  it('credentials 2.2.1 §Changing endpoints for the current version: re-discovery keeps the choices of operations and re-derives the defaults', async () => {
    // The CPO stops offering locations and CDRs as Sender and starts offering sessions.
    cpo.simulator.setSenders(['tariffs', 'sessions']);
    const rediscovered = await service.ops('POST', `/connections/${cpo.connectionId}/rediscover`);
    expect(rediscovered.status).toBe(200);
    const modules = rediscovered.body.connection.modules;
    expect(modules.tariffs).toMatchObject({ mode: 'RECEIVE', chosen_by: 'OPERATOR', sender_offered: true, pulled: false, received: true });
    expect(modules.locations).toEqual(RECEIVE_ONLY);
    expect(modules.sessions).toEqual(PULLED_AND_RECEIVED);
    // Chosen PULL while the Sender was offered: kept, but nothing to pull now, and the sync says so.
    expect(modules.cdrs).toMatchObject({ mode: 'PULL', chosen_by: 'OPERATOR', sender_offered: false, pulled: false, received: false });
    const outcomes = await cpo.sync();
    expect(outcomes.map((o) => [o.module, o.status])).toEqual([
      ['tariffs', 'SKIPPED'],
      ['locations', 'SKIPPED'],
      ['sessions', 'SUCCEEDED'],
      ['cdrs', 'SKIPPED'],
    ]);
    expect(outcomes[3].message).toBe(
      "the CPO's 2.2.1 endpoints list no cdrs SENDER interface: nothing to pull (a CPO may push its cdrs instead) (its mode PULL was chosen while it did)",
    );
  });

  it('mode null: back to the default from the endpoints (tariffs offered → BOTH)', async () => {
    const { status, body } = await service.ops('PATCH', `/connections/${cpo.connectionId}/modules/tariffs`, { mode: null });
    expect(status).toBe(200);
    expect(body.modules.tariffs).toEqual(PULLED_AND_RECEIVED);
    expect((await storedModes(cpo.connectionId)).tariffs).toEqual(['BOTH', 'DEFAULT']);
  });
});

describe('a connection not registered', () => {
  it('PATCH …/modules/{module} answers 409; so does sync now, saying why', async () => {
    const invited = await service.ops('POST', '/connections/invitations', { name: 'Not yet' });
    const id = invited.body.connection.id;
    const patched = await service.ops('PATCH', `/connections/${id}/modules/locations`, { mode: 'RECEIVE' });
    expect(patched).toMatchObject({ status: 409, body: { message: 'Connection "Not yet" is INVITED, not registered: its modes are set once it is.' } });
    expect(await service.ops('POST', `/connections/${id}/sync`)).toMatchObject({
      status: 409,
      body: { error: 'NOT_REGISTERED', message: 'Nothing was started for "Not yet": the connection is INVITED, not registered.' },
    });
  });
});
