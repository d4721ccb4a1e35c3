/**
 * mod_cdrs "Example of a CDR" of 2.1.1 (§3.1, inline), 2.2.1 and 2.3.0 (examples/cdr_example.json), priced from the
 * tariffs the CDR carries by recomputeCdrCost, compared with the total_cost the example states. The example is in
 * Gent (Belgium): Europe/Brussels.
 */
import { recomputeCdrCost } from '../../src/finance/recompute-cdr-cost';
import { cdrForPricing, pc, specJson, tariffOf } from './support/spec-examples';

const BRUSSELS = 'Europe/Brussels';

/** The 2.1.1 example as printed in mod_cdrs.md §3.1 (location trimmed to what pricing reads). */
const CDR_211 = {
  id: '12345',
  start_date_time: '2015-06-29T21:39:09Z',
  stop_date_time: '2015-06-29T23:37:32Z',
  currency: 'EUR',
  tariffs: [{ id: '12', currency: 'EUR', elements: [{ price_components: [{ type: 'TIME', price: '2.00', step_size: 300 }] }], last_updated: '2015-02-02T14:15:01Z' }],
  charging_periods: [{ start_date_time: '2015-06-29T21:39:09Z', dimensions: [{ type: 'TIME', volume: 1.973 }] }],
  total_cost: 4.0,
  total_energy: 15.342,
  total_time: 1.973,
  last_updated: '2015-06-29T22:01:13Z',
};

describe('mod_cdrs Example of a CDR, priced from its tariffs', () => {
  it('2.1.1 §3.1: 1.973 h at € 2.00 / h billed per 5 min (120 min) = € 4.00 excl. VAT, as stated; VAT unknown in 2.1.1', () => {
    const cdr = cdrForPricing('2.1.1', CDR_211);
    const r = recomputeCdrCost(cdr, cdr.tariffs!, BRUSSELS);
    expect(r.computed).toEqual({ before_taxes: '4.00', taxes: null, after_taxes: null });
    expect(r.difference).toEqual({ before_taxes: '0.00', after_taxes: null });
    expect(r.per_tariff[0].cost.breakdown[0]).toMatchObject({ quantity: '1.973', billed_quantity: '2', step_size: { total_consumed: '7102.8', total_billed: '7200' } });
    expect(r.exact).toBe(true);
    expect(r.notes).toContain('no charging period names a tariff; the one tariff (12) prices them all');
  });

  it('2.2.1 cdr_example.json: € 4.00 excl. VAT, € 4.40 incl., as its total_cost and total_time_cost', () => {
    const raw = specJson('2.2.1', 'cdr_example.json');
    const cdr = cdrForPricing('2.2.1', raw);
    const r = recomputeCdrCost(cdr, cdr.tariffs!, BRUSSELS);
    expect(r.computed).toEqual({ before_taxes: '4.00', taxes: [{ name: 'VAT', percentage: '10', amount: '0.40' }], after_taxes: '4.40' });
    expect(r.stated).toEqual({ before_taxes: '4.00', after_taxes: '4.40' });
    expect(r.difference).toEqual({ before_taxes: '0.00', after_taxes: '0.00' });
    expect(raw.total_time_cost).toEqual({ excl_vat: 4, incl_vat: 4.4 });
    expect(r.per_tariff[0].cost.costs.TIME).toEqual({ before_taxes: '4.00', taxes: [{ name: 'VAT', percentage: '10', amount: '0.40' }], after_taxes: '4.40' });
  });

  it('2.3.0 cdr_example.json: € 4.00 before taxes + VAT 0.40, as stated (its tariff lacks tax_included: read as NO, and said)', () => {
    const cdr = cdrForPricing('2.3.0', specJson('2.3.0', 'cdr_example.json'));
    const r = recomputeCdrCost(cdr, cdr.tariffs!, BRUSSELS);
    expect(r.computed).toEqual({ before_taxes: '4.00', taxes: [{ name: 'VAT', percentage: '10', amount: '0.40' }], after_taxes: '4.40' });
    expect(r.difference).toEqual({ before_taxes: '0.00', after_taxes: '0.00' });
    expect(r.per_tariff[0].cost.notes).toContain('tax_included was missing (it is required in 2.3.0); read as NO: prices before taxes, as in 2.2.1');
  });

  it('a CDR that bills more than its tariff says: the difference is ours minus theirs', () => {
    const cdr = cdrForPricing('2.2.1', { ...specJson('2.2.1', 'cdr_example.json'), total_cost: { excl_vat: 4.5, incl_vat: 4.95 } });
    const r = recomputeCdrCost(cdr, cdr.tariffs!, BRUSSELS);
    expect(r.difference).toEqual({ before_taxes: '-0.50', after_taxes: '-0.55' });
  });
});

