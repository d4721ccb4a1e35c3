/**
 * The tariff mappers of each version into the one canonical Tariff: mod_tariffs 2.1.1 §3.1 Tariff object (no owner,
 * type, min/max price, validity window or vat), 2.2.1 §Tariff object, 2.3.0 §Tariff object (tax_included, PriceLimit).
 */
import { mapTariff211 } from '../../src/ocpi/v2_1_1/tariffs/tariff.mapper';
import { mapTariff221 } from '../../src/ocpi/v2_2_1/tariffs/tariff.mapper';
import { mapTariff230 } from '../../src/ocpi/v2_3_0/tariffs/tariff.mapper';
import { priceCharge } from '../../src/tariffs/engine/price-charge';
import { charging, parking, specJson, tariff211, timeline, totals } from './support/spec-examples';

/** mod_tariffs 2.1.1 §3.1 "Complex Tariff example" as printed (power, not current, restrictions; no vat). */
const COMPLEX_211 = {
  id: '11',
  currency: 'EUR',
  tariff_alt_url: 'https://company.com/tariffs/11',
  elements: [
    { price_components: [{ type: 'FLAT', price: 2.5, step_size: 1 }] },
    { price_components: [{ type: 'TIME', price: 1.0, step_size: 900 }], restrictions: { max_power: 32.0 } },
    { price_components: [{ type: 'TIME', price: 2.0, step_size: 600 }], restrictions: { min_power: 32.0, day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
    { price_components: [{ type: 'TIME', price: 1.25, step_size: 600 }], restrictions: { min_power: 32.0, day_of_week: ['SATURDAY', 'SUNDAY'] } },
    {
      price_components: [{ type: 'PARKING_TIME', price: 5.0, step_size: 300 }],
      restrictions: { start_time: '09:00', end_time: '18:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
    },
    { price_components: [{ type: 'PARKING_TIME', price: 6.0, step_size: 300 }], restrictions: { start_time: '10:00', end_time: '17:00', day_of_week: ['SATURDAY'] } },
  ],
  last_updated: '2015-06-29T20:39:09Z',
};

describe('mod_tariffs 2.1.1 §3.1 Tariff object → canonical (mapTariff211)', () => {
  it('Complex Tariff example: the owner comes from the connection; prices excl. VAT with the VAT unknown', () => {
    const t = tariff211(COMPLEX_211, { country_code: 'nl', party_id: 'tnm' });
    expect(t).toMatchObject({ country_code: 'NL', party_id: 'TNM', id: '11', type: null, min_price: null, max_price: null, tax_included: 'NO', omitted_vat: 'UNKNOWN' });
    expect(t.elements[1].restrictions).toMatchObject({ max_power: '32' });
    // Monday 09:30 (CEST), 165 min at 11 kW (< 32 kW), 42 min parking: FLAT 2.50 + TIME 2.75 + PARKING 3.75.
    const c = priceCharge(t, 'Europe/Amsterdam', timeline('2024-06-03T07:30:00Z', charging(165, '30.25', { power_kw: '11' }), parking(42)));
    expect(totals(c)).toEqual(['9.00', null]);
    expect(c.total.taxes).toBeNull();
  });

  it('Simple Tariff example 2 euro per hour and the Free of Charge example map; price as a string ("2.00", as the CDR example sends it) is tolerated', () => {
    const simple = tariff211({
      id: '12',
      currency: 'EUR',
      elements: [{ price_components: [{ type: 'TIME', price: '2.00', step_size: 300 }] }],
      last_updated: '2015-06-29T20:39:09Z',
    });
    expect(simple.elements[0].price_components[0]).toEqual({ type: 'TIME', price: '2', vat: null, step_size: 300 });
    const free = tariff211({ id: '12', currency: 'EUR', elements: [{ price_components: [{ type: 'FLAT', price: 0.0, step_size: 0 }] }], last_updated: '2015-06-29T20:39:09Z' });
    expect(totals(priceCharge(free, 'Europe/Amsterdam', timeline('2024-06-03T07:30:00Z', charging(60, 10))))).toEqual(['0.00', '0.00']);
  });

  it('rejects an object it cannot file against a party, and one without elements; never throws', () => {
    expect(mapTariff211({ ...COMPLEX_211 })).toEqual({
      ok: false,
      reason: 'a 2.1.1 Tariff carries no country_code / party_id and no owner was given',
      identity: { countryCode: null, partyId: null, id: '11' },
    });
    const empty = mapTariff211({ ...COMPLEX_211, elements: [] }, { country_code: 'NL', party_id: 'TNM' });
    expect(empty.ok).toBe(false);
    expect(mapTariff211('not an object', { country_code: 'NL', party_id: 'TNM' })).toMatchObject({ ok: false, reason: 'not a JSON object' });
  });

  it('2.2 fields a 2.1.1 CPO sends anyway: vat and current restrictions read, others not used, all said in notes', () => {
    const t = tariff211({
      ...COMPLEX_211,
      country_code: 'DE',
      party_id: 'XXX',
      min_price: { excl_vat: 1 },
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 19, step_size: 1 }], restrictions: { max_current: 16 } }],
    });
    expect(t.elements[0]).toEqual({
      price_components: [{ type: 'ENERGY', price: '0.3', vat: '19', step_size: 1 }],
      restrictions: expect.objectContaining({ max_current: '16' }),
    });
    expect(t.notes).toEqual([
      'min_price is not a 2.1.1 field; not used',
      'PriceComponent.vat is not a 2.1.1 field; read anyway (where omitted, the VAT stays unknown)',
      'min_current / max_current / reservation restrictions are not 2.1.1 fields; read anyway',
      "the object names party DE*XXX; filed under the connection's party NL*TNM",
    ]);
  });
});

