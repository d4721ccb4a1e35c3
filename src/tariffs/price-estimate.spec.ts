import { Decimal } from 'decimal.js';
import { estimateChargeCost, PriceEstimate } from './price-estimate';
import type { CanonicalTariff, TariffElement } from './tariff.model';

/**
 * The spec's example tariffs (2.2.1/examples/tariff_*.json), as the version mapper would hand them over: numbers
 * become decimal strings, absent optional fields null.
 */
function tariff(id: string, elements: TariffElement[], extra: Partial<CanonicalTariff> = {}): CanonicalTariff {
  return {
    country_code: 'DE',
    party_id: 'ALL',
    id,
    currency: 'EUR',
    type: null,
    tariff_alt_text: [],
    tariff_alt_url: null,
    min_price: null,
    max_price: null,
    elements,
    start_date_time: null,
    end_date_time: null,
    last_updated: '2018-12-17T11:16:55Z',
    ...extra,
  };
}

const energy025: TariffElement = { price_components: [{ type: 'ENERGY', price: '0.25', vat: '10.0', step_size: 1 }] };
const startFeeAndEnergy025: TariffElement = {
  price_components: [
    { type: 'FLAT', price: '0.50', vat: '20.0', step_size: 1 },
    { type: 'ENERGY', price: '0.25', vat: '10.0', step_size: 1 },
  ],
};

function totals(e: PriceEstimate): [string, string, string] {
  return [e.totalExclVat, e.totalVat, e.totalInclVat];
}

describe('mod_tariffs 2.2.1 §Tariff examples: Simple Tariff example € 0.25 per kWh (tariff_8_simple_025kwh.json)', () => {
  const t = tariff('16', [energy025]);

  it('20 kWh cost € 5.00 excl. VAT, € 5.50 incl. (as the spec says)', () => {
    // 20 kWh × 0.25 = 5.00; VAT 10 % = 0.50.
    const e = estimateChargeCost(t, { energyKwh: '20', durationMinutes: '60' });
    expect(e).toEqual({
      currency: 'EUR',
      components: [
        {
          type: 'ENERGY',
          quantity: '20.0000',
          unit: 'kWh',
          unitPrice: '0.2500',
          exclVat: '5.0000',
          vatPercent: '10',
          vat: '0.5000',
          inclVat: '5.5000',
          stepSizeApplied: false,
        },
      ],
      totalExclVat: '5.00',
      totalVat: '0.50',
      totalInclVat: '5.50',
      minPriceApplied: false,
      maxPriceApplied: false,
      unevaluatedRestrictions: [],
      exact: true,
    });
  });
});

describe('mod_tariffs 2.2.1 §Tariff examples: € 0.25 per kWh + start fee (tariff_9_025kwh_start.json)', () => {
  it('20 kWh cost € 5.50 excl. VAT, € 6.10 incl.; FLAT comes first, once', () => {
    // FLAT 0.50 + 20 % = 0.60; ENERGY 5.00 + 10 % = 5.50. Excl 5.50, incl 6.10.
    const e = estimateChargeCost(tariff('17', [startFeeAndEnergy025]), { energyKwh: '20', durationMinutes: '600' });
    expect(totals(e)).toEqual(['5.50', '0.60', '6.10']);
    expect(e.components.map((c) => [c.type, c.quantity, c.unit, c.inclVat])).toEqual([
      ['FLAT', '1.0000', 'session', '0.6000'],
      ['ENERGY', '20.0000', 'kWh', '5.5000'],
    ]);
  });
});