describe('mod_cdrs 2.2.1 §CDR object: charging periods, tariff_id and several tariffs', () => {
  const day = tariffOf([{ price_components: [pc('ENERGY', '0.30', 500, '21')] }], { id: 'DAY' });
  const pref = tariffOf([{ price_components: [pc('ENERGY', '0.20', 500, '21')] }], { id: 'CHEAP' });
  const base = {
    country_code: 'NL',
    party_id: 'TST',
    id: 'C1',
    currency: 'EUR',
    start_date_time: '2024-06-05T10:00:00Z',
    end_date_time: '2024-06-05T11:30:00Z',
    total_cost: { before_taxes: '0.90', after_taxes: '1.089' },
  };

  it('"The step_size is not taken into account when switching between two Tariffs": each tariff rounds its own energy', () => {
    const r = recomputeCdrCost(
      {
        ...base,
        charging_periods: [
          {
            start_date_time: '2024-06-05T10:00:00Z',
            tariff_id: 'DAY',
            dimensions: [
              { type: 'ENERGY', volume: '1.2' },
              { type: 'TIME', volume: '0.5' },
            ],
          },
          {
            start_date_time: '2024-06-05T10:30:00Z',
            tariff_id: 'CHEAP',
            dimensions: [
              { type: 'ENERGY', volume: '2.7' },
              { type: 'TIME', volume: '1' },
            ],
          },
        ],
      },
      [day, pref],
      'Europe/Amsterdam',
    );
    // DAY: 1.2 → 1.5 kWh × 0.30 = 0.45. CHEAP: 2.7 → 3.0 kWh × 0.20 = 0.60. (Rounding the 3.9 kWh total once would give 4.0.)
    expect(r.per_tariff.map((p) => [p.tariff_id, p.cost.total.before_taxes])).toEqual([
      ['DAY', '0.45'],
      ['CHEAP', '0.60'],
    ]);
    expect(r.computed).toMatchObject({ before_taxes: '1.05', after_taxes: '1.27' });
    expect(r.difference.before_taxes).toBe('0.15');
  });

  it('a period whose tariff_id is absent while others name one is priced by no tariff', () => {
    const r = recomputeCdrCost(
      {
        ...base,
        charging_periods: [
          {
            start_date_time: '2024-06-05T10:00:00Z',
            tariff_id: 'DAY',
            dimensions: [
              { type: 'ENERGY', volume: '3' },
              { type: 'TIME', volume: '0.5' },
            ],
          },
          {
            start_date_time: '2024-06-05T10:30:00Z',
            dimensions: [
              { type: 'ENERGY', volume: '5' },
              { type: 'TIME', volume: '1' },
            ],
          },
        ],
      },
      [day],
      'Europe/Amsterdam',
    );
    expect(r.computed.before_taxes).toBe('0.90');
    expect(r.difference.before_taxes).toBe('0.00');
  });

  it('several tariffs and no tariff_id anywhere: cannot tell which priced what, and says so', () => {
    const r = recomputeCdrCost(
      {
        ...base,
        charging_periods: [
          {
            start_date_time: '2024-06-05T10:00:00Z',
            dimensions: [
              { type: 'ENERGY', volume: '3' },
              { type: 'TIME', volume: '1.5' },
            ],
          },
        ],
      },
      [day, pref],
      'Europe/Amsterdam',
    );
    expect(r.exact).toBe(false);
    expect(r.not_exact_because).toEqual(['no charging period names its tariff and the CDR has several: cannot tell which priced what']);
  });

  it('reservation, charging and parking dimensions of one period become consecutive parts; MIN/MAX_CURRENT decide current restrictions', () => {
    const t = tariffOf([
      { price_components: [pc('TIME', '1.00')], restrictions: { reservation: 'RESERVATION' } },
      { price_components: [pc('TIME', '1.00')], restrictions: { max_current: '32' } },
      { price_components: [pc('TIME', '2.00'), pc('PARKING_TIME', '3.00')] },
    ]);
    const r = recomputeCdrCost(
      {
        ...base,
        end_date_time: '2024-06-05T12:00:00Z',
        total_cost: { before_taxes: '5.50', after_taxes: '5.50' },
        charging_periods: [
          {
            start_date_time: '2024-06-05T10:00:00Z',
            tariff_id: 'T1',
            dimensions: [
              { type: 'RESERVATION_TIME', volume: '0.5' },
              { type: 'TIME', volume: '1' },
              { type: 'ENERGY', volume: '11' },
              { type: 'MIN_CURRENT', volume: '40' },
              { type: 'MAX_CURRENT', volume: '48' },
              { type: 'PARKING_TIME', volume: '0.5' },
            ],
          },
        ],
      },
      [t],
      'Europe/Amsterdam',
    );
    // Reservation 0.5 h × 1.00 + charging 1 h at ≥ 32 A × 2.00 + parking 0.5 h × 3.00 = 4.00.
    expect(r.per_tariff[0].cost.breakdown.map((l) => [l.dimension, l.element_index, l.billed_quantity])).toEqual([
      ['RESERVATION', 0, '0.5'],
      ['TIME', 2, '1'],
      ['PARKING_TIME', 2, '0.5'],
    ]);
    expect(r.computed.before_taxes).toBe('4.00');
    expect(r.difference.before_taxes).toBe('-1.50');
  });
});