describe('mod_tariffs 2.2.1 §Tariff object → canonical (mapTariff221)', () => {
  it('tariff_6: max_price as PriceLimit, end_date_time in UTC, omitted vat means no VAT', () => {
    const mapped = mapTariff221(specJson('2.2.1', 'tariff_6_025kwh_start_max_price.json'));
    expect(mapped.ok && mapped.value).toMatchObject({
      max_price: { before_taxes: '10', after_taxes: '11' },
      tax_included: 'NO',
      omitted_vat: 'NO_VAT',
      end_date_time: '2019-06-30T23:59:59.000Z',
    });
  });

  it('a PriceComponent type OCPI does not define (odd fixture: CARBON_OFFSET) is kept, not rejected', () => {
    const mapped = mapTariff221({ ...specJson('2.2.1', 'tariff_8_simple_025kwh.json'), elements: [{ price_components: [{ type: 'CARBON_OFFSET', price: 0.01, step_size: 1 }] }] });
    expect(mapped.ok && mapped.value.elements[0].price_components[0].type).toBe('CARBON_OFFSET');
  });
});

describe('mod_tariffs 2.3.0 §Tariff object → canonical (mapTariff230)', () => {
  it('tax_included and PriceLimit (tariff_12): before_taxes / after_taxes; omitted vat is unknown (taxes "added on top")', () => {
    const mapped = mapTariff230(specJson('2.3.0', 'tariff_12_025kwh_min_price.json'));
    expect(mapped.ok && mapped.value).toMatchObject({ tax_included: 'NO', omitted_vat: 'UNKNOWN', min_price: { before_taxes: '0.5', after_taxes: '0.55' } });
    expect(mapped.ok && mapped.value.notes).toBeUndefined();
  });

  it('tariff_20 (North American, inclusive): tax_included YES', () => {
    const mapped = mapTariff230(specJson('2.3.0', 'tariff_20_simple_north_american_inclusive.json'));
    expect(mapped.ok && mapped.value).toMatchObject({ country_code: 'CA', party_id: 'FLO', currency: 'CAD', tax_included: 'YES' });
  });

  it('tolerated and said: tax_included missing (read NO) or in lower case, PriceLimit with the 2.2.1 names', () => {
    const raw = specJson('2.3.0', 'tariff_6_025kwh_start_max_price.json');
    const { tax_included: _, ...withoutTax } = raw;
    const missing = mapTariff230({ ...withoutTax, max_price: { excl_vat: 10, incl_vat: 11 } });
    expect(missing.ok && missing.value).toMatchObject({ tax_included: 'NO', max_price: { before_taxes: '10', after_taxes: '11' } });
    expect(missing.ok && missing.value.notes).toEqual([
      'tax_included was missing (it is required in 2.3.0); read as NO: prices before taxes, as in 2.2.1',
      'max_price used the 2.2.1 names excl_vat / incl_vat; read as before_taxes / after_taxes',
    ]);
    const lower = mapTariff230({ ...raw, tax_included: 'yes' });
    expect(lower.ok && lower.value.tax_included).toBe('YES');
  });

  it('rejects, with every reason, a tax_included with no clear meaning and a PriceLimit without before_taxes', () => {
    const raw = specJson('2.3.0', 'tariff_6_025kwh_start_max_price.json');
    expect(mapTariff230({ ...raw, tax_included: 'SOMETIMES', max_price: { after_taxes: 11 } })).toEqual({
      ok: false,
      reason: 'tax_included: "SOMETIMES" is not one of YES, NO, N/A; max_price.before_taxes: is required',
      identity: { countryCode: 'DE', partyId: 'ALL', id: '16' },
    });
  });
});
