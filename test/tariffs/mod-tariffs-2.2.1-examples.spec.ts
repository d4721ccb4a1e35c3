/**
 * Every tariff example of mod_tariffs 2.2.1 §Tariff object "Examples", §PriceComponent class (step_size NOTE and
 * "Example Tariff" with its three "switching" examples), §TariffRestrictions class (max_power, max_duration) and
 * §ReservationRestrictionType: the spec's example JSON (2.2.1/examples/), mapped by mapTariff221, priced by the
 * engine, checked against the spec's own figures. The examples are German tariffs (DE/ALL): Europe/Berlin.
 */
import { priceCharge } from '../../src/tariffs/engine/price-charge';
import { charging, parking, reserved, rows, specTariff, timeline, totals } from './support/spec-examples';

const BERLIN = 'Europe/Berlin';
const t = (file: string) => specTariff('2.2.1', file);
/** A Wednesday afternoon, for examples where the time does not matter. */
const WEDNESDAY = '2024-06-05T12:00:00Z';

describe('mod_tariffs 2.2.1 §Tariff object examples', () => {
  it('Simple Tariff example € 0.25 per kWh (tariff_8): 20 kWh cost € 5.00 excl. VAT, € 5.50 incl.', () => {
    const c = priceCharge(t('tariff_8_simple_025kwh.json'), BERLIN, timeline(WEDNESDAY, charging(60, 20)));
    expect(totals(c)).toEqual(['5.00', '5.50']);
    expect(c.total.taxes).toEqual([{ name: 'VAT', percentage: '10', amount: '0.50' }]);
    expect(c.exact).toBe(true);
  });

  it('Tariff example € 0.25 per kWh + start fee (tariff_9): 20 kWh cost € 5.50 excl. VAT, € 6.10 incl.', () => {
    const c = priceCharge(t('tariff_9_025kwh_start.json'), BERLIN, timeline(WEDNESDAY, charging(90, 20)));
    expect(totals(c)).toEqual(['5.50', '6.10']);
    expect(c.costs.FLAT).toEqual({ before_taxes: '0.50', taxes: [{ name: 'VAT', percentage: '20', amount: '0.10' }], after_taxes: '0.60' });
  });

  describe('Tariff example € 0.25 per kWh + minimum price (tariff_12)', () => {
    const tariff = t('tariff_12_025kwh_min_price.json');
    it('20 kWh: € 5.00 excl. VAT, € 5.50 incl.', () => {
      const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, charging(60, 20)));
      expect(totals(c)).toEqual(['5.00', '5.50']);
      expect(c.min_price_applied).toBe(false);
    });
    it('less than 2 kWh (1.5 kWh): € 0.50 excl. VAT, € 0.55 incl.', () => {
      const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, charging(10, '1.5')));
      expect(totals(c)).toEqual(['0.50', '0.55']);
      expect(c.min_price_applied).toBe(true);
      expect(c.costs.ENERGY.before_taxes).toBe('0.375');
    });
  });

  it('Tariff example € 0.25 per kWh + parking fee + start fee (tariff_10): 20 kWh and 40 min parking cost € 7.00 / € 7.90', () => {
    const c = priceCharge(t('tariff_10_025kwh_parking_start.json'), BERLIN, timeline(WEDNESDAY, charging(60, 20), parking(40)));
    expect(totals(c)).toEqual(['7.00', '7.90']);
    // "the driver has to pay for 45 minutes of parking"
    expect(c.breakdown.find((l) => l.dimension === 'PARKING_TIME')).toMatchObject({ quantity: '0.66666667', billed_quantity: '0.75', amount: { before_taxes: '1.50' } });
  });

  describe('Tariff example € 0.25 per kWh + start fee + max price + tariff end date (tariff_6)', () => {
    const tariff = t('tariff_6_025kwh_start_max_price.json');
    it('50 kWh: € 10.00 excl. VAT, € 11.00 incl. (the price limit)', () => {
      const c = priceCharge(tariff, BERLIN, timeline('2019-06-01T10:00:00Z', charging(120, 50)));
      expect(totals(c)).toEqual(['10.00', '11.00']);
      expect(c.max_price_applied).toBe(true);
      expect(c.total.taxes).toEqual([{ name: 'VAT', percentage: null, amount: '1.00' }]);
    });
    it('30 kWh: € 8.00 excl. VAT, € 8.85 incl. (below the max price)', () => {
      const c = priceCharge(tariff, BERLIN, timeline('2019-06-01T10:00:00Z', charging(90, 30)));
      expect(totals(c)).toEqual(['8.00', '8.85']);
      expect(c.max_price_applied).toBe(false);
    });
    it('keeps the end date (30 June 2019) for the caller to pick the tariff', () => {
      expect(tariff.end_date_time).toBe('2019-06-30T23:59:59.000Z');
    });
  });

  it('Simple Tariff example € 2 per hour (tariff_1): 2.5 hours cost € 5.00 / € 5.50, no PARKING_TIME billed', () => {
    const c = priceCharge(t('tariff_1_simple_2hour.json'), BERLIN, timeline(WEDNESDAY, charging(150, 30), parking(20)));
    expect(totals(c)).toEqual(['5.00', '5.50']);
    expect(c.costs.PARKING_TIME.before_taxes).toBe('0.00');
  });

  it('Simple Tariff example € 3 per hour, € 5 per hour parking (tariff_13): 150 min + 42 min parking cost € 11.25 / € 12.75', () => {
    const c = priceCharge(t('tariff_13_simple_3hour_5parking.json'), BERLIN, timeline(WEDNESDAY, charging(150, 30), parking(42)));
    expect(totals(c)).toEqual(['11.25', '12.75']);
    // "the driver has to pay for 45 minutes of parking"
    expect(rows(c)).toEqual([
      ['TIME', 0, '2.5', '7.50'],
      ['PARKING_TIME', 0, '0.75', '3.75'],
    ]);
  });

  it('Ad-Hoc simple Tariff example with multiple languages (tariff_2): 2.5 hours cost € 4.75 / € 5.00', () => {
    const tariff = t('tariff_2_alt_text.json');
    const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, charging(150, 10)));
    expect(totals(c)).toEqual(['4.75', '5.00']);
    expect(tariff.tariff_alt_text.map((d) => d.language)).toEqual(['en', 'nl']);
    expect(tariff.type).toBe('AD_HOC_PAYMENT');
  });

  it('Ad-Hoc Tariff example not possible with OCPI (tariff_11): the € 0.50 credit-card start fee and € 2.00 per hour incl. VAT of its text', () => {
    const tariff = t('tariff_11_not_possible_alt_text.json');
    // 0.40 + 25 % = 0.50 (the text's credit card start tariff); 1.90 + 5.2 % = 1.9988 per hour ("2.00 euro p/hour").
    const oneHour = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, charging(60, 10)));
    expect(oneHour.costs.FLAT.after_taxes).toBe('0.50');
    expect(oneHour.costs.TIME.after_taxes).toBe('1.9988');
    expect(tariff.tariff_alt_text[0].text).toContain('debit card: 0.25 euro');
  });

  describe('Simple Tariff example with alternative URL (tariff_3): energy billed per 0.1 kWh', () => {
    it('20.45 kWh: start € 0.50 / € 0.60, energy € 5.13 / € 5.64 (20.5 kWh billed), total € 5.63 / € 6.24', () => {
      const c = priceCharge(t('tariff_3_alt_url.json'), BERLIN, timeline(WEDNESDAY, charging(120, '20.45')));
      expect(totals(c)).toEqual(['5.63', '6.24']);
      expect(c.costs.ENERGY).toMatchObject({ before_taxes: '5.125', after_taxes: '5.6375' });
      expect(c.breakdown[1]).toMatchObject({
        quantity: '20.45',
        billed_quantity: '20.5',
        step_size: { step_size: 100, total_consumed: '20450', total_billed: '20500', unit: 'Wh' },
      });
    });
    it('with the assumed real-time price of € 0.22 per kWh: energy € 4.51 / € 4.96, total € 5.01 / € 5.56', () => {
      const tariff = t('tariff_3_alt_url.json');
      tariff.elements[0].price_components[1].price = '0.22';
      const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, charging(120, '20.45')));
      expect(totals(c)).toEqual(['5.01', '5.56']);
    });
  });

  describe('Complex Tariff example (tariff_4)', () => {
    const tariff = t('tariff_4_complex.json');
    it('Monday 09:30, 165 min at max 16 A, 42 min parking: € 9.00 excl. VAT, € 10.30 incl., as the breakdown', () => {
      // 2024-06-03 is a Monday; 09:30 in Berlin (CEST) is 07:30 UTC.
      const c = priceCharge(tariff, BERLIN, timeline('2024-06-03T07:30:00Z', charging(165, 30, { current_a: '16' }), parking(42)));
      expect(totals(c)).toEqual(['9.00', '10.30']);
      expect(c.costs.FLAT).toMatchObject({ before_taxes: '2.50', after_taxes: '2.875' });
      expect(c.costs.TIME).toMatchObject({ before_taxes: '2.75', after_taxes: '3.30' });
      expect(c.costs.PARKING_TIME).toMatchObject({ before_taxes: '3.75', after_taxes: '4.125' });
      // "The charging time is not affected by step_size because it is followed by another time-based period."
      expect(rows(c)).toEqual([
        ['FLAT', 0, '1', '2.50'],
        ['TIME', 1, '2.75', '2.75'],
        ['PARKING_TIME', 4, '0.75', '3.75'],
      ]);
      expect(c.breakdown[1].why).toContain('max_current 32 (current 16 A): holds');
      expect(c.exact).toBe(true);
    });

    it('Saturday 13:30, 114 min at min 43 A, 71 min parking: parking € 7.50 (75 min) as the spec; charging € 2.375 (the spec prints 2.28)', () => {
      // The spec's table says "114 minutes | 1.25 per hour | 2.28", but 114 / 60 × 1.25 = 2.375 (2.28 is 114 minutes
      // at 1.20). With the tariff's own 1.25: 2.50 + 2.375 + 7.50 = 12.375 → 12.38 excl.; 2.875 + 2.85 + 8.25 = 13.975.
      const c = priceCharge(tariff, BERLIN, timeline('2024-06-08T11:30:00Z', charging(114, 40, { current_a: '43' }), parking(71)));
      expect(c.costs.PARKING_TIME).toMatchObject({ before_taxes: '7.50', after_taxes: '8.25' });
      expect(c.costs.FLAT).toMatchObject({ before_taxes: '2.50', after_taxes: '2.875' });
      expect(c.costs.TIME).toMatchObject({ before_taxes: '2.375', after_taxes: '2.85' });
      expect(totals(c)).toEqual(['12.38', '13.98']);
      expect(rows(c).map((r) => r.slice(0, 3))).toEqual([
        ['FLAT', 0, '1'],
        ['TIME', 3, '1.9'],
        ['PARKING_TIME', 5, '1.25'],
      ]);
      expect(c.breakdown[1].why).toContain('elements[1] skipped: max_current 32 (current 43 A): fails');
      expect(c.breakdown[1].why).toContain('elements[2] skipped: day_of_week MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY (SATURDAY): fails');
    });
  });

  it('Free of Charge Tariff example (tariff_5): costs nothing, exactly', () => {
    const c = priceCharge(t('tariff_5_free_of_charge.json'), BERLIN, timeline(WEDNESDAY, charging(60, 20), parking(30)));
    expect(totals(c)).toEqual(['0.00', '0.00']);
    expect(rows(c)).toEqual([['FLAT', 0, '1', '0.00']]);
  });

  it('Tariff example with reservation price (tariff_15): reservation 15 min before charging 20 kWh costs € 6.75 / € 7.60', () => {
    const c = priceCharge(t('tariff_15_reservation_5_euro_per_hour.json'), BERLIN, timeline(WEDNESDAY, reserved(15), charging(60, 20)));
    expect(totals(c)).toEqual(['6.75', '7.60']);
    expect(c.costs.RESERVATION).toMatchObject({ before_taxes: '1.25', after_taxes: '1.50' });
  });

  it('Tariff example with reservation price and fee (tariff_16): 13 min reserved (billed 15) then 20 kWh costs € 8.75 / € 10.00', () => {
    const c = priceCharge(t('tariff_16_reservation_2_euro_fee_5_euro_per_hour.json'), BERLIN, timeline(WEDNESDAY, reserved(13), charging(60, 20)));
    expect(totals(c)).toEqual(['8.75', '10.00']);
    expect(rows(c)).toEqual([
      ['RESERVATION', 0, '1', '2.00'],
      ['RESERVATION', 0, '0.25', '1.25'],
      ['FLAT', 1, '1', '0.50'],
      ['ENERGY', 1, '20', '5.00'],
    ]);
  });

  describe('Tariff example with reservation price and expire fee (tariff_17)', () => {
    const tariff = t('tariff_17_reservation_with_expire_fee.json');
    it('charging 22 min after the reservation (billed 30 min), 20 kWh: € 6.50 / € 7.30', () => {
      const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, reserved(22), charging(60, 20)));
      expect(totals(c)).toEqual(['6.50', '7.30']);
      expect(c.costs.RESERVATION).toMatchObject({ before_taxes: '1.00', after_taxes: '1.20' });
    });
    it('reservation of 1 hour expired: € 6.00 / € 7.20 (expiration fee + the reserved time)', () => {
      const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, reserved(60)));
      expect(totals(c)).toEqual(['6.00', '7.20']);
      expect(rows(c)).toEqual([
        ['RESERVATION', 0, '1', '4.00'],
        ['RESERVATION', 1, '1', '2.00'],
      ]);
    });
  });

  describe('Tariff example with reservation time and expire time (tariff_18)', () => {
    const tariff = t('tariff_18_reservation_with_expire_time.json');
    it('charging 22 min after the reservation (billed 30 min at € 3.00 / h), 20 kWh: € 7.00 / € 7.90', () => {
      const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, reserved(22), charging(60, 20)));
      expect(totals(c)).toEqual(['7.00', '7.90']);
    });
    it('reservation of 1.5 hours expired: € 9.00 / € 10.80 (RESERVATION_EXPIRES time price)', () => {
      const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, reserved(90)));
      expect(totals(c)).toEqual(['9.00', '10.80']);
      expect(rows(c)).toEqual([['RESERVATION', 0, '1.5', '9.00']]);
    });
  });

  it('Example: New Tariff € 2 per hour charging time, not parking (tariff_put_example): 1 h charging + 1 h parking cost € 2.00 / € 2.20', () => {
    const c = priceCharge(t('tariff_put_example.json'), BERLIN, timeline(WEDNESDAY, charging(60, 11), parking(60)));
    expect(totals(c)).toEqual(['2.00', '2.20']);
  });
});

