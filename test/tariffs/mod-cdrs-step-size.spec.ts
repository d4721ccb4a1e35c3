/**
 * mod_cdrs 2.2.1 §CDR object, "step_size": the worked examples of that section, each with the figures it gives.
 */
import { priceCharge } from '../../src/tariffs/engine/price-charge';
import { charging, parking, pc, rows, tariffOf, timeline } from './support/spec-examples';

const AMSTERDAM = 'Europe/Amsterdam';
/** 16:54 in Amsterdam (CEST, UTC+2) on a Wednesday. */
const BEFORE_FIVE = (minutes: number) => new Date(Date.UTC(2024, 5, 5, 15, 0) - minutes * 60_000).toISOString();

describe('mod_cdrs 2.2.1 §CDR object step_size', () => {
  it('"step_size for both charging (TIME) and parking is 5 minutes. After 21 minutes of charging … 7 more minutes": charging 21, parking 10', () => {
    const tariff = tariffOf([{ price_components: [pc('TIME', '6.00', 300), pc('PARKING_TIME', '6.00', 300)] }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(21, 5), parking(7)));
    // 21 min × 6/h = 2.10; 10 min × 6/h = 1.00.
    expect(rows(c)).toEqual([
      ['TIME', 0, '0.35', '2.10'],
      ['PARKING_TIME', 0, '0.16666667', '1.00'],
    ]);
  });

  it('"Energy costs € 0.20 per kWh before 17:00 and € 0.27 after … step_size of 500 Wh … 4.3 kWh before and 1.1 kWh after": 5.5 kWh billed, 1.2 after 17:00', () => {
    const tariff = tariffOf([
      { price_components: [pc('ENERGY', '0.20', 500)], restrictions: { end_time: '17:00' } },
      { price_components: [pc('ENERGY', '0.27', 500)], restrictions: { start_time: '17:00' } },
    ]);
    const c = priceCharge(tariff, AMSTERDAM, timeline(BEFORE_FIVE(30), charging(30, '4.3'), charging(20, '1.1')));
    // 4.3 × 0.20 = 0.86; 1.2 × 0.27 = 0.324. "It does NOT round the energy used after 17:00 to 1.5 kWh."
    expect(rows(c)).toEqual([
      ['ENERGY', 0, '4.3', '0.86'],
      ['ENERGY', 1, '1.2', '0.324'],
    ]);
    expect(c.breakdown[1].step_size).toEqual({ step_size: 500, total_consumed: '5400', total_billed: '5500', unit: 'Wh' });
    expect(c.total.before_taxes).toBe('1.18');
  });

  it('"Time costs € 5 per hour before 17:00 and € 7 per hour after … 10 minutes … 6 minutes before 17:00 and 22 minutes after": 24 minutes billed after 17:00', () => {
    const tariff = tariffOf([
      { price_components: [pc('TIME', '5.00', 600)], restrictions: { end_time: '17:00' } },
      { price_components: [pc('TIME', '7.00', 600)], restrictions: { start_time: '17:00' } },
    ]);
    const c = priceCharge(tariff, AMSTERDAM, timeline(BEFORE_FIVE(6), charging(28, 5)));
    // 6 min × 5/h = 0.50; 24 min × 7/h = 2.80. Not 30 minutes after 17:00 (36 in total).
    expect(rows(c)).toEqual([
      ['TIME', 0, '0.1', '0.50'],
      ['TIME', 1, '0.4', '2.80'],
    ]);
    expect(c.total.before_taxes).toBe('3.30');
  });

  it('"charging costs € 1.00 per hour and parking € 2.00 per hour … 10 minutes … charges 21 minutes … another 16 minutes": parking 20, charging 21', () => {
    const tariff = tariffOf([{ price_components: [pc('TIME', '1.00', 600), pc('PARKING_TIME', '2.00', 600)] }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(21, 4), parking(16)));
    // 21 min × 1/h = 0.35; 20 min × 2/h = 0.6666…; "making it a total of 41 minutes".
    expect(rows(c)).toEqual([
      ['TIME', 0, '0.35', '0.35'],
      ['PARKING_TIME', 0, '0.33333333', '0.66666667'],
    ]);
    expect(c.total.before_taxes).toBe('1.02');
  });

  it('charging resumes after parking: the last time-based stretch (TIME) is the one rounded, parking is not', () => {
    const tariff = tariffOf([{ price_components: [pc('TIME', '6.00', 600), pc('PARKING_TIME', '6.00', 600)] }]);
    const c = priceCharge(tariff, AMSTERDAM, timeline('2024-06-05T10:00:00Z', charging(10, 2), parking(5), charging(3, 1)));
    expect(rows(c).map((r) => r.slice(0, 3))).toEqual([
      ['TIME', 0, '0.16666667'],
      ['PARKING_TIME', 0, '0.08333333'],
      ['TIME', 0, '0.16666667'], // 3 min + the 7 that round 13 min of TIME up to 20
    ]);
  });
});
