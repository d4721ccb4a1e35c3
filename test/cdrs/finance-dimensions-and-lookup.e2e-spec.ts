/**
 * The finance API as a finance team uses it: why a CDR differs, per dimension (mod_cdrs 2.2.1 §CDR object
 * total_*_cost against our recomputation per FLAT / ENERGY / TIME / PARKING_TIME / RESERVATION), whether the CPO's
 * own dimension costs add up to its total_cost, finding a CDR from an invoice line (OCPI id, party, the CPO's name),
 * and parameters that cannot be right.
 */
import { loadCdrExample } from '../cpo-simulator';
import { registerCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';
import { startCdrCpo } from './support/cdr-cpo';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

async function lines(query: string): Promise<any[]> {
  const { status, body } = await service.finance('GET', `/cdrs?limit=500&${query}`);
  expect(status).toBe(200);
  return body.data;
}

describe('mod_cdrs 2.2.1 §CDR object total_*_cost: why a CDR differs, per dimension', () => {
  // "Example of a CDR": 1.973 h of TIME at € 2.00 / h per 5 minutes (tariff 12, VAT 10 %) = € 4.00, € 4.40 with VAT.
  const owner = { countryCode: 'BE', partyId: 'DIM' };
  const example = () => loadCdrExample('2.2.1', owner);
  const billedTimeTooHigh = { ...example(), id: 'TIME-5', total_cost: { excl_vat: 5, incl_vat: 5.5 }, total_time_cost: { excl_vat: 5, incl_vat: 5.5 } };
  const partsDoNotAddUp = { ...example(), id: 'PARTS-4-OF-5', total_cost: { excl_vat: 5, incl_vat: 5.5 }, total_time_cost: { excl_vat: 4, incl_vat: 4.4 } };

  it('the CPO billed TIME 5.00 where its tariff gives 4.00: TIME stated / computed / difference in the detail, differing_dimensions [TIME] in the list', async () => {
    const cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations: [], tariffs: [], cdrs: [example(), billedTimeTooHigh, partsDoNotAddUp] });
    try {
      await cpo.sync();
      const byId = Object.fromEntries((await lines(`connection_id=${cpo.connectionId}`)).map((l) => [l.cdr_id, l]));
      expect(byId['12345']).toMatchObject({ differing_dimensions: [], stated_parts_add_up: true, difference: { before_taxes: '0.00' } });
      expect(byId['TIME-5']).toMatchObject({ differing_dimensions: ['TIME'], stated_parts_add_up: true, difference: { before_taxes: '-1.00', after_taxes: '-1.10' } });

      const detail = (await service.finance('GET', `/cdrs/${byId['TIME-5'].id}`)).body.cost_by_dimension;
      const time = detail.dimensions.find((d: any) => d.dimension === 'TIME');
      expect(time).toEqual({
        dimension: 'TIME',
        field: 'total_time_cost',
        stated: { before_taxes: '5.00', after_taxes: '5.50' },
        computed: { before_taxes: '4.00', after_taxes: '4.40' },
        difference: { before_taxes: '-1.00', after_taxes: '-1.10' },
      });
      // Not stated by the CPO and nothing computed for them: no difference to show.
      expect(detail.dimensions.find((d: any) => d.dimension === 'ENERGY')).toEqual({
        dimension: 'ENERGY',
        field: 'total_energy_cost',
        stated: null,
        computed: { before_taxes: '0.00', after_taxes: '0.00' },
        difference: { before_taxes: null, after_taxes: null },
      });
      expect(detail.stated_parts_sum).toEqual({ before_taxes: '5.00', after_taxes: '5.50', adds_up: true });
    } finally {
      await cpo.close();
    }
  });

  it("the CPO's total_time_cost 4.00 but total_cost 5.00: stated_parts_sum and a note in plain words; the dimension itself matches", async () => {
    const other = { countryCode: 'BE', partyId: 'DIN' };
    const cdr = { ...partsDoNotAddUp, country_code: other.countryCode, party_id: other.partyId };
    const cpo = await registerCpo(service, { version: '2.2.1', ...other, locations: [], tariffs: [], cdrs: [cdr] });
    try {
      await cpo.sync();
      const [line] = await lines(`connection_id=${cpo.connectionId}`);
      expect(line).toMatchObject({ cdr_id: 'PARTS-4-OF-5', differing_dimensions: [], stated_parts_add_up: false, difference: { before_taxes: '-1.00' } });
      const detail = (await service.finance('GET', `/cdrs/${line.id}`)).body.cost_by_dimension;
      expect(detail.stated_parts_sum).toEqual({ before_taxes: '4.00', after_taxes: '4.40', adds_up: false });
      expect(detail.notes).toEqual(
        expect.arrayContaining([
          "the CPO's dimension costs add up to 4.00, its total_cost says 5.00 (before taxes)",
          "the CPO's dimension costs add up to 4.40, its total_cost says 5.50 (after taxes)",
        ]),
      );
      expect(detail.dimensions.find((d: any) => d.dimension === 'TIME').difference).toEqual({ before_taxes: '0.00', after_taxes: '0.00' });
    } finally {
      await cpo.close();
    }
  });

  it('2.1.1 §3.1 CDR object has no per-dimension costs: our costs per dimension shown, nothing stated, nothing summed', async () => {
    const cpo = await startCdrCpo(service, '2.1.1', { countryCode: 'NL', partyId: 'DOO' });
    try {
      await cpo.sync();
      const all = await lines(`connection_id=${cpo.connectionId}`);
      expect(all.every((l) => l.stated_parts_add_up === null && Array.isArray(l.differing_dimensions) && l.differing_dimensions.length === 0)).toBe(true);
      const detail = (await service.finance('GET', `/cdrs/${all[0].id}`)).body.cost_by_dimension;
      expect(detail.stated_parts_sum).toBeNull();
      expect(detail.dimensions.map((d: any) => d.stated)).toEqual([null, null, null, null, null]);
    } finally {
      await cpo.close();
    }
  });
});