describe('mod_tariffs 2.2.1 §Tariff object min_price: € 0.25 per kWh + minimum price (tariff_12_025kwh_min_price.json)', () => {
  const t = tariff('20', [energy025], { min_price: { excl_vat: '0.50', incl_vat: '0.55' } });

  it('20 kWh: € 5.00 / € 5.50, minimum not applied', () => {
    const e = estimateChargeCost(t, { energyKwh: '20', durationMinutes: '60' });
    expect(totals(e)).toEqual(['5.00', '0.50', '5.50']);
    expect(e.minPriceApplied).toBe(false);
  });

  it('less than 2 kWh: € 0.50 / € 0.55 (1 kWh = 0.25 / 0.275, raised to the minimum)', () => {
    const e = estimateChargeCost(t, { energyKwh: '1', durationMinutes: '10' });
    expect(totals(e)).toEqual(['0.50', '0.05', '0.55']);
    expect(e.minPriceApplied).toBe(true);
    // The component still shows what was consumed.
    expect(e.components[0].exclVat).toBe('0.2500');
  });

  it('exactly 2 kWh reaches the minimum by itself (0.50 / 0.55): not applied', () => {
    const e = estimateChargeCost(t, { energyKwh: '2', durationMinutes: '10' });
    expect(totals(e)).toEqual(['0.50', '0.05', '0.55']);
    expect(e.minPriceApplied).toBe(false);
  });

  it('without incl_vat, the minimum incl. VAT follows the charge VAT ratio (0.25 → 0.275: ×1.1)', () => {
    const noIncl = tariff('20', [energy025], { min_price: { excl_vat: '2.00', incl_vat: null } });
    const e = estimateChargeCost(noIncl, { energyKwh: '1', durationMinutes: '10' });
    expect(totals(e)).toEqual(['2.00', '0.20', '2.20']);
    expect(e.exact).toBe(true);
    // Nothing charged: the one VAT rate (10 %) of the priced components.
    expect(totals(estimateChargeCost(noIncl, { energyKwh: '0', durationMinutes: '0' }))).toEqual(['2.00', '0.20', '2.20']);
  });

  it('without incl_vat, nothing charged and several VAT rates: highest assumed, reported, not exact', () => {
    // A free start (FLAT 0, 20 % VAT) and 0 kWh (10 % VAT): nothing charged, two rates.
    const zeroFlat: TariffElement = {
      price_components: [
        { type: 'FLAT', price: '0', vat: '20.0', step_size: 1 },
        { type: 'ENERGY', price: '0.25', vat: '10.0', step_size: 1 },
      ],
    };
    const mixed = tariff('20', [zeroFlat], { min_price: { excl_vat: '2.00', incl_vat: null } });
    const e = estimateChargeCost(mixed, { energyKwh: '0', durationMinutes: '0' });
    // 2.00 + 20 % = 2.40.
    expect(totals(e)).toEqual(['2.00', '0.40', '2.40']);
    expect(e.exact).toBe(false);
    expect(e.unevaluatedRestrictions).toEqual(['min_price has no incl_vat and the VAT rate of the charge is unknown; 20 % VAT assumed']);
  });
});

describe('mod_tariffs 2.2.1 §Tariff object max_price: € 0.25 per kWh + start fee + max price (tariff_6_025kwh_start_max_price.json)', () => {
  const t = tariff('16', [startFeeAndEnergy025], {
    max_price: { excl_vat: '10.00', incl_vat: '11.00' },
    end_date_time: '2019-06-30T23:59:59Z',
  });

  it('50 kWh: € 10.00 / € 11.00 due to the price limit (uncapped 13.00 / 14.35)', () => {
    // 0.50 + 12.50 = 13.00 excl; 0.60 + 13.75 = 14.35 incl.
    const e = estimateChargeCost(t, { energyKwh: '50', durationMinutes: '60' });
    expect(totals(e)).toEqual(['10.00', '1.00', '11.00']);
    expect(e.maxPriceApplied).toBe(true);
  });

  it('30 kWh: € 8.00 / € 8.85, below the limit', () => {
    // 0.50 + 7.50 = 8.00 excl; 0.60 + 8.25 = 8.85 incl.
    const e = estimateChargeCost(t, { energyKwh: '30', durationMinutes: '60' });
    expect(totals(e)).toEqual(['8.00', '0.85', '8.85']);
    expect(e.maxPriceApplied).toBe(false);
  });

  it('the incl. VAT bound applies on its own (spec NOTE: "they both apply")', () => {
    // FLAT 9.00 + 25 % = 11.25 incl: excl 9.00 stays under 10.00, incl is capped at 11.00.
    const flat9 = tariff('x', [{ price_components: [{ type: 'FLAT', price: '9.00', vat: '25', step_size: 1 }] }], {
      max_price: { excl_vat: '10.00', incl_vat: '11.00' },
    });
    const e = estimateChargeCost(flat9, { energyKwh: '1', durationMinutes: '1' });
    expect(totals(e)).toEqual(['9.00', '2.00', '11.00']);
    expect(e.maxPriceApplied).toBe(true);
  });
});

