/**
 * The CDR mappers of 2.1.1, 2.2.1 and 2.3.0 apply the spec's field rules that the shape alone does not say: CiString
 * identifiers (types §CiString: printable ASCII, with the lengths of mod_cdrs §CDR object), an ISO 4217 currency,
 * quantities that cannot be negative, amounts that are bounded and negative only on a credit CDR; and read what real
 * CPOs bend (a bare-number total_cost) as a counted deviation. A unit spec: it needs the spec's example CDRs only.
 */
import 'reflect-metadata';
import { loadCdrExample } from '../cpo-simulator';
import { mapCdr211 } from '../../src/ocpi/v2_1_1/cdrs/cdr.mapper';
import { mapCdr221 } from '../../src/ocpi/v2_2_1/cdrs/cdr.mapper';
import { mapCdr230 } from '../../src/ocpi/v2_3_0/cdrs/cdr.mapper';

type Version = '2.1.1' | '2.2.1' | '2.3.0';
type Raw = Record<string, any>;

const OWNER = { country_code: 'BE', party_id: 'BEC' };
const map = (version: Version, raw: unknown) => (version === '2.1.1' ? mapCdr211(raw, OWNER) : version === '2.2.1' ? mapCdr221(raw) : mapCdr230(raw));
const example = (version: Version): Raw => loadCdrExample(version);
const reasonOf = (version: Version, raw: unknown): string => {
  const r = map(version, raw);
  return r.ok ? '(accepted)' : r.reason;
};
const accepted = (version: Version, raw: unknown) => {
  const r = map(version, raw);
  if (!r.ok) throw new Error(r.reason);
  return r;
};

/** A copy of the version's example with `path` (dotted, numeric segments index lists) set to `value`. */
function withField(version: Version, path: string, value: unknown): Raw {
  const copy = example(version);
  const keys = path.split('.');
  let node: any = copy;
  for (const k of keys.slice(0, -1)) node = node[/^\d+$/.test(k) ? Number(k) : k];
  node[keys[keys.length - 1]] = value;
  return copy;
}

const SECTION: Record<Version, string> = { '2.1.1': 'mod_cdrs 2.1.1 §3.1 CDR object', '2.2.1': 'mod_cdrs 2.2.1 §CDR object', '2.3.0': 'mod_cdrs 2.3.0 §CDR object' };

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('%s CDR mapper: the field rules of the spec', (version) => {
  const section = SECTION[version];

  it(`${section} id, types §CiString: "", " ", emoji and a right-to-left override are refused naming the field`, () => {
    expect(reasonOf(version, withField(version, 'id', ''))).toBe('id: must not be empty');
    expect(reasonOf(version, withField(version, 'id', ' '))).toBe('id: must not be blank');
    expect(reasonOf(version, withField(version, 'id', '⚡⚡'))).toBe('id: must be printable ASCII (types §CiString), not U+26A1');
    expect(reasonOf(version, withField(version, 'id', '12345\u202e54321'))).toBe('id: must be printable ASCII (types §CiString), not U+202E');
    expect(reasonOf(version, withField(version, 'id', ' 12345'))).toBe('id: must not begin or end with a space');
  });

  it(`${section} currency: "ISO 4217 Code": "😀😀😀" and an unknown code are refused; "eur" is read as EUR and counted`, () => {
    expect(reasonOf(version, withField(version, 'currency', '😀😀😀'))).toBe('currency: must be an ISO 4217 currency code (three letters), not "😀😀😀"');
    expect(reasonOf(version, withField(version, 'currency', 'EUX'))).toBe('currency: must be an ISO 4217 currency code; "EUX" is none');
    const lower = accepted(version, withField(version, 'currency', 'eur'));
    expect(lower.value.currency).toBe('EUR');
    expect(lower.deviations).toEqual([{ kind: 'CURRENCY_NOT_UPPER_CASE', field: 'currency', example: 'eur' }]);
  });

  it(`${section} total_energy, total_time, total_parking_time (types §number): never negative, never beyond a million`, () => {
    expect(reasonOf(version, withField(version, 'total_energy', -15.342))).toBe('total_energy: must not be negative, got -15.342');
    expect(reasonOf(version, withField(version, 'total_time', -1))).toBe('total_time: must not be negative, got -1');
    expect(reasonOf(version, withField(version, 'total_parking_time', -0.5))).toBe('total_parking_time: must not be negative, got -0.5');
    expect(reasonOf(version, withField(version, 'total_energy', 1e308))).toBe('total_energy: must not exceed 1000000, got 1e+308');
    expect(accepted(version, withField(version, 'total_energy', 0)).value.total_energy).toBe('0');
  });

  it(`${section} ChargingPeriod.dimensions (§CdrDimension): TIME never negative; ENERGY may be (fed back to the grid)`, () => {
    expect(reasonOf(version, withField(version, 'charging_periods.0.dimensions.0', { type: 'TIME', volume: -1.973 }))).toBe(
      'charging_periods[0].dimensions[0].volume: must not be negative, got -1.973',
    );
    const v2g = accepted(version, withField(version, 'charging_periods.0.dimensions', [{ type: 'ENERGY', volume: -2.5 }]));
    expect(v2g.value.charging_periods[0].dimensions).toEqual([{ type: 'ENERGY', volume: '-2.5' }]);
    expect(reasonOf(version, withField(version, 'charging_periods.0.dimensions.0', { type: 'ENERGY', volume: -1e300 }))).toBe(
      'charging_periods[0].dimensions[0].volume: must not exceed 1000000 in absolute value, got -1e+300',
    );
  });
});

