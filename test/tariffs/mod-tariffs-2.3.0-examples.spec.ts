/**
 * mod_tariffs 2.3.0: the same tariff examples as 2.2.1 with `tax_included` and PriceLimit (2.3.0/examples/, mapped by
 * mapTariff230), the two North American examples (§Tariff object "Simple Tariff with North American taxes" and
 * "…, price inclusive of tax"), and what 2.3.0 changes in the meaning of an omitted `vat`.
 */
import { ChargeTimeline } from '../../src/tariffs/engine/charge-cost.model';
import { priceCharge } from '../../src/tariffs/engine/price-charge';
import { charging, parking, reserved, specTariff, timeline, totals } from './support/spec-examples';

const BERLIN = 'Europe/Berlin';
const TORONTO = 'America/Toronto';
const WEDNESDAY = '2024-06-05T12:00:00Z';
const t = (file: string) => specTariff('2.3.0', file);

describe('mod_tariffs 2.3.0 §Tariff object examples (tax_included NO, vat given): the 2.2.1 figures', () => {
  const cases: Array<[string, string, string, string, ChargeTimeline]> = [
    ['Simple Tariff example € 0.25 per kWh', 'tariff_8_simple_025kwh.json', '5.00', '5.50', timeline(WEDNESDAY, charging(60, 20))],
    ['€ 0.25 per kWh + start fee', 'tariff_9_025kwh_start.json', '5.50', '6.10', timeline(WEDNESDAY, charging(60, 20))],
    ['€ 0.25 per kWh + minimum price, 1 kWh', 'tariff_12_025kwh_min_price.json', '0.50', '0.55', timeline(WEDNESDAY, charging(10, 1))],
    ['€ 0.25 per kWh + parking fee + start fee', 'tariff_10_025kwh_parking_start.json', '7.00', '7.90', timeline(WEDNESDAY, charging(60, 20), parking(40))],
    ['€ 0.25 per kWh + start fee + max price, 50 kWh', 'tariff_6_025kwh_start_max_price.json', '10.00', '11.00', timeline(WEDNESDAY, charging(120, 50))],
    ['€ 0.25 per kWh + start fee + max price, 30 kWh', 'tariff_6_025kwh_start_max_price.json', '8.00', '8.85', timeline(WEDNESDAY, charging(90, 30))],
    ['Simple Tariff example € 2 per hour', 'tariff_1_simple_2hour.json', '5.00', '5.50', timeline(WEDNESDAY, charging(150, 20))],
    ['€ 3 per hour, € 5 per hour parking', 'tariff_13_simple_3hour_5parking.json', '11.25', '12.75', timeline(WEDNESDAY, charging(150, 20), parking(42))],
    ['Ad-Hoc simple Tariff example with multiple languages', 'tariff_2_alt_text.json', '4.75', '5.00', timeline(WEDNESDAY, charging(150, 10))],
    ['Complex Tariff example, Monday', 'tariff_4_complex.json', '9.00', '10.30', timeline('2024-06-03T07:30:00Z', charging(165, 30, { current_a: '16' }), parking(42))],
    ['reservation price', 'tariff_15_reservation_5_euro_per_hour.json', '6.75', '7.60', timeline(WEDNESDAY, reserved(15), charging(60, 20))],
    ['reservation price and fee', 'tariff_16_reservation_2_euro_fee_5_euro_per_hour.json', '8.75', '10.00', timeline(WEDNESDAY, reserved(13), charging(60, 20))],
    ['reservation price and expire fee, expired', 'tariff_17_reservation_with_expire_fee.json', '6.00', '7.20', timeline(WEDNESDAY, reserved(60))],
    ['reservation time and expire time, used', 'tariff_18_reservation_with_expire_time.json', '7.00', '7.90', timeline(WEDNESDAY, reserved(22), charging(60, 20))],
    ['reservation time and expire time, expired', 'tariff_18_reservation_with_expire_time.json', '9.00', '10.80', timeline(WEDNESDAY, reserved(90))],
    ['reservation price and expire fee, used', 'tariff_17_reservation_with_expire_fee.json', '6.50', '7.30', timeline(WEDNESDAY, reserved(22), charging(60, 20))],
    [
      'Complex Tariff example, Saturday (1.25 / h: 2.375, not the printed 2.28)',
      'tariff_4_complex.json',
      '12.38',
      '13.98',
      timeline('2024-06-08T11:30:00Z', charging(114, 40, { current_a: '43' }), parking(71)),
    ],
    ['New Tariff € 2 per hour charging time (tariff_put_example)', 'tariff_put_example.json', '2.00', '2.20', timeline(WEDNESDAY, charging(60, 11), parking(60))],
  ];
  it.each(cases)('%s (%s): € %s / € %s', (_name, file, before, after, tl) => {
    const c = priceCharge(t(file), BERLIN, tl);
    expect(totals(c)).toEqual([before, after]);
    expect(c.tax_included).toBe('NO');
    expect(c.exact).toBe(true);
  });

  it.each([
    [
      'Tariff with max_power Tariff Restrictions: € 20.30',
      'tariffrestriction_example_max_power.json',
      '20.30',
      timeline(WEDNESDAY, charging(10, 1, { power_kw: '6' }), charging(50, 40, { power_kw: '48' }), charging(7.5, '0.5', { power_kw: '4' })),
    ],
    ['Tariff with max_duration Tariff Restrictions: € 0.30', 'tariffrestriction_example_max_duration.json', '0.30', timeline(WEDNESDAY, charging(30, 5), charging(10, '1.2'))],
    ['step_size Example: switching to different Tariff Element #2: € 1.30', 'tariff_14_step_size.json', '1.30', timeline('2024-06-05T14:35:00Z', charging(35, 7))],
    ['step_size Example: switching to Free-of-Charge Tariff Element: € 0.73', 'tariff_14_step_size.json', '0.73', timeline('2024-06-05T17:40:00Z', charging(12, 2), parking(20))],
  ])('§TariffRestrictions / §PriceComponent example %s (%s, before taxes)', (_name, file, before, tl) => {
    expect(priceCharge(t(file), BERLIN, tl).total.before_taxes).toBe(before);
  });

  it('PriceLimit: min_price before_taxes / after_taxes are read (tariff_12)', () => {
    expect(t('tariff_12_025kwh_min_price.json').min_price).toEqual({ before_taxes: '0.5', after_taxes: '0.55' });
  });

  it('Simple Tariff example with alternative URL (tariff_3): 20.45 kWh billed per 0.1 kWh: € 5.63 / € 6.24 as the prose says', () => {
    // 2.3.0's breakdown table says energy 5.11 / total 5.61 (20.45 × 0.25 without step_size) while its prose and the
    // tariff's step_size of 100 Wh give 20.5 kWh: 5.125 → 5.13 and 5.63 / 6.24. We follow the tariff.
    const c = priceCharge(t('tariff_3_alt_url.json'), BERLIN, timeline(WEDNESDAY, charging(120, '20.45')));
    expect(totals(c)).toEqual(['5.63', '6.24']);
  });
});

