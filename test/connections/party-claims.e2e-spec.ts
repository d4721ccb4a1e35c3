/**
 * credentials 2.2.1 / 2.3.0 §CredentialsRole class ("the combination of country_code and party_id should always be
 * unique"; 2.1.1 §2.1 Credentials object: one party): roles that claim our own party (OCPI_COUNTRY_CODE /
 * OCPI_PARTY_ID, here NL*EMS) or a party of another live connection are never accepted silently, whichever side starts
 * the registration. The handshake completes (the CPO's other parties work), the refused party is never one of the
 * connection's parties, so its objects, pulled or pushed, are refused as another party's (NOT_OWN_PARTY), and the
 * connection needs attention with the reason, naming the party, until a credentials exchange no longer claims it.
 */
import { CpoSimulator, CpoSimulatorOptions, loadCdrExample, SimulatorRole } from '../cpo-simulator';
import { inviteCpo } from '../support/invited-cpo';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo } from '../support/registered-cpo';
import { syncAndWait } from '../support/sync-runs';
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

/** Registers a simulator with the service, eMSP-initiated (operations POST) or CPO-initiated (invitation). */
async function connect(initiatedBy: 'EMSP' | 'CPO', options: CpoSimulatorOptions): Promise<{ simulator: CpoSimulator; connectionId: string }> {
  const cpo = initiatedBy === 'EMSP' ? await registerCpo(service, options) : await inviteCpo(service, options);
  cleanup.push(cpo);
  return cpo;
}

async function connectionOf(id: string): Promise<any> {
  return (await service.ops('GET', '/connections')).body.find((c: any) => c.id === id);
}

/** The parties stored for `connectionId` in connection_party, as NL*ABC. */
async function storedParties(connectionId: string): Promise<string[]> {
  const rows = await withClient(service.database.url, (c) =>
    c.query<{ p: string }>(`SELECT country_code || '*' || party_id AS p FROM connection_party WHERE connection_id = $1 ORDER BY 1`, [connectionId]),
  );
  return rows.rows.map((r) => r.p);
}

function cpoRole(countryCode: string, partyId: string): SimulatorRole {
  return { role: 'CPO', countryCode, partyId };
}

const OUR_PARTY = { countryCode: 'NL', partyId: 'EMS' };

describe.each(['2.2.1', '2.3.0'] as const)('%s', (version) => {
  const v = version.replace(/\./g, '').slice(0, 2);

  describe.each(['EMSP', 'CPO'] as const)('registration initiated by the %s', (initiatedBy) => {
    // Three characters per party id, one set per version and initiator: e.g. O2E, H3C.
    const tag = `${v[1]}${initiatedBy[0]}`;

    it(`credentials ${version} §CredentialsRole class: a role claiming our own party is refused; registered, needs attention naming it; its objects refused`, async () => {
      const own = cpoRole('NL', `O${tag}`);
      const locations = [
        ...locationsFor(version, { count: 1, seed: 1, center: { latitude: 52.3, longitude: 4.9 }, radiusKm: 1, countryCode: 'NL', partyId: own.partyId }),
        ...locationsFor(version, { count: 1, seed: 2, center: { latitude: 52.3, longitude: 4.9 }, radiusKm: 1, ...OUR_PARTY }),
      ];
      const cpo = await connect(initiatedBy, { version, countryCode: 'NL', partyId: own.partyId, roles: [own, cpoRole('NL', 'EMS')], locations });

      const connection = await connectionOf(cpo.connectionId);
      expect(connection).toMatchObject({ status: 'REGISTERED', initiated_by: initiatedBy, parties: [{ country_code: 'NL', party_id: own.partyId }] });
      expect(connection.refused_parties).toEqual([
        {
          role: 'CPO',
          country_code: 'NL',
          party_id: 'EMS',
          reason: 'OUR_OWN_PARTY',
          held_by: null,
          since: expect.any(String),
          message:
            "The CPO's credentials claim party NL*EMS (role CPO), which is our own party (OCPI_COUNTRY_CODE / OCPI_PARTY_ID): refused; objects under NL*EMS are not accepted from this connection.",
        },
      ]);
      expect(connection.needs_attention).toEqual({
        reason: 'PARTY_CLAIM_REFUSED',
        since: connection.refused_parties[0].since,
        what_happened: connection.refused_parties[0].message,
        what_to_do: expect.stringContaining('Objects under the refused parties are refused (NOT_OWN_PARTY'),
      });
      expect(await storedParties(cpo.connectionId)).toEqual([`NL*${own.partyId}`]);

      // Pulled: the accepted party's Location is stored, ours refused as another party's (pulls are not paused).
      const outcomes = await syncAndWait(service, cpo.connectionId);
      expect(outcomes.find((o) => o.module === 'locations')).toMatchObject({ status: 'SUCCEEDED', stored: 1, rejected: 1 });
      const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=locations`)).body;
      expect(rejected.map((r: any) => [r.country_code, r.party_id])).toEqual([['NL', 'EMS']]);
      expect(rejected[0].reason).toContain(`belongs to party NL*EMS, which is not a party of this connection (NL*${own.partyId})`);

      // Pushed: the same, OCPI 2001 in HTTP 200, nothing stored.
      const pushed = await cpo.simulator.pushCdr(loadCdrExample(version, OUR_PARTY));
      expect(pushed).toMatchObject({ httpStatus: 200, ocpiStatus: 2001, message: expect.stringContaining('belongs to party NL*EMS, which is not a party of this connection') });
      expect((await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}`)).body.data).toEqual([]);
    });

    it(`credentials ${version} §CredentialsRole class: a role claiming another live connection's party is refused; that connection keeps it`, async () => {
      const held = cpoRole('NL', `H${tag}`);
      const holder = await connect('EMSP', { version, countryCode: 'NL', partyId: held.partyId });
      const own = cpoRole('DE', `C${tag}`);
      const cpo = await connect(initiatedBy, { version, countryCode: 'DE', partyId: own.partyId, roles: [own, held] });

      const connection = await connectionOf(cpo.connectionId);
      expect(connection).toMatchObject({ status: 'REGISTERED', parties: [{ country_code: 'DE', party_id: own.partyId }] });
      expect(connection.refused_parties).toEqual([
        expect.objectContaining({ country_code: 'NL', party_id: held.partyId, reason: 'HELD_BY_ANOTHER_CONNECTION', held_by: holder.connectionId }),
      ]);
      expect(connection.needs_attention).toMatchObject({
        reason: 'PARTY_CLAIM_REFUSED',
        what_happened: `The CPO's credentials claim party NL*${held.partyId} (role CPO), which already belongs to another connection ("NL*${held.partyId}", ${holder.connectionId}): refused; objects under NL*${held.partyId} are not accepted from this connection.`,
      });
      expect(await storedParties(cpo.connectionId)).toEqual([`DE*${own.partyId}`]);
      expect(await storedParties(holder.connectionId)).toEqual([`NL*${held.partyId}`]);
      // The holder itself is untouched.
      expect((await connectionOf(holder.connectionId)).needs_attention).toBeNull();

      const pushed = await cpo.simulator.pushCdr(loadCdrExample(version, { countryCode: 'NL', partyId: held.partyId }));
      expect(pushed).toMatchObject({
        httpStatus: 200,
        ocpiStatus: 2001,
        message: expect.stringContaining(`belongs to party NL*${held.partyId}, which is not a party of this connection`),
      });
    });
  });
});