describe('amounts (types §Price class, §number): at most 1,000,000 either way, negative only on a credit CDR (mod_cdrs §Credit CDRs)', () => {
  it('mod_cdrs 2.2.1 §CDR object total_cost: excl_vat -1000000 on a CDR that is not a credit, and 1e308, are refused naming the field', () => {
    expect(reasonOf('2.2.1', withField('2.2.1', 'total_cost', { excl_vat: -1000000, incl_vat: -1100000 }))).toBe(
      'total_cost.excl_vat: must not be negative on a CDR that is not a credit CDR (credit: true), got -1000000; ' +
        'total_cost.incl_vat: must not exceed 1000000 in absolute value, got -1100000',
    );
    expect(reasonOf('2.2.1', withField('2.2.1', 'total_cost', { excl_vat: 1e308 }))).toBe('total_cost.excl_vat: must not exceed 1000000 in absolute value, got 1e+308');
    expect(reasonOf('2.2.1', withField('2.2.1', 'total_time_cost', { excl_vat: 4, incl_vat: -4.4 }))).toBe(
      'total_time_cost.incl_vat: must not be negative on a CDR that is not a credit CDR (credit: true), got -4.4',
    );
  });

  it('mod_cdrs 2.2.1 §Credit CDRs: a credit CDR carries the negative amounts of the original', () => {
    const credit = { ...example('2.2.1'), id: '12345-C', credit: true, credit_reference_id: '12345', total_cost: { excl_vat: -4, incl_vat: -4.4 } };
    expect(accepted('2.2.1', credit).value.total_cost).toEqual({ before_taxes: '-4', after_taxes: '-4.4', taxes: null });
  });

  it('mod_cdrs 2.3.0 §CDR object total_cost (types 2.3.0 §Price class, §TaxAmount class): before_taxes and each tax amount', () => {
    expect(reasonOf('2.3.0', withField('2.3.0', 'total_cost', { before_taxes: -4, taxes: [{ name: 'VAT', amount: -0.4 }] }))).toBe(
      'total_cost.before_taxes: must not be negative on a CDR that is not a credit CDR (credit: true), got -4; ' +
        'total_cost.taxes[0].amount: must not be negative on a CDR that is not a credit CDR (credit: true), got -0.4',
    );
    expect(reasonOf('2.3.0', withField('2.3.0', 'total_cost', { before_taxes: 1e308 }))).toBe('total_cost.before_taxes: must not exceed 1000000 in absolute value, got 1e+308');
  });

  it('mod_cdrs 2.1.1 §3.1 CDR object total_cost (number, excluding VAT): 2.1.1 has no credit CDRs, so never negative', () => {
    expect(reasonOf('2.1.1', withField('2.1.1', 'total_cost', -4))).toBe('total_cost: must not be negative on a CDR that is not a credit CDR (credit: true), got -4');
    expect(reasonOf('2.1.1', withField('2.1.1', 'total_cost', 1e308))).toBe('total_cost: must not exceed 1000000 in absolute value, got 1e+308');
  });
});