describe('mod_tariffs 2.3.0 §Tariff object: North American taxes', () => {
  it('Simple Tariff with North American taxes (tariff_19, tax_included NO, no vat): 2.5 hours cost C$ 5.00 plus taxes we cannot know', () => {
    const c = priceCharge(t('tariff_19_simple_north_american_exclusive.json'), TORONTO, timeline('2024-12-05T18:00:00Z', charging(150, 25)));
    expect(c.total).toEqual({ before_taxes: '5.00', taxes: null, after_taxes: null });
    expect(c.currency).toBe('CAD');
    // Knowing only the before-tax side is what the tariff defines, not an inexact price.
    expect(c.exact).toBe(true);
  });

  it('Simple Tariff with North American taxes, price inclusive of tax (tariff_20, YES): 2.5 hours cost C$ 5.25, taxes included', () => {
    const c = priceCharge(t('tariff_20_simple_north_american_inclusive.json'), TORONTO, timeline('2024-12-05T18:00:00Z', charging(150, 25)));
    expect(c.total).toEqual({ before_taxes: null, taxes: null, after_taxes: '5.25' });
    expect(c.tax_included).toBe('YES');
  });

  it('YES with a vat: the before-tax amount is taken out of the price (2.10 incl. 5 % → 2.00 before taxes per hour)', () => {
    const tariff = t('tariff_20_simple_north_american_inclusive.json');
    tariff.elements[0].price_components[0].vat = '5';
    const c = priceCharge(tariff, TORONTO, timeline('2024-12-05T18:00:00Z', charging(60, 10)));
    expect(c.total).toEqual({ before_taxes: '2.00', taxes: [{ name: 'VAT', percentage: '5', amount: '0.10' }], after_taxes: '2.10' });
  });

  it('N/A: no taxes apply; after = before', () => {
    const tariff = t('tariff_19_simple_north_american_exclusive.json');
    tariff.tax_included = 'N/A';
    tariff.omitted_vat = 'NO_VAT';
    const c = priceCharge(tariff, TORONTO, timeline('2024-12-05T18:00:00Z', charging(150, 25)));
    expect(c.total).toEqual({ before_taxes: '5.00', taxes: [], after_taxes: '5.00' });
  });

  it('2.3.0 step_size example tariff without vat (tariff_14): before taxes € 0.55, after taxes unknown (2.2.1: the same 0.55)', () => {
    const c = priceCharge(t('tariff_14_step_size.json'), BERLIN, timeline('2024-06-05T14:55:00Z', charging(10, 2), parking(2)));
    expect(totals(c)).toEqual(['0.55', null]);
  });

  it('Free of Charge Tariff example (tariff_5): zero, on both sides, even without vat', () => {
    const c = priceCharge(t('tariff_5_free_of_charge.json'), BERLIN, timeline(WEDNESDAY, charging(60, 20)));
    expect(totals(c)).toEqual(['0.00', '0.00']);
  });
});
