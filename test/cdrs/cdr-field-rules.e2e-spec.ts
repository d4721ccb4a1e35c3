/**
 * CDRs that break the spec's field rules (types §CiString, ISO 4217 currency, non-negative quantities, amounts bounded
 * and negative only on a credit CDR) are refused with OCPI 2001 naming the field, kept raw in rejected_object, and
 * never reach the finance figures; what real CPOs bend (a bare-number total_cost under 2.2.1 / 2.3.0, numbers as
 * strings) is stored, counted per connection and day, and shown on the CDR itself in the finance API. Pushed to our
 * Receiver interface and pulled from the CPO's Sender interface, for every version.
 */
import { generateCdrs } from '../cpo-simulator';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';
import { simpleTariffs, tariffFor, Version } from './support/cdr-cpo';

type Raw = Record<string, any>;

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

const PUSH: Record<Version, string> = {
  '2.1.1': 'mod_cdrs 2.1.1 §2.2.2 POST Method, §3.1 CDR object',
  '2.2.1': 'mod_cdrs 2.2.1 §Receiver Interface §POST Method, §CDR object',
  '2.3.0': 'mod_cdrs 2.3.0 §Receiver Interface §POST Method, §CDR object',
};
const PULL: Record<Version, string> = {
  '2.1.1': 'mod_cdrs 2.1.1 §2.1 CPO Interface, §3.1 CDR object',
  '2.2.1': 'mod_cdrs 2.2.1 §Sender Interface, §CDR object',
  '2.3.0': 'mod_cdrs 2.3.0 §Sender Interface, §CDR object',
};

/** The CDR with its total_cost's amount before taxes set to `amount`, in the version's shape (types §Price class). */
function withAmount(version: Version, cdr: Raw, amount: number): Raw {
  if (version === '2.1.1') return { ...cdr, total_cost: amount };
  return { ...cdr, total_cost: version === '2.2.1' ? { excl_vat: amount } : { before_taxes: amount } };
}
const AMOUNT_FIELD: Record<Version, string> = { '2.1.1': 'total_cost', '2.2.1': 'total_cost.excl_vat', '2.3.0': 'total_cost.before_taxes' };

/** The defects of issue 13 as found, each with the reason it must be refused with. */
function invalidCdrs(version: Version, base: Raw, prefix: string): Array<{ cdr: Raw; reason: string }> {
  const amount = AMOUNT_FIELD[version];
  return [
    { cdr: { ...base, id: '' }, reason: 'id: must not be empty' },
    { cdr: { ...base, id: ' ' }, reason: 'id: must not be blank' },
    { cdr: { ...base, id: `${prefix}⚡⚡` }, reason: 'id: must be printable ASCII (types §CiString), not U+26A1' },
    { cdr: { ...base, id: `${prefix}\u202eLTR` }, reason: 'id: must be printable ASCII (types §CiString), not U+202E' },
    { cdr: { ...base, id: `${prefix}CUR`, currency: '😀😀😀' }, reason: 'currency: must be an ISO 4217 currency code (three letters), not "😀😀😀"' },
    { cdr: { ...base, id: `${prefix}NEG-KWH`, total_energy: -10 }, reason: 'total_energy: must not be negative, got -10' },
    {
      cdr: withAmount(version, { ...base, id: `${prefix}NEG-EUR` }, -1000000),
      reason: `${amount}: must not be negative on a CDR that is not a credit CDR (credit: true), got -1000000`,
    },
    { cdr: withAmount(version, { ...base, id: `${prefix}HUGE` }, 1e308), reason: `${amount}: must not exceed 1000000 in absolute value, got 1e+308` },
  ];
}

/** A CDR that bends the spec the way real CPOs do: total_cost as a bare number (2.2.1 / 2.3.0), total_energy as a string (2.1.1). */
function offSpec(version: Version, cdr: Raw): { cdr: Raw; deviation: { kind: string; field: string; example: string } } {
  if (version === '2.1.1')
    return { cdr: { ...cdr, total_energy: String(cdr.total_energy) }, deviation: { kind: 'NUMBER_AS_STRING', field: 'total_energy', example: String(cdr.total_energy) } };
  const before: number = version === '2.2.1' ? cdr.total_cost.excl_vat : cdr.total_cost.before_taxes;
  return { cdr: { ...cdr, total_cost: before }, deviation: { kind: 'PRICE_AS_NUMBER', field: 'total_cost', example: String(before) } };
}