describe('identifiers and references of a CDR (types §CiString with the lengths of mod_cdrs §CDR object)', () => {
  it('mod_cdrs 2.2.1 §CDR object id: "Normal (non-credit) CDRs SHALL only have an ID with a maximum length of 36"; a credit CDR 39', () => {
    expect(reasonOf('2.2.1', withField('2.2.1', 'id', 'X'.repeat(37)))).toBe('id: must be shorter than or equal to 36 characters unless the CDR is a credit CDR (credit: true)');
    const credit = { ...example('2.2.1'), id: 'X'.repeat(39), credit: true, credit_reference_id: '12345', total_cost: { excl_vat: -4 } };
    expect(accepted('2.2.1', credit).value.id).toBe('X'.repeat(39));
  });

  it('mod_cdrs 2.2.1 §CdrToken, §CdrLocation, §ChargingPeriod, §CDR object: each CiString reference is checked by name', () => {
    expect(reasonOf('2.2.1', withField('2.2.1', 'cdr_token.uid', '😀'))).toBe('cdr_token.uid: must be printable ASCII (types §CiString), not U+1F600');
    expect(reasonOf('2.2.1', withField('2.2.1', 'cdr_location.evse_uid', ' '))).toBe('cdr_location.evse_uid: must not be blank');
    expect(reasonOf('2.2.1', withField('2.2.1', 'session_id', '\u202e'))).toBe('session_id: must be printable ASCII (types §CiString), not U+202E');
    expect(reasonOf('2.2.1', withField('2.2.1', 'charging_periods.0.tariff_id', 'é'))).toBe('charging_periods[0].tariff_id: must be printable ASCII (types §CiString), not U+00E9');
    expect(reasonOf('2.2.1', withField('2.2.1', 'country_code', 'B'))).toBe('country_code: must be 2 characters long');
    // "#NA" is what a CDR of a reservation that never became a session carries (mod_cdrs 2.2.1 §CdrLocation).
    expect(accepted('2.2.1', withField('2.2.1', 'cdr_location.evse_uid', '#NA')).value.cdr_location.evse_uid).toBe('#NA');
    // Free text (types §string, printable UTF-8) is not a CiString: an address in any script stays.
    expect(accepted('2.2.1', withField('2.2.1', 'cdr_location.address', 'Rue de l’Étoile 3')).value.cdr_location.address).toBe('Rue de l’Étoile 3');
  });

  it('mod_cdrs 2.1.1 §3.1 CDR object auth_id, and the Location (mod_locations 2.1.1 §3.1) uid / id it carries', () => {
    expect(reasonOf('2.1.1', withField('2.1.1', 'auth_id', ' '))).toBe('auth_id: must not be blank');
    expect(reasonOf('2.1.1', withField('2.1.1', 'location.evses.0.uid', '😀'))).toBe('location.evses[0].uid: must be printable ASCII (types §CiString), not U+1F600');
    expect(reasonOf('2.1.1', withField('2.1.1', 'location.id', ''))).toBe('location.id: must not be empty');
  });
});

describe('tolerant: total_cost as a bare number under 2.2.1 / 2.3.0 (the 2.1.1 habit), counted as a deviation', () => {
  it.each(['2.2.1', '2.3.0'] as const)('mod_cdrs %s §CDR object total_cost: 4 and "4.00" are the amount before taxes, "4,00" is refused naming the field', (version) => {
    for (const sent of [4, '4.00']) {
      const r = accepted(version, withField(version, 'total_cost', sent));
      expect(r.value.total_cost).toEqual({ before_taxes: '4', after_taxes: null, taxes: null });
      expect(r.deviations).toEqual([{ kind: 'PRICE_AS_NUMBER', field: 'total_cost', example: String(sent) }]);
    }
    expect(reasonOf(version, withField(version, 'total_cost', '4,00'))).toBe('total_cost: must be a Price object, not "4,00" (a decimal comma is not a JSON number)');
    expect(reasonOf(version, withField(version, 'total_cost', []))).toBe('total_cost: must be a Price object, not a list');
    // Only total_cost had the 2.1.1 shape: a dimension cost as a number is no habit of any version.
    expect(reasonOf(version, withField(version, 'total_time_cost', 4))).toBe('total_time_cost: must be a Price object, not 4');
    // A bare number is still an amount: bounded, and not negative on a CDR that is not a credit.
    expect(reasonOf(version, withField(version, 'total_cost', -4))).toBe('total_cost: must not be negative on a CDR that is not a credit CDR (credit: true), got -4');
  });

  it('mod_cdrs 2.2.1 §CDR object: a spec-perfect CDR carries no deviations', () => {
    expect(accepted('2.2.1', example('2.2.1')).deviations ?? []).toEqual([]);
  });
});
