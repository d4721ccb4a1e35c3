/**
 * mod_cdrs Sender interface (2.1.1 §2.1 CPO Interface, 2.2.1 / 2.3.0 §Sender Interface) pulled from a CPO of each
 * version after its tariffs and locations; every CDR stored and its cost recomputed from its tariff(s) and
 * charging_periods (the finance hook), and shown by the finance API.
 */
import { startTestService, TestService } from '../support/test-service';
import { CdrCpo, MISPRICED, startCdrCpo, Version } from './support/cdr-cpo';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

async function listAll(connectionId: string): Promise<any[]> {
  const { status, body } = await service.finance('GET', `/cdrs?connection_id=${connectionId}&limit=500`);
  expect(status).toBe(200);
  return body.data;
}

const SECTIONS: Record<Version, string> = { '2.1.1': 'mod_cdrs 2.1.1 §3.1', '2.2.1': 'mod_cdrs 2.2.1 §CDR object', '2.3.0': 'mod_cdrs 2.3.0 §CDR object' };
const OWNERS: Record<Version, { countryCode: string; partyId: string }> = {
  '2.1.1': { countryCode: 'BE', partyId: 'CDA' },
  '2.2.1': { countryCode: 'BE', partyId: 'CDB' },
  '2.3.0': { countryCode: 'BE', partyId: 'CDC' },
};

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('CDRs pulled from a %s CPO', (version) => {
  let cpo: CdrCpo;
  let outcomes: any[];
  beforeAll(async () => {
    cpo = await startCdrCpo(service, version, OWNERS[version]);
    outcomes = await cpo.sync();
  });
  afterAll(() => cpo?.close());

  it(`${SECTIONS[version]} Sender GET list: pulled after tariffs and locations, the invalid CDR rejected without sinking its page`, async () => {
    // This CPO lists no sessions Sender interface: that pull is SKIPPED.
    expect(outcomes.map((o) => [o.module, o.status])).toEqual([
      ['tariffs', 'SUCCEEDED'],
      ['locations', 'SUCCEEDED'],
      ['sessions', 'SKIPPED'],
      ['cdrs', 'SUCCEEDED'],
    ]);
    expect(outcomes[3]).toMatchObject({ status: 'SUCCEEDED', received: 8, stored: 7, rejected: 1 });
    expect(outcomes[3].pages).toBe(2);
    const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=cdrs`)).body;
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toMatch(version === '2.1.1' ? /auth_id/ : /cdr_token/);
    expect(rejected[0].raw.id).toBe('CDR-INVALID');
    // Operations see the CDRs among what we hold; a module that has no rejections to show is a 400.
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.stored.cdrs).toBe(7);
    const wrong = await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=sessionz`);
    expect(wrong).toMatchObject({ status: 400, body: { message: 'module must be one of locations, tariffs, sessions, cdrs, hubclientinfo, got "sessionz"' } });
  });

  it(`${SECTIONS[version]} "Example of a CDR": stored, recomputed from its own tariff to its stated total (difference 0)`, async () => {
    const example = (await listAll(cpo.connectionId)).find((c) => c.cdr_id === '12345');
    expect(example).toMatchObject({
      ocpi_version: version,
      source: 'PULL',
      currency: 'EUR',
      exact: true,
      priced_with: 'CDR_TARIFFS',
      total_energy_kwh: '15.342',
      stated: { before_taxes: '4.00', after_taxes: version === '2.1.1' ? null : '4.40' },
      computed: { before_taxes: '4.00', after_taxes: version === '2.1.1' ? null : '4.40' },
      difference: { before_taxes: '0.00', after_taxes: version === '2.1.1' ? null : '0.00' },
    });
  });

  it('generated CDRs priced by the CPO from its own tariffs match; the mispriced ones show the € 0.50 they billed too much', async () => {
    const lines = await listAll(cpo.connectionId);
    for (const [i, raw] of cpo.generated.entries()) {
      const line = lines.find((c) => c.cdr_id === raw.id);
      expect(line).toBeDefined();
      expect({ id: raw.id, exact: line.exact, why: line.not_exact_because, priced_with: line.priced_with }).toEqual({
        id: raw.id,
        exact: true,
        why: [],
        priced_with: i % 2 === 1 ? 'LOCATION_TARIFFS' : 'CDR_TARIFFS',
      });
      const expected = MISPRICED.includes(i) ? '-0.50' : '0.00';
      expect([raw.id, line.difference.before_taxes]).toEqual([raw.id, expected]);
      // 2.1.1 total_cost has no after-taxes side (mod_cdrs 2.1.1: a number excl. VAT), so neither has the difference.
      expect([raw.id, line.difference.after_taxes]).toEqual([raw.id, version === '2.1.1' ? null : expected]);
    }
    const differing = (await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}&discrepancy=true`)).body.data;
    expect(differing.map((c: any) => c.cdr_id).sort()).toEqual(MISPRICED.map((i) => cpo.generated[i].id).sort());
  });

  it("the detail: priced in the stored Location's time zone, with the breakdown of each tariff; the CDR as mapped and as sent", async () => {
    const line = (await listAll(cpo.connectionId)).find((c) => c.cdr_id === cpo.generated[1].id);
    const { status, body } = await service.finance('GET', `/cdrs/${line.id}`);
    expect(status).toBe(200);
    expect(body.recomputation).toMatchObject({ time_zone: 'Europe/Brussels', time_zone_source: 'LOCATION' });
    expect(body.recomputation.notes[0]).toMatch(/^the CDR carries no tariffs: priced with the tariffs its connector listed \(our stored Connector/);
    expect(body.recomputation.per_tariff[0].cost.breakdown.length).toBeGreaterThan(0);
    expect(body.cdr).toMatchObject({ id: cpo.generated[1].id, tariffs: [] });
    expect(body.raw).toEqual(cpo.generated[1]);
  });

  it('pulling again stores nothing twice: the same CDRs are idempotent', async () => {
    const [, , , cdrs] = await cpo.sync(true);
    expect(cdrs).toMatchObject({ status: 'SUCCEEDED', stored: 7, rejected: 1 });
    expect(await listAll(cpo.connectionId)).toHaveLength(7);
  });
});