describe('mod_tariffs 2.2.1 §Tariff examples: Simple Tariff example € 2 per hour (tariff_1_simple_2hour.json)', () => {
  const t = tariff('12', [{ price_components: [{ type: 'TIME', price: '2.00', vat: '10.0', step_size: 60 }] }]);

  it('2.5 hours cost € 5.00 / € 5.50', () => {
    // 150 min = 9000 s, a multiple of 60: 2.5 h × 2.00 = 5.00; +10 % = 5.50.
    const e = estimateChargeCost(t, { energyKwh: '11', durationMinutes: '150' });
    expect(totals(e)).toEqual(['5.00', '0.50', '5.50']);
    expect(e.components[0]).toMatchObject({ type: 'TIME', quantity: '2.5000', unit: 'hours', stepSizeApplied: false });
  });

  it('149.5 minutes are billed as 150 (step 60 s)', () => {
    const e = estimateChargeCost(t, { energyKwh: '11', durationMinutes: '149.5' });
    expect(totals(e)).toEqual(['5.00', '0.50', '5.50']);
    expect(e.components[0].stepSizeApplied).toBe(true);
  });
});

describe('mod_tariffs 2.2.1 §Tariff examples: Ad-Hoc simple Tariff example with multiple languages (tariff_2_alt_text.json)', () => {
  it('2.5 hours at € 1.90/h, 5.2 % VAT: € 4.75 / € 5.00', () => {
    // 2.5 × 1.90 = 4.75; VAT 4.75 × 5.2 % = 0.247; incl 4.997 → 5.00 (HALF_UP). totalVat = 5.00 - 4.75 = 0.25.
    const t = tariff('12', [{ price_components: [{ type: 'TIME', price: '1.90', vat: '5.2', step_size: 300 }] }], {
      type: 'AD_HOC_PAYMENT',
    });
    const e = estimateChargeCost(t, { energyKwh: '7', durationMinutes: '150' });
    expect(totals(e)).toEqual(['4.75', '0.25', '5.00']);
    expect(e.components[0]).toMatchObject({ exclVat: '4.7500', vat: '0.2470', inclVat: '4.9970', vatPercent: '5.2' });
  });
});

describe('mod_tariffs 2.2.1 §Tariff examples: Simple Tariff example with alternative URL (tariff_3_alt_url.json)', () => {
  it('20.45 kWh billed per 100 Wh as 20.5 kWh: € 5.63 / € 6.24 (the spec table)', () => {
    // ENERGY 20.5 × 0.25 = 5.125, +10 % = 5.6375; FLAT 0.50, +20 % = 0.60.
    // Totals: excl 5.625 → 5.63, incl 6.2375 → 6.24 (HALF_UP), VAT 0.61.
    const t = tariff(
      '13',
      [
        {
          price_components: [
            { type: 'FLAT', price: '0.50', vat: '20.0', step_size: 1 },
            { type: 'ENERGY', price: '0.25', vat: '10.0', step_size: 100 },
          ],
        },
      ],
      { type: 'PROFILE_CHEAP', tariff_alt_url: 'https://company.com/tariffs/13' },
    );
    const e = estimateChargeCost(t, { energyKwh: '20.45', durationMinutes: '120' });
    expect(totals(e)).toEqual(['5.63', '0.61', '6.24']);
    expect(e.components[1]).toEqual({
      type: 'ENERGY',
      quantity: '20.5000',
      unit: 'kWh',
      unitPrice: '0.2500',
      exclVat: '5.1250',
      vatPercent: '10',
      vat: '0.5125',
      inclVat: '5.6375',
      stepSizeApplied: true,
    });
  });
});

describe('mod_tariffs 2.2.1 §Tariff examples: parking (tariff_10_025kwh_parking_start.json, tariff_13_simple_3hour_5parking.json)', () => {
  it('€ 0.25 per kWh + parking fee + start fee, 20 kWh: € 5.50 / € 6.10 (the spec\'s 7.00 / 7.90 adds 45 min parking)', () => {
    // FLAT 0.50/0.60 + ENERGY 5.00/5.50; parking 45 min × 2.00 = 1.50 (+20 % = 1.80) is not part of a charge estimate.
    const t = tariff('18', [
      {
        price_components: [
          { type: 'FLAT', price: '0.50', vat: '20.0', step_size: 1 },
          { type: 'ENERGY', price: '0.25', vat: '10.0', step_size: 1 },
          { type: 'PARKING_TIME', price: '2.00', vat: '20.0', step_size: 900 },
        ],
      },
    ]);
    const e = estimateChargeCost(t, { energyKwh: '20', durationMinutes: '90' });
    expect(totals(e)).toEqual(['5.50', '0.60', '6.10']);
    expect(e.components[2]).toEqual({
      type: 'PARKING_TIME',
      quantity: '0.0000',
      unit: 'hours',
      unitPrice: '2.0000',
      exclVat: '0.0000',
      vatPercent: '20',
      vat: '0.0000',
      inclVat: '0.0000',
      stepSizeApplied: false,
    });
  });

  it('€ 3 per hour, € 5 per hour parking, 2.5 h charging: € 7.50 / € 8.25 (the spec\'s 11.25 / 12.75 adds 45 min parking)', () => {
    // TIME 2.5 × 3.00 = 7.50, +10 % = 8.25. Spec parking: 0.75 h × 5.00 = 3.75, +20 % = 4.50.
    const t = tariff('21', [
      {
        price_components: [
          { type: 'TIME', price: '3.00', vat: '10.0', step_size: 60 },
          { type: 'PARKING_TIME', price: '5.00', vat: '20.0', step_size: 300 },
        ],
      },
    ]);
    expect(totals(estimateChargeCost(t, { energyKwh: '30', durationMinutes: '150' }))).toEqual(['7.50', '0.75', '8.25']);
  });
});