function fixtures(version: Version, owner: { countryCode: string; partyId: string }, idPrefix: string) {
  const locations = locationsFor(version, { count: 2, seed: 13, center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 2, tariffIds: ['AC-KWH', 'AC-TIME'], ...owner }) as Raw[];
  const tariffs = simpleTariffs(owner).map((t) => tariffFor(version, t));
  const cdrs = generateCdrs({ version, locations, tariffs, ...owner, count: 3, mispriced: [1], withoutTariffs: [], idPrefix }) as Raw[];
  return { locations, tariffs, cdrs };
}

async function rejections(cpo: RegisteredCpo): Promise<Raw[]> {
  return (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=cdrs`)).body;
}

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('CDRs against the field rules, %s', (version) => {
  const letter = { '2.1.1': 'A', '2.2.1': 'B', '2.3.0': 'C' }[version];

  describe('pushed to our Receiver interface', () => {
    const owner = { countryCode: 'NL', partyId: `FP${letter}` };
    let cpo: RegisteredCpo;
    let cdrs: Raw[];
    beforeAll(async () => {
      const f = fixtures(version, owner, 'FPUSH-');
      cdrs = f.cdrs;
      cpo = await registerCpo(service, { version, ...owner, locations: f.locations, tariffs: f.tariffs });
      await cpo.sync();
    });
    afterAll(() => cpo?.close());

    it(`${PUSH[version]}: ids "" and " ", emoji, a right-to-left override, currency "😀😀😀", negative energy and amounts, 1e308: OCPI 2001 naming the field, kept raw`, async () => {
      const cases = invalidCdrs(version, cdrs[0], 'FPUSH-');
      for (const { cdr, reason } of cases) {
        const r = await cpo.simulator.pushCdr(cdr);
        expect({ id: cdr.id, ocpiStatus: r.ocpiStatus, message: r.message }).toEqual({ id: cdr.id, ocpiStatus: 2001, message: `Invalid CDR: ${reason}` });
      }
      const filed = await rejections(cpo);
      for (const { cdr, reason } of cases) expect(filed.find((x) => x.reason === `Invalid CDR: ${reason}`)?.raw).toEqual(cdr);
      expect((await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}`)).body.data).toEqual([]);
    });

    it(`${PUSH[version]}: the finance summary counts only the CDRs taken; a refused 1e308 leaves its sum of differences alone`, async () => {
      expect((await cpo.simulator.pushCdr(cdrs[0])).ocpiStatus).toBe(1000);
      // cdrs[1] is billed € 0.50 more than its tariff says.
      expect((await cpo.simulator.pushCdr(cdrs[1])).ocpiStatus).toBe(1000);
      expect((await cpo.simulator.pushCdr(withAmount(version, { ...cdrs[2], id: 'FPUSH-OVERFLOW' }, 1e308))).ocpiStatus).toBe(2001);
      expect((await cpo.simulator.pushCdr(withAmount(version, { ...cdrs[2], id: 'FPUSH-MINUS' }, -1000000))).ocpiStatus).toBe(2001);
      const summary = (await service.finance('GET', `/cdrs/summary?connection_id=${cpo.connectionId}`)).body;
      expect(summary).toEqual([
        expect.objectContaining({
          currency: 'EUR',
          stored: 2,
          match: 1,
          differ: 1,
          sum_difference: { before_taxes: '-0.50', after_taxes: version === '2.1.1' ? null : '-0.50' },
        }),
      ]);
    });

    it(`${PUSH[version]}: a CDR that bends the spec as CPOs do is taken, and the finance API says which CDR arrived off-spec and how`, async () => {
      const { cdr, deviation } = offSpec(version, cdrs[2]);
      const r = await cpo.simulator.pushCdr(cdr);
      expect(r.ocpiStatus).toBe(1000);
      const lines = (await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}`)).body.data as Raw[];
      expect(Object.fromEntries(lines.map((l) => [l.cdr_id, l.off_spec]))).toEqual({ [cdrs[0].id]: false, [cdrs[1].id]: false, [cdrs[2].id]: true });
      const line = lines.find((l) => l.cdr_id === cdrs[2].id)!;
      const detail = (await service.finance('GET', `/cdrs/${line.id}`)).body;
      expect(detail.deviations).toEqual([{ ...deviation, count: 1 }]);
      expect(detail.off_spec).toBe(true);
      const perDay = (await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body as Raw[];
      expect(perDay).toEqual(expect.arrayContaining([expect.objectContaining({ module: 'cdrs', kind: deviation.kind, field: deviation.field, count: 1 })]));
      if (version !== '2.1.1') {
        // Read as the amount before taxes; what it cost after taxes the CPO did not say.
        expect(line.stated).toEqual({ before_taxes: Number(deviation.example).toFixed(2), after_taxes: null });
      }
    });

    if (version !== '2.1.1') {
      it(`${PUSH[version]}: total_cost "4,00" (a decimal comma) is refused naming the field`, async () => {
        const r = await cpo.simulator.pushCdr({ ...cdrs[2], id: 'FPUSH-COMMA', total_cost: '4,00' });
        expect(r).toMatchObject({
          ocpiStatus: 2001,
          message: 'Invalid CDR: total_cost: must be a Price object, not "4,00" (a decimal comma is not a JSON number)',
        });
      });
    }
  });

  describe("pulled from the CPO's Sender interface", () => {
    const owner = { countryCode: 'NL', partyId: `FQ${letter}` };
    let cpo: RegisteredCpo;
    let cdrs: Raw[];
    let invalid: Array<{ cdr: Raw; reason: string }>;
    let outcome: Raw;
    beforeAll(async () => {
      const f = fixtures(version, owner, 'FPULL-');
      invalid = invalidCdrs(version, f.cdrs[0], 'FPULL-X-');
      cdrs = [f.cdrs[0], offSpec(version, f.cdrs[1]).cdr];
      cpo = await registerCpo(service, { version, ...owner, locations: f.locations, tariffs: f.tariffs, cdrs: [...cdrs, ...invalid.map((i) => i.cdr)], maxPageLimit: 5 });
      outcome = (await cpo.sync()).find((o: Raw) => o.module === 'cdrs');
    });
    afterAll(() => cpo?.close());

    it(`${PULL[version]}: every CDR breaking a field rule is rejected with its reason, kept raw; the page's good CDRs are stored`, async () => {
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', received: 2 + invalid.length, stored: 2, rejected: invalid.length });
      const filed = await rejections(cpo);
      expect(filed.map((x) => x.reason).sort()).toEqual(invalid.map((i) => `Invalid CDR: ${i.reason}`).sort());
      for (const { cdr, reason } of invalid) expect(filed.find((x) => x.reason === `Invalid CDR: ${reason}`)?.raw).toEqual(cdr);
    });

    it(`${PULL[version]}: the off-spec CDR is stored and marked as such in the finance list and detail`, async () => {
      const lines = (await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}`)).body.data as Raw[];
      expect(Object.fromEntries(lines.map((l) => [l.cdr_id, l.off_spec]))).toEqual({ [cdrs[0].id]: false, [cdrs[1].id]: true });
      const detail = (await service.finance('GET', `/cdrs/${lines.find((l) => l.cdr_id === cdrs[1].id)!.id}`)).body;
      expect(detail.deviations).toEqual([expect.objectContaining({ kind: offSpec(version, cdrs[1]).deviation.kind, count: 1 })]);
      const summary = (await service.finance('GET', `/cdrs/summary?connection_id=${cpo.connectionId}`)).body;
      expect(summary).toEqual([expect.objectContaining({ currency: 'EUR', stored: 2 })]);
    });
  });
});
