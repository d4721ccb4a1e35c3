import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapTariff211 } from '../ocpi/v2_1_1/tariffs/tariff.mapper';
import { mapTariff221 } from '../ocpi/v2_2_1/tariffs/tariff.mapper';
import { mapTariff230 } from '../ocpi/v2_3_0/tariffs/tariff.mapper';
import { CanonicalTariff } from './tariff.model';
import { primaryTariff, summariseTariff } from './tariff-summary';

/** A spec example tariff (test/fixtures, unmodified) as the 2.2.1 mapper makes it canonical. */
function example(file: string): CanonicalTariff {
  return canonical(mapTariff221(JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/ocpi/2.2.1/tariffs', file), 'utf8'))));
}

function canonical(result: { ok: boolean; value?: CanonicalTariff; reason?: string }): CanonicalTariff {
  if (!result.ok) throw new Error(`example did not map: ${result.reason}`);
  return result.value!;
}

describe('mod_tariffs 2.2.1 §4.4.3 PriceComponent: the list view\'s "from … per kWh + … start" line', () => {
  it('example "0.25 euro per kWh + start fee" (tariff_9): energy and start fee incl. VAT, exact decimals, no "from" without restrictions', () => {
    const s = summariseTariff(example('tariff_9_025kwh_start.json'), 'en');
    expect(s).toMatchObject({
      energy_per_kwh: { excl_vat: '0.25', incl_vat: '0.275' },
      start_fee: { excl_vat: '0.5', incl_vat: '0.6' },
      text_incl_vat: true,
      time_per_hour: null,
      parking_per_hour: null,
      free: false,
      restricted: false,
    });
    expect(s.text).toBe('€0.275/kWh + €0.60 start');
  });

  it('words and number format follow lang (nl, de), English words for other languages', () => {
    const tariff = example('tariff_9_025kwh_start.json');
    // Intl puts a no-break space (U+00A0) between symbol and amount where the locale wants one.
    expect(summariseTariff(tariff, 'nl').text).toBe('€\u00a00,275/kWh + €\u00a00,60 starttarief');
    expect(summariseTariff(tariff, 'de').text).toBe('0,275\u00a0€/kWh + 0,60\u00a0€ Startgebühr');
    expect(summariseTariff(tariff, 'sv').text).toBe('€0.275/kWh + €0.60 start');
  });

  it('example "complex" (tariff_4): restricted elements give the lowest price per dimension, prefixed with "from"', () => {
    const s = summariseTariff(example('tariff_4_complex.json'), 'en');
    expect(s.time_per_hour).toEqual({ excl_vat: '1', incl_vat: '1.2' });
    expect(s.parking_per_hour).toEqual({ excl_vat: '5', incl_vat: '5.5' });
    expect(s.start_fee).toEqual({ excl_vat: '2.5', incl_vat: '2.875' });
    expect(s.restricted).toBe(true);
    expect(s.text).toBe('from €1.20/h + €2.88 start + parking €5.50/h');
  });

  it('example "free of charge" (tariff_5): free; a component without vat means no VAT applies (incl = excl)', () => {
    const s = summariseTariff(example('tariff_5_free_of_charge.json'), 'en');
    expect(s).toMatchObject({ free: true, start_fee: { excl_vat: '0', incl_vat: '0' }, text: 'free' });
  });

  it('example "with reservation price" (tariff_15): the reservation-only TIME element is not a price of the charge (§TariffRestrictions reservation)', () => {
    const s = summariseTariff(example('tariff_15_reservation_5_euro_per_hour.json'), 'en');
    expect(s).toMatchObject({ time_per_hour: null, restricted: false, energy_per_kwh: { incl_vat: '0.275' }, start_fee: { incl_vat: '0.6' } });
    expect(s.text).toBe('€0.275/kWh + €0.60 start');
  });

  it('example "3 hour + parking" (tariff_13): time and parking per hour', () => {
    expect(summariseTariff(example('tariff_13_simple_3hour_5parking.json'), 'en').text).toBe('€3.30/h + parking €6.00/h');
  });
});

describe('mod_tariffs 2.3.0 §TaxIncluded and 2.1.1 PriceComponent without vat: which side of VAT the line shows', () => {
  // mod_tariffs 2.3.0 examples tariff_19_simple_north_american_exclusive.json and tariff_20_..._inclusive.json.
  const northAmerican = (taxIncluded: string, price: number) => ({
    country_code: 'CA',
    party_id: 'FLO',
    id: '12',
    currency: 'CAD',
    elements: [{ price_components: [{ type: 'TIME', price, step_size: 1 }] }],
    tax_included: taxIncluded,
    last_updated: '2024-12-05T18:30:14Z',
  });

  it('tax_included NO without vat: taxes come on top and are unknown, so the line shows the price before them and says so', () => {
    const s = summariseTariff(canonical(mapTariff230(northAmerican('NO', 2.0))), 'en');
    expect(s).toMatchObject({ time_per_hour: { excl_vat: '2', incl_vat: null }, text_incl_vat: false });
    expect(s.text).toBe('CA$2.00/h (excl. VAT)');
  });

  it('tax_included YES without vat: the price is what the driver pays; the part before taxes is unknown', () => {
    const s = summariseTariff(canonical(mapTariff230(northAmerican('YES', 2.1))), 'en');
    expect(s).toMatchObject({ time_per_hour: { excl_vat: null, incl_vat: '2.1' }, text_incl_vat: true, text: 'CA$2.10/h' });
  });

  it('tax_included YES with vat: the part before VAT is derived (6 decimals)', () => {
    const tariff = { ...northAmerican('YES', 2.42), elements: [{ price_components: [{ type: 'ENERGY', price: 0.363, vat: 21, step_size: 1 }] }] };
    expect(summariseTariff(canonical(mapTariff230(tariff)), 'en').energy_per_kwh).toEqual({ excl_vat: '0.3', incl_vat: '0.363' });
  });

  it('2.1.1 ("Simple Tariff example 2 euro per hour"): prices excl. VAT with the VAT never told', () => {
    const tariff = { id: '12', currency: 'EUR', elements: [{ price_components: [{ type: 'TIME', price: 2.0, step_size: 300 }] }], last_updated: '2015-06-29T20:39:09Z' };
    const s = summariseTariff(canonical(mapTariff211(tariff, { country_code: 'NL', party_id: 'OLD' })), 'nl');
    expect(s).toMatchObject({ time_per_hour: { excl_vat: '2', incl_vat: null }, text: '€\u00a02,00/uur (excl. btw)' });
  });
});

describe('mod_locations 2.2.1 §8.3.3 Connector.tariff_ids: which listed tariff the list view shows', () => {
  const at = new Date('2026-06-01T12:00:00Z');
  const tariff = (type: string | null, start: string | null = null, end: string | null = null) => ({ type, start_date_time: start, end_date_time: end });

  it('prefers the active tariff for all sessions (no type or REGULAR), then AD_HOC_PAYMENT, then any active one', () => {
    const cheap = tariff('PROFILE_CHEAP');
    const adHoc = tariff('AD_HOC_PAYMENT');
    const regular = tariff('REGULAR');
    expect(primaryTariff([cheap, adHoc, regular], at)).toBe(regular);
    expect(primaryTariff([cheap, adHoc], at)).toBe(adHoc);
    expect(primaryTariff([cheap], at)).toBe(cheap);
  });

  it('skips tariffs outside their start_date_time/end_date_time window; null when none is active', () => {
    const expired = tariff(null, null, '2026-01-01T00:00:00Z');
    const future = tariff(null, '2027-01-01T00:00:00Z');
    const current = tariff('AD_HOC_PAYMENT', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
    expect(primaryTariff([expired, future, current], at)).toBe(current);
    expect(primaryTariff([expired, future], at)).toBeNull();
  });
});