describe('mod_tariffs 2.2.1 §Tariff examples: Complex Tariff example (tariff_4_complex.json)', () => {
  const t = tariff(
    '14',
    [
      { price_components: [{ type: 'FLAT', price: '2.50', vat: '15.0', step_size: 1 }] },
      { price_components: [{ type: 'TIME', price: '1.00', vat: '20.0', step_size: 900 }], restrictions: { max_current: '32.00' } },
      {
        price_components: [{ type: 'TIME', price: '2.00', vat: '20.0', step_size: 600 }],
        restrictions: { min_current: '32.00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
      },
      {
        price_components: [{ type: 'TIME', price: '1.25', vat: '20.0', step_size: 600 }],
        restrictions: { min_current: '32.00', day_of_week: ['SATURDAY', 'SUNDAY'] },
      },
      {
        price_components: [{ type: 'PARKING_TIME', price: '5.00', vat: '10.0', step_size: 300 }],
        restrictions: { start_time: '09:00', end_time: '18:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
      },
      {
        price_components: [{ type: 'PARKING_TIME', price: '6.00', vat: '10.0', step_size: 300 }],
        restrictions: { start_time: '10:00', end_time: '17:00', day_of_week: ['SATURDAY'] },
      },
    ],
    { type: 'REGULAR' },
  );

  it('Monday 165 min at 16 A: FLAT 2.50/2.875 and TIME 2.75/3.30 as in the spec table; current not evaluated', () => {
    // TIME: no element without current restrictions, so element 2 (max_current 32) is used as if it matched.
    // 165 min = 9900 s = 11 × 900 s: 2.75 h × 1.00 = 2.75, +20 % = 3.30. FLAT 2.50, +15 % = 2.875.
    // Totals: excl 5.25, incl 6.175 → 6.18.
    const e = estimateChargeCost(t, { energyKwh: '18', durationMinutes: '165' });
    expect(totals(e)).toEqual(['5.25', '0.93', '6.18']);
    expect(e.components.map((c) => [c.type, c.exclVat, c.inclVat])).toEqual([
      ['FLAT', '2.5000', '2.8750'],
      ['TIME', '2.7500', '3.3000'],
      ['PARKING_TIME', '0.0000', '0.0000'],
    ]);
    expect(e.unevaluatedRestrictions).toEqual([
      'element 2 (TIME) has max_current restrictions that were not evaluated; used as if they matched',
      'element 5 (PARKING_TIME) has start_time/end_time/day_of_week restrictions that were not evaluated; used as if they matched (no effect: quantity is 0)',
    ]);
    expect(e.exact).toBe(false);
  });

  it('Saturday 114 min at 43 A: the estimate uses € 1.00/h where the spec bills € 1.25/h, and says it is not exact', () => {
    // 114 min = 6840 s → 8 × 900 s = 7200 s = 2 h × 1.00 = 2.00 (+20 % = 2.40). Spec: 114 min × 1.25/h = 2.28.
    // Totals: excl 4.50, incl 2.875 + 2.40 = 5.275 → 5.28.
    const e = estimateChargeCost(t, { energyKwh: '40', durationMinutes: '114' });
    expect(totals(e)).toEqual(['4.50', '0.78', '5.28']);
    expect(e.components[1]).toMatchObject({ type: 'TIME', quantity: '2.0000', unitPrice: '1.0000', stepSizeApplied: true });
    expect(e.exact).toBe(false);
  });
});

describe('mod_tariffs 2.2.1 §Tariff examples: Free of Charge Tariff example (tariff_5_free_of_charge.json)', () => {
  it('costs 0.00, with no VAT and FLAT step_size 0 ignored', () => {
    const t = tariff('15', [{ price_components: [{ type: 'FLAT', price: '0.00', vat: null, step_size: 0 }] }]);
    const e = estimateChargeCost(t, { energyKwh: '25', durationMinutes: '75' });
    expect(totals(e)).toEqual(['0.00', '0.00', '0.00']);
    expect(e.components).toEqual([
      {
        type: 'FLAT',
        quantity: '1.0000',
        unit: 'session',
        unitPrice: '0.0000',
        exclVat: '0.0000',
        vatPercent: null,
        vat: '0.0000',
        inclVat: '0.0000',
        stepSizeApplied: false,
      },
    ]);
    expect(e.exact).toBe(true);
  });
});

describe('mod_tariffs 2.2.1 §TariffRestrictions class reservation: reservation examples (tariff_15 … tariff_18)', () => {
  const reservationTime = (price: string, step: number, reservation: 'RESERVATION' | 'RESERVATION_EXPIRES'): TariffElement => ({
    price_components: [{ type: 'TIME', price, vat: '20.0', step_size: step }],
    restrictions: { reservation },
  });

  it.each([
    ['tariff_15 (spec 6.75 = 5.50 + 1.25 reservation)', [reservationTime('5.00', 60, 'RESERVATION'), startFeeAndEnergy025]],
    [
      'tariff_16 (spec 8.75 = 5.50 + 2.00 fee + 1.25 reservation)',
      [
        {
          price_components: [
            { type: 'FLAT', price: '2.00', vat: '20.0', step_size: 1 },
            { type: 'TIME', price: '5.00', vat: '20.0', step_size: 300 },
          ],
          restrictions: { reservation: 'RESERVATION' },
        } as TariffElement,
        startFeeAndEnergy025,
      ],
    ],
    [
      'tariff_17 (spec 6.50 = 5.50 + 1.00 reservation)',
      [
        { price_components: [{ type: 'FLAT', price: '4.00', vat: '20.0', step_size: 1 }], restrictions: { reservation: 'RESERVATION_EXPIRES' } } as TariffElement,
        reservationTime('2.00', 600, 'RESERVATION'),
        startFeeAndEnergy025,
      ],
    ],
    [
      'tariff_18 (spec 7.00 = 5.50 + 1.50 reservation)',
      [reservationTime('6.00', 600, 'RESERVATION_EXPIRES'), reservationTime('3.00', 600, 'RESERVATION'), startFeeAndEnergy025],
    ],
  ])('%s: reservation elements never price a charge; 20 kWh cost € 5.50 / € 6.10, exactly', (_name, elements) => {
    const e = estimateChargeCost(tariff('20', elements as TariffElement[]), { energyKwh: '20', durationMinutes: '60' });
    expect(totals(e)).toEqual(['5.50', '0.60', '6.10']);
    expect(e.components.map((c) => [c.type, c.unitPrice])).toEqual([
      ['FLAT', '0.5000'],
      ['ENERGY', '0.2500'],
    ]);
    expect(e.unevaluatedRestrictions).toEqual([]);
    expect(e.exact).toBe(true);
  });
});

describe('mod_tariffs 2.2.1 §TariffRestrictions class: Example: Tariff with max_duration Tariff Restrictions', () => {
  const t = tariff('2', [
    { price_components: [{ type: 'ENERGY', price: '0.00', vat: '20.0', step_size: 1 }], restrictions: { max_duration: 1800 } },
    { price_components: [{ type: 'ENERGY', price: '0.25', vat: '20.0', step_size: 1 }], restrictions: { max_duration: 3600 } },
    { price_components: [{ type: 'ENERGY', price: '0.40', vat: '20.0', step_size: 1 }] },
  ]);

  it('20 minutes: wholly inside the free first 30 minutes, exactly € 0.00', () => {
    const e = estimateChargeCost(t, { energyKwh: '3', durationMinutes: '20' });
    expect(totals(e)).toEqual(['0.00', '0.00', '0.00']);
    expect(e.exact).toBe(true);
  });

  it('40 minutes, 6.2 kWh: evaluated for the whole charge (€ 1.55 excl.) where per period it is € 0.30: not exact', () => {
    // 2400 s: element 1 (max 1800) no longer holds, element 2 (max 3600) does: 6.2 × 0.25 = 1.55, +20 % = 1.86.
    const e = estimateChargeCost(t, { energyKwh: '6.2', durationMinutes: '40' });
    expect(totals(e)).toEqual(['1.55', '0.31', '1.86']);
    expect(e.unevaluatedRestrictions).toEqual([
      'element 1 (ENERGY) has max_duration restrictions that were evaluated for the whole charge only; the charge crosses that limit, so part of it may be priced differently',
    ]);
    expect(e.exact).toBe(false);
  });

  it('90 minutes, 10 kWh: the fallback (€ 0.40) prices it; both limits crossed are reported', () => {
    // 10 × 0.40 = 4.00, +20 % = 4.80.
    const e = estimateChargeCost(t, { energyKwh: '10', durationMinutes: '90' });
    expect(totals(e)).toEqual(['4.00', '0.80', '4.80']);
    expect(e.unevaluatedRestrictions).toHaveLength(2);
    expect(e.exact).toBe(false);
  });
});

describe('mod_tariffs 2.2.1 §TariffRestrictions class min_kwh/max_kwh: evaluated for the whole charge', () => {
  const t = tariff('k', [
    { price_components: [{ type: 'ENERGY', price: '0.30', vat: null, step_size: 1 }], restrictions: { min_kwh: '10' } },
    { price_components: [{ type: 'ENERGY', price: '0.25', vat: null, step_size: 1 }] },
  ]);

  it('5 kWh never reach min_kwh 10: the fallback prices it, exactly', () => {
    const e = estimateChargeCost(t, { energyKwh: '5', durationMinutes: '30' });
    expect(totals(e)).toEqual(['1.25', '0.00', '1.25']);
    expect(e.exact).toBe(true);
  });

  it('30 kWh cross min_kwh 10: element 1 prices all of it (9.00) and the estimate says so', () => {
    const e = estimateChargeCost(t, { energyKwh: '30', durationMinutes: '90' });
    expect(totals(e)).toEqual(['9.00', '0.00', '9.00']);
    expect(e.unevaluatedRestrictions[0]).toMatch(/^element 1 \(ENERGY\) has min_kwh restrictions that were evaluated for the whole charge only/);
    expect(e.exact).toBe(false);
  });
});

describe('mod_tariffs 2.2.1 §TariffRestrictions class: Example: Tariff with max_power Tariff Restrictions', () => {
  it('power is not evaluated: elements with max_power yield to the unrestricted fallback, and the estimate says so', () => {
    // 41.5 kWh × 0.50 = 20.75, +20 % = 24.90. (Per period the spec gets 20.30.)
    const t = tariff('1', [
      { price_components: [{ type: 'ENERGY', price: '0.20', vat: '20.0', step_size: 1 }], restrictions: { max_power: '16.00' } },
      { price_components: [{ type: 'ENERGY', price: '0.35', vat: '20.0', step_size: 1 }], restrictions: { max_power: '32.00' } },
      { price_components: [{ type: 'ENERGY', price: '0.50', vat: '20.0', step_size: 1 }] },
    ]);
    const e = estimateChargeCost(t, { energyKwh: '41.5', durationMinutes: '60' });
    expect(totals(e)).toEqual(['20.75', '4.15', '24.90']);
    expect(e.unevaluatedRestrictions).toEqual([
      'element 1 (ENERGY) has max_power restrictions that were not evaluated; skipped in favour of element 3, which has none',
      'element 2 (ENERGY) has max_power restrictions that were not evaluated; skipped in favour of element 3, which has none',
    ]);
    expect(e.exact).toBe(false);
  });
});

describe('mod_tariffs 2.2.1 §PriceComponent class step_size: Example Tariff (tariff_14_step_size.json)', () => {
  const t = tariff('22', [
    {
      price_components: [
        { type: 'TIME', price: '1.20', vat: null, step_size: 1800 },
        { type: 'PARKING_TIME', price: '1.00', vat: null, step_size: 900 },
      ],
      restrictions: { start_time: '00:00', end_time: '17:00' },
    },
    {
      price_components: [
        { type: 'TIME', price: '2.40', vat: null, step_size: 900 },
        { type: 'PARKING_TIME', price: '1.00', vat: null, step_size: 900 },
      ],
      restrictions: { start_time: '17:00', end_time: '20:00' },
    },
    { price_components: [{ type: 'TIME', price: '2.40', vat: null, step_size: 900 }], restrictions: { start_time: '20:00', end_time: '00:00' } },
  ]);

  it('35 minutes: time of day not evaluated, element 1 used (2100 s → 3600 s at 1.20/h = 1.20; spec per period: 1.30)', () => {
    const e = estimateChargeCost(t, { energyKwh: '5', durationMinutes: '35' });
    expect(totals(e)).toEqual(['1.20', '0.00', '1.20']);
    expect(e.components[0]).toMatchObject({ type: 'TIME', quantity: '1.0000', stepSizeApplied: true, vatPercent: null });
    expect(e.unevaluatedRestrictions).toEqual([
      'element 1 (TIME) has start_time/end_time restrictions that were not evaluated; used as if they matched',
      'element 1 (PARKING_TIME) has start_time/end_time restrictions that were not evaluated; used as if they matched (no effect: quantity is 0)',
    ]);
    expect(e.exact).toBe(false);
  });
});

describe('mod_tariffs 2.2.1 §PriceComponent class step_size: the NOTE examples', () => {
  const energyStep = (step: number) => tariff('s', [{ price_components: [{ type: 'ENERGY', price: '0.25', vat: null, step_size: step }] }]);

  it.each([
    // 115.2 Wh: step 1 → 116 Wh = € 0.029; step 25 → 125 Wh = € 0.03125 ("€ 0.031"); step 500 → 500 Wh = € 0.125.
    [1, '0.1160', '0.0290', '0.03'],
    [25, '0.1250', '0.03125', '0.03'],
    [500, '0.5000', '0.1250', '0.13'],
  ])('115.2 Wh with step_size %i Wh: billed %s kWh, € %s (total %s)', (step, quantity, exclVat, total) => {
    const e = estimateChargeCost(energyStep(step), { energyKwh: '0.1152', durationMinutes: '1' });
    expect(e.components[0]).toMatchObject({ quantity, exclVat, stepSizeApplied: true });
    expect(e.totalExclVat).toBe(total);
  });

  it('TIME step_size 300: 6 minutes are billed as 10 (1/6 h shown to 8 decimals)', () => {
    // 10 min × 1.20/h = 0.20.
    const t = tariff('s', [{ price_components: [{ type: 'TIME', price: '1.20', vat: null, step_size: 300 }] }]);
    const e = estimateChargeCost(t, { energyKwh: '1', durationMinutes: '6' });
    expect(e.components[0]).toMatchObject({ quantity: '0.16666667', exclVat: '0.2000', stepSizeApplied: true });
    expect(e.totalExclVat).toBe('0.20');
  });
});

describe('mod_tariffs 2.2.1 §PriceComponent class vat: omitted (no VAT) vs 0 %', () => {
  const flat = (vat: string | null) => tariff('v', [{ price_components: [{ type: 'FLAT', price: '1.00', vat, step_size: 1 }] }]);

  it('vat null: vatPercent null, inclVat = exclVat', () => {
    const e = estimateChargeCost(flat(null), { energyKwh: '1', durationMinutes: '1' });
    expect(e.components[0]).toMatchObject({ vatPercent: null, vat: '0.0000', inclVat: '1.0000' });
    expect(totals(e)).toEqual(['1.00', '0.00', '1.00']);
  });

  it('vat "0": vatPercent "0", same amounts', () => {
    const e = estimateChargeCost(flat('0'), { energyKwh: '1', durationMinutes: '1' });
    expect(e.components[0]).toMatchObject({ vatPercent: '0', vat: '0.0000', inclVat: '1.0000' });
    expect(totals(e)).toEqual(['1.00', '0.00', '1.00']);
  });
});

describe('mod_tariffs 2.2.1 §Tariff object: first element per dimension; money as decimal strings', () => {
  it('the first element with a component of a dimension wins', () => {
    const t = tariff('f', [
      { price_components: [{ type: 'ENERGY', price: '0.31', vat: null, step_size: 1 }] },
      { price_components: [{ type: 'ENERGY', price: '0.99', vat: null, step_size: 1 }, { type: 'FLAT', price: '1', vat: null, step_size: 1 }] },
    ]);
    const e = estimateChargeCost(t, { energyKwh: '10', durationMinutes: '60' });
    expect(e.components.map((c) => [c.type, c.unitPrice])).toEqual([
      ['FLAT', '1.0000'],
      ['ENERGY', '0.3100'],
    ]);
    expect(e.totalExclVat).toBe('4.10');
  });

  it('no float artefacts: 0.1 + 0.2 is 0.30, and HALF_UP rounds 1.005 to 1.01 and 2.675 to 2.68', () => {
    const t = (flat: string, perKwh: string) =>
      tariff('d', [
        {
          price_components: [
            { type: 'FLAT', price: flat, vat: null, step_size: 1 },
            { type: 'ENERGY', price: perKwh, vat: null, step_size: 1 },
          ],
        },
      ]);
    expect(estimateChargeCost(t('0.1', '0.2'), { energyKwh: '1', durationMinutes: '1' }).totalExclVat).toBe('0.30');
    // JS: (1.005).toFixed(2) === '1.00' and (2.675).toFixed(2) === '2.67'.
    expect(estimateChargeCost(t('1.005', '0'), { energyKwh: '1', durationMinutes: '1' }).totalExclVat).toBe('1.01');
    expect(estimateChargeCost(t('2.675', '0'), { energyKwh: '1', durationMinutes: '1' }).totalExclVat).toBe('2.68');
  });

  it('property: every money figure is a plain decimal string, and totals are the HALF_UP-rounded sum of components', () => {
    const prices = ['0.1', '0.2', '0.35', '1.15', '0.333', '2.675'];
    const vats = [null, '0', '5.2', '19', '21'];
    const amounts = ['0', '0.001', '0.1', '0.3', '1.005', '7.77', '123.456789'];
    const money = /^-?\d+\.\d{4,8}$/;
    for (const price of prices) {
      for (const vat of vats) {
        for (const amount of amounts) {
          const t = tariff('p', [
            {
              price_components: [
                { type: 'FLAT', price, vat, step_size: 1 },
                { type: 'ENERGY', price, vat, step_size: 1 },
                { type: 'TIME', price, vat, step_size: 1 },
              ],
            },
          ]);
          const e = estimateChargeCost(t, { energyKwh: amount, durationMinutes: amount });
          for (const c of e.components) {
            for (const s of [c.quantity, c.unitPrice, c.exclVat, c.vat, c.inclVat]) expect(s).toMatch(money);
          }
          for (const s of totals(e)) expect(s).toMatch(/^\d+\.\d{2}$/);
          // The total is the unrounded sum rounded once: within half a cent (plus display rounding) of the shown parts.
          const sumExcl = e.components.reduce((sum, c) => sum.plus(c.exclVat), new Decimal(0));
          expect(new Decimal(e.totalExclVat).minus(sumExcl).abs().lte('0.00500002')).toBe(true);
          expect(new Decimal(e.totalInclVat).minus(e.totalExclVat).toFixed(2)).toBe(e.totalVat);
        }
      }
    }
  });
});

describe('estimateChargeCost: currency minor units (rounding only at the totals)', () => {
  it('JPY has no decimals: 10.5 kWh × ¥35 = ¥367.5 → ¥368; +10 % = ¥404.25 → ¥404', () => {
    const t = tariff('j', [{ price_components: [{ type: 'ENERGY', price: '35', vat: '10', step_size: 1 }] }], { currency: 'JPY' });
    const e = estimateChargeCost(t, { energyKwh: '10.5', durationMinutes: '30' });
    expect(totals(e)).toEqual(['368', '36', '404']);
    expect(e.components[0].exclVat).toBe('367.5000');
  });

  it('KWD has 3 decimals; unknown currencies default to 2', () => {
    const t = (currency: string) =>
      tariff('c', [{ price_components: [{ type: 'FLAT', price: '1.23456', vat: null, step_size: 1 }] }], { currency });
    expect(estimateChargeCost(t('KWD'), { energyKwh: '1', durationMinutes: '1' }).totalExclVat).toBe('1.235');
    expect(estimateChargeCost(t('XYZ'), { energyKwh: '1', durationMinutes: '1' }).totalExclVat).toBe('1.23');
  });
});

describe('estimateChargeCost: edge cases and invalid input', () => {
  it('a tariff without elements costs nothing (min_price still applies)', () => {
    const e = estimateChargeCost(tariff('e', [], { min_price: { excl_vat: '1.00', incl_vat: '1.21' } }), { energyKwh: '1', durationMinutes: '1' });
    expect(e.components).toEqual([]);
    expect(totals(e)).toEqual(['1.00', '0.21', '1.21']);
  });

  it('raises a clear Error for negative or non-decimal input and prices', () => {
    const t = tariff('8', [energy025]);
    expect(() => estimateChargeCost(t, { energyKwh: '-1', durationMinutes: '1' })).toThrow(/charge.energyKwh must not be negative/);
    expect(() => estimateChargeCost(t, { energyKwh: '1', durationMinutes: 'NaN' })).toThrow(/charge.durationMinutes must be a decimal string/);
    expect(() => estimateChargeCost(t, { energyKwh: 'Infinity', durationMinutes: '1' })).toThrow(/decimal string/);
    const hex = tariff('h', [{ price_components: [{ type: 'ENERGY', price: '0x10', vat: null, step_size: 1 }] }]);
    expect(() => estimateChargeCost(hex, { energyKwh: '1', durationMinutes: '1' })).toThrow(/ENERGY price must be a decimal string, got "0x10"/);
  });
});