describe('credentials 2.1.1 §2.1 Credentials object: the single party of a 2.1.1 CPO is our own', () => {
  it('registered without any party, needs attention; pulls are paused (nothing could be stored), pushes refused', async () => {
    const cpo = await connect('EMSP', { version: '2.1.1', ...OUR_PARTY, cdrs: [] });
    const connection = await connectionOf(cpo.connectionId);
    expect(connection).toMatchObject({ status: 'REGISTERED', parties: [], refused_parties: [expect.objectContaining({ party_id: 'EMS', reason: 'OUR_OWN_PARTY' })] });
    expect(connection.needs_attention.what_to_do).toContain('No party of this connection was accepted, so pulls from it are paused and its pushes are refused.');
    expect(await storedParties(cpo.connectionId)).toEqual([]);

    const before = cpo.simulator.requests.length;
    const { status, body } = await service.ops('POST', `/connections/${cpo.connectionId}/sync`);
    expect(status).toBe(409);
    expect(body.error).toBe('PULLS_PAUSED');
    expect(body.message).toContain("the connection needs attention, so pulls are paused: The CPO's credentials claim party NL*EMS");
    expect(cpo.simulator.requests.slice(before)).toEqual([]);

    const pushed = await cpo.simulator.pushCdr(loadCdrExample('2.1.1'));
    expect(pushed).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect((await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}`)).body.data).toEqual([]);
  });
});

describe('a credentials exchange claims the parties again', () => {
  it('credentials 2.2.1 §PUT Method: the CPO sends roles without our party: attention cleared, nothing refused', async () => {
    const own = cpoRole('BE', 'PUT');
    const cpo = await connect('CPO', { countryCode: 'BE', partyId: 'PUT', roles: [own, cpoRole('NL', 'EMS')] });
    expect((await connectionOf(cpo.connectionId)).refused_parties).toHaveLength(1);
    cpo.simulator.setRoles([own]);
    await cpo.simulator.updateCredentials();
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ needs_attention: null, refused_parties: [], parties: [{ country_code: 'BE', party_id: 'PUT' }] });
  });

  it('credentials 2.2.1 §Updating the credentials: once the holder is unregistered, a rotation takes the party over', async () => {
    const holder = await connect('EMSP', { countryCode: 'BE', partyId: 'MOV' });
    const cpo = await connect('EMSP', { countryCode: 'BE', partyId: 'NEW', roles: [cpoRole('BE', 'NEW'), cpoRole('BE', 'MOV')] });
    expect((await connectionOf(cpo.connectionId)).refused_parties).toEqual([expect.objectContaining({ party_id: 'MOV', held_by: holder.connectionId })]);
    expect((await service.ops('DELETE', `/connections/${holder.connectionId}`)).status).toBe(200);
    const rotated = await service.ops('POST', `/connections/${cpo.connectionId}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.connection).toMatchObject({ needs_attention: null, refused_parties: [] });
    expect(await storedParties(cpo.connectionId)).toEqual(['BE*MOV', 'BE*NEW']);
    expect(await storedParties(holder.connectionId)).toEqual([]);
  });
});