describe('mod_tariffs 2.2.1 §TariffRestrictions class examples', () => {
  it('Example: Tariff with max_power Tariff Restrictions: 1 kWh at 6 kW, 40 kWh at 48 kW, 0.5 kWh at 4 kW cost € 20.30 excl. VAT', () => {
    const c = priceCharge(
      t('tariffrestriction_example_max_power.json'),
      BERLIN,
      timeline(WEDNESDAY, charging(10, 1, { power_kw: '6' }), charging(50, 40, { power_kw: '48' }), charging(7.5, '0.5', { power_kw: '4' })),
    );
    expect(c.total.before_taxes).toBe('20.30');
    expect(rows(c)).toEqual([
      ['ENERGY', 0, '1', '0.20'],
      ['ENERGY', 2, '40', '20.00'],
      ['ENERGY', 0, '0.5', '0.10'],
    ]);
  });

  it('Example: Tariff with max_duration Tariff Restrictions: 5 kWh in the first 30 min, 1.2 kWh in the next 10 cost € 0.30 excl. VAT', () => {
    const c = priceCharge(t('tariffrestriction_example_max_duration.json'), BERLIN, timeline(WEDNESDAY, charging(30, 5), charging(10, '1.2')));
    expect(c.total.before_taxes).toBe('0.30');
    expect(rows(c)).toEqual([
      ['ENERGY', 0, '5', '0.00'],
      ['ENERGY', 1, '1.2', '0.30'],
    ]);
  });

  it('max_duration cuts a single period: 40 min evenly delivering 8 kWh switch price at 30 min (6 kWh free, 2 kWh at 0.25)', () => {
    const c = priceCharge(t('tariffrestriction_example_max_duration.json'), BERLIN, timeline(WEDNESDAY, charging(40, 8)));
    expect(rows(c)).toEqual([
      ['ENERGY', 0, '6', '0.00'],
      ['ENERGY', 1, '2', '0.50'],
    ]);
  });
});

