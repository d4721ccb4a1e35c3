/**
 * The CPO simulator's push sequences (test/cpo-simulator/push-sequences.ts, written from the spec) against our
 * Locations Receiver interface, for each version: after each sequence, every object is read back with the Receiver
 * GET and compared with what a receiver that follows the spec holds, and checked in the database.
 */
import {
  evseStatusChanges,
  foreignParty,
  locationLevels,
  malformedBetweenGood,
  outOfOrderUpdates,
  duplicatedUpdates,
  partialEvsesPatch,
  patchUnknownObjects,
} from '../cpo-simulator/push-sequences';
import type { PushSequence } from '../cpo-simulator/push-sequences';
import { pushClientFor, type PushClient } from '../cpo-simulator/push-client';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';
import { runSequence, readBack } from '../cpo-simulator/push-sequences';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('push sequences of a %s CPO to our Locations Receiver', (version) => {
  const party = { countryCode: 'NL', partyId: version === '2.1.1' ? 'SQA' : version === '2.2.1' ? 'SQB' : 'SQC' };
  const at = Date.parse('2026-03-01T10:00:00Z');
  let cpo: RegisteredCpo;
  let client: PushClient;
  let locations: Array<Record<string, any>>;

  beforeAll(async () => {
    locations = locationsFor(version, { count: 12, seed: 5, center: { latitude: 52.1, longitude: 5.1 }, radiusKm: 2, ...party }) as any[];
    cpo = await registerCpo(service, { version, ...party, locations: [], tariffs: [] });
    client = pushClientFor(cpo.simulator);
  });
  afterAll(() => cpo?.close());

  /** Runs the sequence, then reads every expected object back: each as expected, or unknown (404) where nothing is. */
  async function check(sequence: PushSequence) {
    const sent = await runSequence(client, sequence);
    // Never an HTTP 500, whatever the step.
    expect(sent.filter((s) => s.answer.httpStatus >= 500).map((s) => s.step.note)).toEqual([]);
    for (const { expected, answer } of await readBack(client, sequence)) {
      expect({ ids: expected.ids, data: answer.httpStatus === 200 ? answer.data : null }).toEqual({ ids: expected.ids, data: expected.object });
    }
    return sent;
  }

  it('mod_locations §PATCH Method, a simple status update: status changes in order; the EVSE row follows', async () => {
    const sequence = evseStatusChanges({ version, party, at, location: locations[0], statuses: ['AVAILABLE', 'CHARGING', 'OUTOFORDER', 'AVAILABLE', 'CHARGING'] });
    const sent = await check(sequence);
    expect(sent.map((s) => s.answer.ocpiStatus)).toEqual(sent.map(() => 1000));
    const rows = await withClient(service.database.url, (c) =>
      c.query(`SELECT e.status FROM evse e JOIN location l ON l.id = e.location_id WHERE l.party_id = $3 AND l.ocpi_id = $1 AND e.uid = $2`, [
        locations[0].id,
        locations[0].evses[0].uid,
        party.partyId,
      ]),
    );
    expect(rows.rows).toEqual([{ status: 'CHARGING' }]);
  });

  it('mod_locations §PUT and §PATCH Method at every level (add an EVSE, add a Connector, rename, set tariff)', async () => {
    await check(locationLevels({ version, party, at, location: locations[1] }));
  });

  it('transport_and_format: out-of-order and duplicated updates never overwrite newer ones and change nothing twice', async () => {
    await check(outOfOrderUpdates({ version, party, at, location: locations[2] }));
    const duplicated = await check(duplicatedUpdates({ version, party, at, location: locations[3] }));
    expect(duplicated.map((s) => s.answer.httpStatus)).not.toContain(500);
  });

  it('mod_locations §PATCH Method: a partial evses list keeps the EVSEs it leaves out', async () => {
    await check(partialEvsesPatch({ version, party, at, location: locations[4] }));
  });

  it("credentials §CredentialsRole: another party's Location (URL, or body against our URL) is refused and never stored", async () => {
    const sent = await check(foreignParty({ version, party, at, module: 'locations', object: locations[5], foreign: { countryCode: 'DE', partyId: 'XYZ' } }));
    const refused = sent.filter((s) => s.step.intent === 'FOREIGN_PARTY' || s.step.intent === 'PARTY_MISMATCH');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.map((s) => s.answer.ocpiStatus)).toEqual(refused.map(() => 2001));
  });

  it('mod_locations §PUT Method: a malformed Location between good ones is refused naming the field; the good ones are held', async () => {
    const sent = await check(malformedBetweenGood({ version, party, at, module: 'locations', objects: [locations[6], locations[7], locations[8]] }));
    const malformed = sent.filter((s) => s.step.intent === 'MALFORMED');
    expect(malformed.map((s) => s.answer.ocpiStatus)).toEqual([2001, 2001]);
  });

  it('mod_locations §PATCH Method: PATCHes of objects we do not hold are 2003 Unknown Location and store nothing', async () => {
    const sequence = patchUnknownObjects({ version, party, at });
    const sent = await runSequence(client, { ...sequence, steps: sequence.steps.filter((s) => s.module === 'locations') });
    expect(sent.map((s) => [s.answer.httpStatus, s.answer.ocpiStatus])).toEqual(sent.map(() => [404, 2003]));
    const held = await withClient(service.database.url, (c) => c.query(`SELECT 1 FROM location WHERE party_id = $1 AND ocpi_id = 'UNKNOWN-LOC'`, [party.partyId]));
    expect(held.rows).toEqual([]);
  });
});