describe('finance API: from an invoice line to the CDR', () => {
  it('?cdr_id= (the OCPI id, case-insensitive) and ?party=NL*ABC find it; every line and summary line names the CPO connection', async () => {
    const a = await startCdrCpo(service, '2.2.1', { countryCode: 'NL', partyId: 'INA' });
    const b = await startCdrCpo(service, '2.3.0', { countryCode: 'NL', partyId: 'INB' });
    try {
      await a.sync();
      await b.sync();
      const found = await lines('cdr_id=cdr-00003&party=NL*INA');
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ cdr_id: 'CDR-00003', party_id: 'INA', connection_id: a.connectionId, connection_name: 'NL*INA' });
      // The same OCPI id at two CPOs: both, until the party says which.
      expect((await lines('cdr_id=CDR-00003')).filter((l) => [a.connectionId, b.connectionId].includes(l.connection_id))).toHaveLength(2);
      const ofB = await lines('party=nl*inb');
      expect(ofB.length).toBe(7);
      expect(ofB.every((l) => l.connection_name === 'NL*INB')).toBe(true);
      const summary = (await service.finance('GET', `/cdrs/summary?connection_id=${b.connectionId}`)).body;
      expect(summary).toMatchObject([{ connection_id: b.connectionId, connection_name: 'NL*INB', stored: 7 }]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a detail id that is not a UUID (e.g. the OCPI id) is a 400 that says where to look it up', async () => {
    const { status, body } = await service.finance('GET', '/cdrs/CDR-00003');
    expect(status).toBe(400);
    expect(body.message).toBe('id must be our CDR id (a UUID) as listed; to find a CDR by its OCPI id use ?cdr_id=');
  });

  it.each([
    ['/cdrs?party=NLABC', 'party must be country_code*party_id, e.g. NL*ABC'],
    ['/cdrs?from=2024-07-01T00:00:00Z&to=2024-06-01T00:00:00Z', 'from (2024-07-01T00:00:00Z) must not be after to (2024-06-01T00:00:00Z)'],
  ])('400 for %s', async (path, message) => {
    const { status, body } = await service.finance('GET', path);
    expect(status).toBe(400);
    expect(JSON.stringify(body.message)).toContain(message);
  });
});

describe('POST /api/v1/finance/cdrs/recompute', () => {
  it('404 for a connection_id we do not know; a run answers done: true (it runs to the end)', async () => {
    const unknown = await service.finance('POST', '/cdrs/recompute', { body: { connection_id: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown).toMatchObject({ status: 404, body: { message: 'No connection with connection_id 00000000-0000-4000-8000-000000000000' } });
    const cpo = await startCdrCpo(service, '2.2.1', { countryCode: 'NL', partyId: 'RDN' });
    try {
      await cpo.sync();
      const run = await service.finance('POST', '/cdrs/recompute', { body: { connection_id: cpo.connectionId } });
      expect(run).toMatchObject({ status: 200, body: { checked: 7, done: true } });
    } finally {
      await cpo.close();
    }
  });
});