describe('mod_tariffs 2.2.1 §PriceComponent class step_size', () => {
  it.each([
    // "115.2 Wh … billed for 116 Wh, resulting in total cost of € 0.029"; step 25: "€ 0.031"; step 500: "€ 0.125".
    [1, '0.116', '0.029'],
    [25, '0.125', '0.03125'],
    [500, '0.5', '0.125'],
  ])('NOTE: 115.2 Wh at € 0.25 / kWh with step_size %i is billed as %s kWh: € %s', (step, billed, cost) => {
    const tariff = t('tariff_8_simple_025kwh.json');
    tariff.elements[0].price_components[0].step_size = step;
    const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, charging(1, '0.1152')));
    expect(c.breakdown[0]).toMatchObject({ billed_quantity: billed, amount: { before_taxes: cost } });
  });

  it('NOTE: PARKING_TIME step_size 300: 8 minutes parked are billed as 10', () => {
    const tariff = t('tariff_13_simple_3hour_5parking.json');
    const c = priceCharge(tariff, BERLIN, timeline(WEDNESDAY, charging(30, 5), parking(8)));
    expect(c.breakdown[1]).toMatchObject({ dimension: 'PARKING_TIME', billed_quantity: '0.16666667' });
  });

  describe('Example Tariff (tariff_14_step_size.json)', () => {
    const tariff = t('tariff_14_step_size.json');
    // 2024-06-05 is a Wednesday; Berlin is UTC+2 in June.
    it('Example: switching to different Tariff Element #1: 16:55, 10 min charging, 2 min parking cost € 0.55', () => {
      const c = priceCharge(tariff, BERLIN, timeline('2024-06-05T14:55:00Z', charging(10, 2), parking(2)));
      expect(c.total.before_taxes).toBe('0.55');
      expect(rows(c)).toEqual([
        ['TIME', 0, '0.08333333', '0.10'],
        ['TIME', 1, '0.08333333', '0.20'],
        ['PARKING_TIME', 1, '0.25', '0.25'],
      ]);
      expect(c.breakdown[1]).toMatchObject({ from_local: '2024-06-05T17:00:00+02:00', to_local: '2024-06-05T17:05:00+02:00' });
      // No VAT in the example tariff: after taxes = before (2.2.1: omitted vat = no VAT).
      expect(c.total.after_taxes).toBe('0.55');
    });

    it('Example: switching to different Tariff Element #2: 16:35, 35 min charging, rounded to 45: 25 min at 1.20 + 20 min at 2.40 = € 1.30', () => {
      const c = priceCharge(tariff, BERLIN, timeline('2024-06-05T14:35:00Z', charging(35, 7)));
      expect(c.total.before_taxes).toBe('1.30');
      expect(rows(c)).toEqual([
        ['TIME', 0, '0.41666667', '0.50'],
        ['TIME', 1, '0.33333333', '0.80'],
      ]);
      expect(c.breakdown[1].step_size).toEqual({ step_size: 900, total_consumed: '2100', total_billed: '2700', unit: 's' });
    });

    it('Example: switching to Free-of-Charge Tariff Element: 19:40, 12 min charging, 20 min parking (8 billable, billed 15) = € 0.73', () => {
      const c = priceCharge(tariff, BERLIN, timeline('2024-06-05T17:40:00Z', charging(12, 2), parking(20)));
      expect(c.total.before_taxes).toBe('0.73');
      expect(rows(c)).toEqual([
        ['TIME', 1, '0.2', '0.48'],
        ['PARKING_TIME', 1, '0.25', '0.25'],
      ]);
    });
  });
});
