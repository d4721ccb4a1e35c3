import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapCdr211 } from '../../v2_1_1/cdrs/cdr.mapper';
import { mapCdr230 } from '../../v2_3_0/cdrs/cdr.mapper';
import { mapCdr221 } from './cdr.mapper';

const example = (version: string): Record<string, any> => JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/ocpi', version, 'cdrs/cdr_example.json'), 'utf8'));

function ok<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('CDR mappers: mod_cdrs "Example of a CDR" of each version into the canonical CDR', () => {
  it('2.2.1 cdr_example.json: Price excl_vat / incl_vat, CdrToken, CdrLocation, tariffs through the 2.2.1 Tariff mapper', () => {
    const cdr = ok(mapCdr221(example('2.2.1')));
    expect(cdr).toMatchObject({
      country_code: 'BE',
      party_id: 'BEC',
      id: '12345',
      start_date_time: '2015-06-29T21:39:09.000Z',
      end_date_time: '2015-06-29T23:37:32.000Z',
      auth_id: '012345678',
      auth_method: 'WHITELIST',
      currency: 'EUR',
      total_energy: '15.342',
      total_time: '1.973',
      credit: false,
      total_cost: { before_taxes: '4', after_taxes: '4.4', taxes: null },
      total_time_cost: { before_taxes: '4', after_taxes: '4.4' },
      cdr_token: { country_code: 'DE', party_id: 'TNM', uid: '012345678', type: 'RFID', contract_id: 'DE8ACC12E46L89' },
      cdr_location: {
        id: 'LOC1',
        evse_uid: '3256',
        evse_id: 'BE*BEC*E041503003',
        connector_id: '1',
        connector_standard: 'IEC_62196_T2',
        coordinates: { latitude: '3.729944', longitude: '51.047599' },
      },
      charging_periods: [{ start_date_time: '2015-06-29T21:39:09.000Z', tariff_id: '12', dimensions: [{ type: 'TIME', volume: '1.973' }] }],
    });
    expect(cdr.tariffs).toHaveLength(1);
    expect(cdr.tariffs[0]).toMatchObject({ id: '12', tax_included: 'NO', elements: [{ price_components: [{ type: 'TIME', price: '2', vat: '10', step_size: 300 }] }] });
  });

  it('2.3.0 cdr_example.json: Price before_taxes + taxes[] → after_taxes 4.4; its tariff without tax_included read as NO (noted)', () => {
    const cdr = ok(mapCdr230(example('2.3.0')));
    expect(cdr.total_cost).toEqual({ before_taxes: '4', after_taxes: '4.4', taxes: [{ name: 'VAT', account_number: null, percentage: null, amount: '0.4' }] });
    expect(cdr.tariffs[0].notes).toContain('tax_included was missing (it is required in 2.3.0); read as NO: prices before taxes, as in 2.2.1');
  });

  it('2.1.1 §3.1 example: owner from the connection, stop_date_time, auth_id, the Location object as snapshot with its connector tariff', () => {
    const cdr = ok(mapCdr211(example('2.1.1'), { country_code: 'BE', party_id: 'BEC' }));
    expect(cdr).toMatchObject({
      country_code: 'BE',
      party_id: 'BEC',
      end_date_time: '2015-06-29T23:37:32.000Z',
      auth_id: 'DE8ACC12E46L89',
      cdr_token: null,
      total_cost: { before_taxes: '4', after_taxes: null, taxes: null },
      cdr_location: { id: 'LOC1', evse_uid: '3256', evse_id: 'BE-BEC-E041503003', connector_id: '1', connector_power_type: 'AC_1_PHASE', tariff_ids: ['11'] },
    });
    expect(cdr.tariffs[0]).toMatchObject({ country_code: 'BE', party_id: 'BEC', id: '12', omitted_vat: 'UNKNOWN' });
  });

  it('rejects with every reason: missing required fields, an invalid tariff, a credit CDR without credit_reference_id', () => {
    const { cdr_token: _, total_cost: __, ...missing } = example('2.2.1');
    const r1 = mapCdr221(missing);
    expect(r1).toMatchObject({ ok: false, identity: { countryCode: 'BE', partyId: 'BEC', id: '12345' } });
    expect(!r1.ok && r1.reason).toMatch(/cdr_token/);
    expect(!r1.ok && r1.reason).toMatch(/total_cost/);
    const badTariff = { ...example('2.2.1'), tariffs: [{ id: '12', currency: 'EUR', elements: [], last_updated: '2015-02-02T14:15:01Z' }] };
    expect(!mapCdr221(badTariff).ok && (mapCdr221(badTariff) as any).reason).toMatch(/^tariffs\[0\]: /);
    const credit = mapCdr221({ ...example('2.2.1'), id: '12345-C', credit: true });
    expect(credit).toMatchObject({ ok: false, reason: 'credit_reference_id: is required for a credit CDR (credit: true)' });
    expect(ok(mapCdr221({ ...example('2.2.1'), id: '12345-C', credit: true, credit_reference_id: '12345' })).credit).toBe(true);
  });

  it('2.3.0: a cost without before_taxes is rejected; one with the 2.2.1 names is read and said', () => {
    expect(mapCdr230({ ...example('2.3.0'), total_time_cost: { taxes: [] } })).toMatchObject({ ok: false, reason: 'total_time_cost.before_taxes: is required' });
    const cdr = ok(mapCdr230({ ...example('2.3.0'), total_time_cost: { excl_vat: 4, incl_vat: 4.4 } }));
    expect(cdr.total_time_cost).toEqual({ before_taxes: '4', after_taxes: '4.4', taxes: null });
    expect(cdr.notes).toEqual(['total_time_cost used the 2.2.1 names excl_vat / incl_vat; read as before_taxes / after_taxes']);
  });

  it('mod_cdrs 2.2.1 §CDR object: an empty object {} is rejected naming each of the 14 required fields once, as "is required"', () => {
    const r = mapCdr221({});
    const reason = !r.ok ? r.reason : '';
    const required = [
      'country_code',
      'party_id',
      'id',
      'start_date_time',
      'end_date_time',
      'cdr_token',
      'auth_method',
      'cdr_location',
      'currency',
      'charging_periods',
      'total_cost',
      'total_energy',
      'total_time',
      'last_updated',
    ];
    expect(reason.split('; ').sort()).toEqual(required.map((f) => `${f}: is required`).sort());
  });

  it('wire messages read "<field>: must …": a number that is not one, a Price side that is not one, an id too long', () => {
    const r = mapCdr221({ ...example('2.2.1'), id: 'X'.repeat(40), total_time: 'abc', total_cost: { excl_vat: 4, incl_vat: 'x' } });
    expect(!r.ok && r.reason.split('; ').sort()).toEqual([
      'id: must be shorter than or equal to 39 characters',
      'total_cost.incl_vat: must be a number',
      'total_time: must be a number',
    ]);
    // 2.1.1 and 2.3.0 share the decorator and the wire validation.
    expect(mapCdr211({ ...example('2.1.1'), total_cost: 'abc' }, { country_code: 'BE', party_id: 'BEC' })).toMatchObject({ ok: false, reason: 'total_cost: must be a number' });
    expect(mapCdr230({ ...example('2.3.0'), total_energy: null })).toMatchObject({ ok: false, reason: 'total_energy: is required' });
  });
});
