/**
 * No CDR lost to a CPO's common slip (issue 17): an independent CPO implementation in wide use serves 2.2.1 CDRs
 * without cdr_location.evse_uid (mod_cdrs 2.2.1 §CdrLocation class: required) and 2.1.1 CDRs with `end_date_time`
 * instead of `stop_date_time` (mod_cdrs 2.1.1 §3.1 CDR object). What can be derived without guessing is, the deviation
 * is recorded on the CDR, and only what cannot be derived is refused, naming why and the connection's party.
 */
import { generateCdrs, loadCdrExample } from '../cpo-simulator';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';
import { simpleTariffs, tariffFor } from './support/cdr-cpo';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

async function financeLines(connectionId: string): Promise<any[]> {
  const { status, body } = await service.finance('GET', `/cdrs?connection_id=${connectionId}&limit=500`);
  expect(status).toBe(200);
  return body.data;
}

async function rejections(connectionId: string): Promise<any[]> {
  return (await service.ops('GET', `/connections/${connectionId}/rejected-objects?module=cdrs`)).body;
}

describe('mod_cdrs 2.2.1 §CdrLocation class: CDRs served without evse_uid', () => {
  const owner = { countryCode: 'BE', partyId: 'SLA' };
  let cpo: RegisteredCpo;
  let generated: Array<Record<string, any>>;
  let outcomes: any[];
  beforeAll(async () => {
    const locations = locationsFor('2.2.1', { count: 3, seed: 11, center: { latitude: 50.85, longitude: 4.35 }, radiusKm: 3, tariffIds: ['AC-KWH', 'AC-TIME'], ...owner }) as Array<
      Record<string, any>
    >;
    // A Location whose two EVSEs carry the same evse_id: an evse_uid cannot be told from it.
    const [firstEvse] = locations[0].evses;
    const twin = { ...locations[0], id: 'LOC-TWIN', evses: [firstEvse, { ...firstEvse, uid: `${firstEvse.uid}-B` }] };
    const tariffs = simpleTariffs(owner).map((t) => tariffFor('2.2.1', t));
    generated = generateCdrs({ version: '2.2.1', locations, tariffs, ...owner, count: 6, seed: 5 });
    const base = generated[0];
    const unknownEvse = { ...base, id: 'CDR-NO-SUCH-EVSE', cdr_location: { ...base.cdr_location, evse_id: 'BE*SLA*E999999*9' } };
    const twinEvse = { ...base, id: 'CDR-TWIN-EVSES', cdr_location: { ...base.cdr_location, id: 'LOC-TWIN', evse_id: firstEvse.evse_id } };
    // The spec's example names Location LOC1, which this CPO does not serve.
    const example = loadCdrExample('2.2.1', owner);
    cpo = await registerCpo(service, {
      version: '2.2.1',
      ...owner,
      locations: [...locations, twin],
      tariffs,
      cdrs: [...generated, unknownEvse, twinEvse, example],
      quirks: { modules: ['cdrs'], wire: { cdrWithoutEvseUid: true } },
    });
    outcomes = await cpo.sync();
  });
  afterAll(() => cpo?.close());

  it('every CDR whose evse_uid the Location we hold tells is stored with that uid, and the deviation is on the CDR', async () => {
    expect(outcomes.find((o) => o.module === 'cdrs')).toMatchObject({ status: 'SUCCEEDED', received: 9, stored: 6, rejected: 3 });
    const lines = await financeLines(cpo.connectionId);
    expect(lines.map((l) => l.cdr_id).sort()).toEqual(generated.map((g) => g.id).sort());
    for (const g of generated) {
      const line = lines.find((l) => l.cdr_id === g.id);
      const { body } = await service.finance('GET', `/cdrs/${line.id}`);
      expect([g.id, body.cdr.cdr_location.evse_uid]).toEqual([g.id, g.cdr_location.evse_uid]);
      expect(body.deviations).toContainEqual({ kind: 'EVSE_UID_FROM_EVSE_ID', field: 'cdr_location.evse_uid', example: g.cdr_location.evse_id, count: 1 });
      expect(line.off_spec).toBe(true);
    }
    const deviations = (await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body;
    expect(deviations).toContainEqual(expect.objectContaining({ module: 'cdrs', kind: 'EVSE_UID_FROM_EVSE_ID', field: 'cdr_location.evse_uid', count: 9 }));
  });

  it('what cannot be derived is refused, naming why: no such EVSE, two EVSEs with that evse_id, a Location we do not hold', async () => {
    const byId = Object.fromEntries((await rejections(cpo.connectionId)).map((r) => [r.object_id, r]));
    expect(Object.keys(byId).sort()).toEqual(['12345', 'CDR-NO-SUCH-EVSE', 'CDR-TWIN-EVSES']);
    expect(byId['CDR-NO-SUCH-EVSE'].reason).toBe(
      `Invalid CDR: cdr_location.evse_uid: is missing and cannot be derived from evse_id BE*SLA*E999999*9: no EVSE of Location ${generated[0].cdr_location.id} has that evse_id`,
    );
    expect(byId['CDR-TWIN-EVSES'].reason).toMatch(
      /^Invalid CDR: cdr_location\.evse_uid: is missing and cannot be derived from evse_id .*: 2 EVSEs of Location LOC-TWIN have that evse_id/,
    );
    expect(byId['12345'].reason).toMatch(/we hold no Location LOC1 of BE\*SLA$/);
    // Kept raw, as sent, under the CDR's party.
    expect(byId['12345']).toMatchObject({ country_code: 'BE', party_id: 'SLA' });
    expect(byId['12345'].raw.cdr_location.evse_uid).toBeUndefined();
  });
});

describe('mod_cdrs 2.1.1 §3.1 CDR object: CDRs served with end_date_time instead of stop_date_time', () => {
  const owner = { countryCode: 'BE', partyId: 'SLB' };
  let cpo: RegisteredCpo;
  let generated: Array<Record<string, any>>;
  let outcomes: any[];
  beforeAll(async () => {
    const locations = locationsFor('2.1.1', { count: 3, seed: 11, center: { latitude: 50.85, longitude: 4.35 }, radiusKm: 3, tariffIds: ['AC-KWH', 'AC-TIME'], ...owner }) as Array<
      Record<string, any>
    >;
    const tariffs = simpleTariffs(owner).map((t) => tariffFor('2.1.1', t));
    generated = generateCdrs({ version: '2.1.1', locations, tariffs, ...owner, count: 4, seed: 5 });
    // Neither stop_date_time nor end_date_time: the end cannot be derived.
    const { stop_date_time: _stop, ...endless } = { ...generated[0], id: 'CDR-0001' } as Record<string, any>;
    cpo = await registerCpo(service, {
      version: '2.1.1',
      ...owner,
      locations,
      tariffs,
      cdrs: [...generated, endless],
      quirks: { modules: ['cdrs'], wire: { cdrEndDateTime: true } },
    });
    outcomes = await cpo.sync();
  });
  afterAll(() => cpo?.close());

  it('the alias is read as stop_date_time, the deviation recorded on the CDR, the CDR priced as before', async () => {
    expect(outcomes.find((o) => o.module === 'cdrs')).toMatchObject({ status: 'SUCCEEDED', received: 5, stored: 4, rejected: 1 });
    const lines = await financeLines(cpo.connectionId);
    expect(lines.map((l) => l.cdr_id).sort()).toEqual(generated.map((g) => g.id).sort());
    for (const g of generated) {
      const line = lines.find((l) => l.cdr_id === g.id);
      const { body } = await service.finance('GET', `/cdrs/${line.id}`);
      expect([g.id, new Date(body.cdr.end_date_time).toISOString()]).toEqual([g.id, new Date(g.stop_date_time).toISOString()]);
      expect(body.deviations).toContainEqual({ kind: 'FIELD_UNDER_LATER_VERSION_NAME', field: 'end_date_time', example: 'stop_date_time', count: 1 });
      expect([g.id, line.difference.before_taxes]).toEqual([g.id, '0.00']);
    }
  });

  it('a CDR whose end cannot be derived is refused naming the field, filed under the connection party (not ?/?)', async () => {
    const [refused] = await rejections(cpo.connectionId);
    expect(refused).toMatchObject({ country_code: 'BE', party_id: 'SLB', object_id: 'CDR-0001' });
    expect(refused.reason).toMatch(/stop_date_time/);
  });
});
