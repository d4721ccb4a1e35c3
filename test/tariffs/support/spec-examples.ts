/**
 * The OCPI specification's example objects (read from /work/shared/ocpi-spec at test time only), mapped by our
 * own version mappers, and a small builder for charge timelines.
 */
import { Decimal } from 'decimal.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapTariff211 } from '../../../src/ocpi/v2_1_1/tariffs/tariff.mapper';
import { mapTariff221 } from '../../../src/ocpi/v2_2_1/tariffs/tariff.mapper';
import { mapTariff230 } from '../../../src/ocpi/v2_3_0/tariffs/tariff.mapper';
import { ChargeCost, ChargePeriod, ChargeTimeline } from '../../../src/tariffs/engine/charge-cost.model';
import { CdrForPricing } from '../../../src/cdrs/cdr-pricing.model';
import { CanonicalTariff } from '../../../src/tariffs/tariff.model';

export const SPEC_ROOT = process.env.OCPI_SPEC_DIR ?? '/work/shared/ocpi-spec';

/** An example file of the spec, parsed. */
export function specJson(version: '2.2.1' | '2.3.0', file: string): any {
  return JSON.parse(readFileSync(join(SPEC_ROOT, version, 'examples', file), 'utf8'));
}

/** A spec example tariff through our mapper for its version; fails the test if the mapper rejects it. */
export function specTariff(version: '2.2.1' | '2.3.0', file: string): CanonicalTariff {
  const raw = specJson(version, file);
  // tariff_put_example.json has no last_updated (it shows a PUT body); give it one so it maps.
  const withDate = raw.last_updated ? raw : { ...raw, last_updated: '2019-01-01T00:00:00Z' };
  const mapped = version === '2.2.1' ? mapTariff221(withDate) : mapTariff230(withDate);
  if (!mapped.ok) throw new Error(`${version}/${file} rejected: ${mapped.reason}`);
  return mapped.value;
}

/** A 2.1.1 tariff (the markdown's inline examples, given as objects) through mapTariff211. */
export function tariff211(raw: unknown, owner = { country_code: 'NL', party_id: 'TNM' }): CanonicalTariff {
  const mapped = mapTariff211(raw, owner);
  if (!mapped.ok) throw new Error(`2.1.1 tariff rejected: ${mapped.reason}`);
  return mapped.value;
}

const MIN = 60;

/** A CHARGING period of `minutes` delivering `kwh`, with optional power (kW) and current (A). */
export function charging(minutes: number, kwh: string | number = 0, extra: Partial<ChargePeriod> = {}): ChargePeriod {
  return { kind: 'CHARGING', duration_s: minutes * MIN, energy_kwh: String(kwh), ...extra };
}

export function parking(minutes: number): ChargePeriod {
  return { kind: 'PARKING', duration_s: minutes * MIN };
}

export function reserved(minutes: number): ChargePeriod {
  return { kind: 'RESERVATION', duration_s: minutes * MIN };
}

export function timeline(start: string, ...periods: ChargePeriod[]): ChargeTimeline {
  return { start, periods };
}

/** [before taxes, after taxes] of the rounded total. */
export function totals(c: ChargeCost): [string | null, string | null] {
  return [c.total.before_taxes, c.total.after_taxes];
}

/** Breakdown as [dimension, element_index, billed_quantity, before taxes] rows, for compact expectations. */
export function rows(c: ChargeCost): Array<[string, number, string, string | null]> {
  return c.breakdown.map((l) => [l.dimension, l.element_index, l.billed_quantity, l.amount.before_taxes]);
}

/** An inline 2.2.1-style canonical tariff (prices excl. VAT, omitted vat = no VAT) for rule tests. */
export function tariffOf(elements: CanonicalTariff['elements'], extra: Partial<CanonicalTariff> = {}): CanonicalTariff {
  return {
    country_code: 'NL',
    party_id: 'TST',
    id: 'T1',
    currency: 'EUR',
    type: null,
    tariff_alt_text: [],
    tariff_alt_url: null,
    tax_included: 'NO',
    omitted_vat: 'NO_VAT',
    min_price: null,
    max_price: null,
    elements,
    start_date_time: null,
    end_date_time: null,
    last_updated: '2024-01-01T00:00:00Z',
    ...extra,
  };
}

/** A PriceComponent: type, price (excl. VAT), step_size (default 1), vat (default none). */
export function pc(type: string, price: string, step_size = 1, vat: string | null = null) {
  return { type, price, step_size, vat };
}

/**
 * A spec CDR example as CdrForPricing, its tariffs through our mapper for its version (2.1.1: the markdown's inline
 * example, given as an object; its CDR and tariffs carry no owner, so BE/BEC as in the 2.2.1 example).
 */
export function cdrForPricing(version: '2.1.1' | '2.2.1' | '2.3.0', raw: any): CdrForPricing {
  const owner = { country_code: raw.country_code ?? 'BE', party_id: raw.party_id ?? 'BEC' };
  const map = (t: unknown) => {
    const mapped = version === '2.1.1' ? mapTariff211(t, owner) : version === '2.2.1' ? mapTariff221(t) : mapTariff230(t);
    if (!mapped.ok) throw new Error(`CDR tariff rejected: ${mapped.reason}`);
    return mapped.value;
  };
  const num = (v: unknown) => String(v);
  const total = raw.total_cost;
  const totalCost =
    version === '2.1.1'
      ? { before_taxes: num(total), after_taxes: null }
      : version === '2.2.1'
        ? { before_taxes: num(total.excl_vat), after_taxes: total.incl_vat === undefined ? null : num(total.incl_vat) }
        : {
            before_taxes: num(total.before_taxes),
            after_taxes: (total.taxes ?? []).reduce((s: Decimal, t: any) => s.plus(num(t.amount)), new Decimal(num(total.before_taxes))).toFixed(),
          };
  return {
    country_code: owner.country_code,
    party_id: owner.party_id,
    id: raw.id,
    currency: raw.currency,
    start_date_time: raw.start_date_time,
    end_date_time: raw.end_date_time ?? raw.stop_date_time,
    charging_periods: raw.charging_periods.map((p: any) => ({
      start_date_time: p.start_date_time,
      tariff_id: p.tariff_id ?? null,
      dimensions: p.dimensions.map((d: any) => ({ type: d.type, volume: num(d.volume) })),
    })),
    total_cost: totalCost,
    tariffs: (raw.tariffs ?? []).map(map),
  };
}
