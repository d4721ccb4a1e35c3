/**
 * Re-pricing CDRs end to end on one core (issue 17): N OCPI 2.2.1 CDRs (wire objects, as a pull page parses them)
 * normalised and mapped (mapCdr221), then checked by the finance hook as the service does it (CdrCostCheck.check:
 * the tariffs the connector listed, in the version in force at the CDR's start, priced in the Location's time zone by
 * recomputeCdrCost), beside a ceiling measured in the same run on the same inputs: a deliberately simple calculator
 * written here (energy × price + time × price + parking × price + flat, the first element's components, no
 * restrictions, no caps, no step sizes; decimal.js).
 *
 * No database round trips: the two readers CdrCostCheck asks (TariffReader.findValidAt, LocationReader.timeZone and
 * listedTariffIds) answer from memory, with one object per tariff version as the real TariffReader hands them out (its
 * cache), so what is timed is the service's own work per CDR, not PostgreSQL's.
 *
 * Inputs (seeded): the spec's example tariffs (mod_tariffs 2.2.1 examples in test/fixtures) and generated ones with
 * time-of-day, weekday, kWh and duration restrictions, max_price caps and step sizes, each in two versions (the second
 * in force from 2024-07-01 with other prices); Locations in Europe/Amsterdam, America/New_York and Australia/Sydney;
 * sessions of 5–600 minutes starting over 2024 (every daylight-saving change of the three zones falls in the range),
 * one to three charging periods each. Rates are per second of this process's CPU time (user + system: "on one core").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { DataSource } from 'typeorm';
import { CdrCostCheck } from '../src/finance/cdr-cost-check.service';
import { LocationReader } from '../src/locations/location.reader';
import { mapCdr221 } from '../src/ocpi/v2_2_1/cdrs/cdr.mapper';
import { mapTariff221 } from '../src/ocpi/v2_2_1/tariffs/tariff.mapper';
import { CanonicalTariff } from '../src/tariffs/tariff.model';
import { TariffReader, TariffVersionAt } from '../src/tariffs/tariff.reader';
import { findProjectRoot, mulberry32, Rng } from '../test/cpo-simulator';
import { median, round } from './stats';

const COUNTRY = 'NL';
const PARTY = 'REP';
const SECOND_VERSION_FROM = Date.parse('2024-07-01T00:00:00Z');
const ZONES = ['Europe/Amsterdam', 'America/New_York', 'Australia/Sydney'];

type Wire = Record<string, unknown>;

export interface RepriceRun {
  cdrs: number;
  /** CPU seconds (user + system) of this process. */
  cpuSeconds: number;
  cdrsPerCpuSecond: number;
}

export interface RepriceResult {
  cdrs: number;
  tariffs: number;
  /** Of the real path's results: priced (a computed total), of them exact, and equal to the CDR's own total_cost. */
  priced: number;
  exact: number;
  runs: Array<{ real: RepriceRun; ceiling: RepriceRun }>;
  medianRealPerCpuSecond: number;
  medianCeilingPerCpuSecond: number;
  /** real ÷ ceiling (medians). */
  ratio: number;
  loadAverage: number;
}

/** Wire tariffs: the spec's examples (those that price a charging session) and generated ones with restrictions and caps. */
function wireTariffs(rng: Rng): Wire[] {
  const dir = join(findProjectRoot(), 'test', 'fixtures', 'ocpi', '2.2.1', 'tariffs');
  const examples = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.includes('reservation'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Wire);
  const generated = Array.from({ length: 12 }, (_, i): Wire => {
    const price = (lo: number, hi: number) => Number((lo + rng.next() * (hi - lo)).toFixed(3));
    const step = [1, 60, 300, 900][i % 4];
    const elements: Wire[] = [
      // Peak hours on weekdays: more per kWh, time billed in steps.
      {
        price_components: [
          { type: 'ENERGY', price: price(0.3, 0.6), vat: 21, step_size: 1 },
          { type: 'TIME', price: price(1, 3), vat: 21, step_size: step },
        ],
        restrictions: { start_time: '07:00', end_time: '21:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
      },
      // The first 20 kWh cheaper, then the rest of the day.
      { price_components: [{ type: 'ENERGY', price: price(0.2, 0.35), vat: 21, step_size: 1 }], restrictions: { max_kwh: 20 } },
      { price_components: [{ type: 'ENERGY', price: price(0.25, 0.45), vat: 21, step_size: 1 }] },
      // Parking after two hours.
      { price_components: [{ type: 'PARKING_TIME', price: price(2, 6), vat: 21, step_size: step }], restrictions: { min_duration: 7200 } },
      { price_components: [{ type: 'FLAT', price: price(0.2, 1), vat: 21, step_size: 1 }] },
    ];
    return {
      country_code: COUNTRY,
      party_id: PARTY,
      id: `GEN-${i}`,
      currency: 'EUR',
      type: 'REGULAR',
      elements,
      ...(i % 3 === 0 ? { max_price: { excl_vat: price(15, 30), incl_vat: price(18, 36) } } : {}),
      last_updated: '2024-01-01T00:00:00Z',
    };
  });
  return [...examples, ...generated].map((t) => ({ ...t, country_code: COUNTRY, party_id: PARTY, currency: 'EUR' }));
}

/** The same tariff with its prices × 1.1 (the version in force from 2024-07-01). */
function raised(t: Wire): Wire {
  const copy = JSON.parse(JSON.stringify(t)) as { elements: Array<{ price_components: Array<{ price: number }> }> } & Wire;
  for (const e of copy.elements) for (const c of e.price_components) c.price = Number((c.price * 1.1).toFixed(4));
  return { ...copy, last_updated: '2024-07-01T00:00:00Z' };
}

interface Held {
  /** Per tariff id: the versions, oldest first, as the reader hands them out (one object each). */
  versions: Map<string, Array<{ from: number; version: TariffVersionAt }>>;
  /** Per Location id: its zone and the tariff its connector lists. */
  locations: Map<string, { zone: string; tariffId: string }>;
}

function held(wire: Wire[]): Held {
  const versions = new Map<string, Array<{ from: number; version: TariffVersionAt }>>();
  for (const t of wire) {
    const list = [t, raised(t)].map((w, i) => {
      const mapped = mapTariff221(w);
      if (!mapped.ok) throw new Error(`tariff ${String(t.id)} does not map: ${mapped.reason}`);
      const from = i === 0 ? Date.parse('2024-01-01T00:00:00Z') : SECOND_VERSION_FROM;
      const validFrom = new Date(from).toISOString();
      const version: TariffVersionAt = {
        tariff: mapped.value,
        version_no: i + 1,
        ocpi_version: '2.2.1',
        valid_from: validFrom,
        valid_until: i === 0 ? new Date(SECOND_VERSION_FROM).toISOString() : null,
        first_seen: validFrom,
        last_seen: validFrom,
        basis: 'held',
      };
      return { from, version };
    });
    versions.set(String(t.id), list);
  }
  const ids = [...versions.keys()];
  const locations = new Map(Array.from({ length: 60 }, (_, i) => [`LOC-${i}`, { zone: ZONES[i % ZONES.length], tariffId: ids[i % ids.length] }]));
  return { versions, locations };
}

/** CDRs in the 2.2.1 wire shape, without their tariffs (so the versions in force at the start price them). */
function wireCdrs(n: number, h: Held, rng: Rng): Wire[] {
  const locationIds = [...h.locations.keys()];
  const year = Date.parse('2024-01-01T00:00:00Z');
  return Array.from({ length: n }, (_, i): Wire => {
    const locationId = locationIds[i % locationIds.length];
    const tariffId = h.locations.get(locationId)!.tariffId;
    const start = year + Math.floor(rng.next() * 365 * 86_400) * 1000;
    const minutes = 5 + Math.floor(rng.next() * 595);
    const periods = 1 + (i % 3);
    const kwh = Number((1 + rng.next() * 60).toFixed(3));
    const charging = periods === 3 ? Math.floor(minutes * 0.7) : minutes;
    const charging_periods = Array.from({ length: periods }, (_, p) => {
      const at = start + Math.floor((charging * 60_000 * p) / Math.max(1, periods - (periods === 3 ? 1 : 0)));
      const parking = periods === 3 && p === 2;
      const share = parking ? 0 : periods === 3 ? 1 / 2 : 1 / periods;
      const hours = parking ? (minutes - charging) / 60 : (charging * share) / 60;
      return {
        start_date_time: new Date(periods === 3 && p === 2 ? start + charging * 60_000 : at).toISOString(),
        dimensions: parking
          ? [{ type: 'PARKING_TIME', volume: Number(hours.toFixed(4)) }]
          : [
              { type: 'ENERGY', volume: Number((kwh * share).toFixed(3)) },
              { type: 'TIME', volume: Number(hours.toFixed(4)) },
              { type: 'MAX_CURRENT', volume: [16, 32, 63][i % 3] },
            ],
        tariff_id: tariffId,
      };
    });
    const total = Number((kwh * 0.4 + (minutes / 60) * 1.5).toFixed(2));
    return {
      country_code: COUNTRY,
      party_id: PARTY,
      id: `CDR-${i}`,
      start_date_time: new Date(start).toISOString(),
      end_date_time: new Date(start + minutes * 60_000).toISOString(),
      cdr_token: { country_code: 'NL', party_id: 'EMS', uid: `TOK-${i % 1000}`, type: 'RFID', contract_id: `NL-EMS-C${i % 1000}` },
      auth_method: 'WHITELIST',
      cdr_location: {
        id: locationId,
        name: 'Bench',
        address: 'Straat 1',
        city: 'Utrecht',
        postal_code: '3500AA',
        country: 'NLD',
        coordinates: { latitude: '52.090737', longitude: '5.121420' },
        evse_uid: `${locationId}-E1`,
        evse_id: `NL*REP*E${i % 60}`,
        connector_id: '1',
        connector_standard: 'IEC_62196_T2',
        connector_format: 'SOCKET',
        connector_power_type: 'AC_3_PHASE',
      },
      currency: 'EUR',
      charging_periods,
      total_cost: { excl_vat: total, incl_vat: Number((total * 1.21).toFixed(2)) },
      total_energy: kwh,
      total_time: Number((minutes / 60).toFixed(4)),
      total_parking_time: Number(((minutes - charging) / 60).toFixed(4)),
      last_updated: new Date(start + minutes * 60_000).toISOString(),
    };
  });
}

/** The readers CdrCostCheck asks, answering from memory (the same answers as the database readers for these inputs). */
function inMemoryReaders(h: Held): { tariffs: TariffReader; locations: LocationReader } {
  const tariffs = {
    findValidAt: (_country: string, _party: string, ids: string[], at: Date): Promise<TariffVersionAt[]> =>
      Promise.resolve(
        ids.flatMap((id) => {
          const inForce = (h.versions.get(id) ?? []).filter((v) => v.from <= at.getTime()).pop();
          return inForce ? [inForce.version] : [];
        }),
      ),
  };
  const locations = {
    listedTariffIds: (ref: { locationId: string }): Promise<string[] | null> => {
      const l = h.locations.get(ref.locationId);
      return Promise.resolve(l ? [l.tariffId] : null);
    },
    timeZone: (_country: string, _party: string, locationId: string): Promise<string | null> => Promise.resolve(h.locations.get(locationId)?.zone ?? null),
  };
  return { tariffs: tariffs as unknown as TariffReader, locations: locations as unknown as LocationReader };
}

/** The ceiling: energy × price + time × price + parking × price + flat, with the first element's components, in decimals. */
function simplePrice(cdr: Wire, h: Held): string {
  const periods = cdr.charging_periods as Array<{ dimensions: Array<{ type: string; volume: number }>; tariff_id: string }>;
  const at = Date.parse(cdr.start_date_time as string);
  const versions = h.versions.get(periods[0].tariff_id)!;
  const tariff: CanonicalTariff = versions.filter((v) => v.from <= at).pop()!.version.tariff;
  const priceOf = (type: string) => {
    for (const e of tariff.elements) for (const c of e.price_components) if (c.type === type) return new Decimal(c.price);
    return new Decimal(0);
  };
  const [energy, time, parking] = [priceOf('ENERGY'), priceOf('TIME'), priceOf('PARKING_TIME')];
  let total = priceOf('FLAT');
  for (const p of periods)
    for (const d of p.dimensions) {
      if (d.type === 'ENERGY') total = total.plus(energy.times(String(d.volume)));
      else if (d.type === 'TIME') total = total.plus(time.times(String(d.volume)));
      else if (d.type === 'PARKING_TIME') total = total.plus(parking.times(String(d.volume)));
    }
  return total.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/**
 * @param n CDRs per run (default 20,000)
 * @param runs repetitions; the first is a warm-up of both paths too (JIT, the tariff engine's compile cache), so it is
 *   reported but medians are taken over all runs
 */
export async function benchReprice(n: number, runs = 3, log: (line: string) => void = () => undefined): Promise<RepriceResult> {
  const rng = mulberry32(20240601);
  const wire = wireTariffs(rng);
  const h = held(wire);
  const cdrs = wireCdrs(n, h, rng);
  const readers = inMemoryReaders(h);
  const check = new CdrCostCheck(undefined as unknown as DataSource, readers.tariffs, readers.locations);
  const loadAverage = round((await import('node:os')).loadavg()[0]);
  const result: RepriceResult = {
    cdrs: n,
    tariffs: h.versions.size,
    priced: 0,
    exact: 0,
    runs: [],
    medianRealPerCpuSecond: 0,
    medianCeilingPerCpuSecond: 0,
    ratio: 0,
    loadAverage,
  };
  for (let run = 1; run <= runs; run++) {
    let priced = 0;
    let exact = 0;
    let t = process.cpuUsage();
    for (const raw of cdrs) {
      const mapped = mapCdr221(raw);
      if (!mapped.ok) throw new Error(`CDR ${String(raw.id)} does not map: ${mapped.reason}`);
      const c = await check.check(mapped.value);
      if (c.computed.before_taxes !== null) priced++;
      if (c.exact) exact++;
    }
    const realCpu = cpuSeconds(t);
    let sink = new Decimal(0);
    t = process.cpuUsage();
    for (const raw of cdrs) sink = sink.plus(simplePrice(raw, h));
    const ceilingCpu = cpuSeconds(t);
    if (sink.isNegative()) throw new Error('the ceiling priced below zero');
    const real = { cdrs: n, cpuSeconds: round(realCpu), cdrsPerCpuSecond: Math.round(n / realCpu) };
    const ceiling = { cdrs: n, cpuSeconds: round(ceilingCpu), cdrsPerCpuSecond: Math.round(n / ceilingCpu) };
    result.runs.push({ real, ceiling });
    result.priced = priced;
    result.exact = exact;
    log(`  run ${run}: real ${real.cdrsPerCpuSecond} CDRs/CPU-s (${real.cpuSeconds} s), ceiling ${ceiling.cdrsPerCpuSecond} CDRs/CPU-s (${ceiling.cpuSeconds} s)`);
  }
  result.medianRealPerCpuSecond = Math.round(median(result.runs.map((r) => r.real.cdrsPerCpuSecond)));
  result.medianCeilingPerCpuSecond = Math.round(median(result.runs.map((r) => r.ceiling.cdrsPerCpuSecond)));
  result.ratio = round(result.medianRealPerCpuSecond / result.medianCeilingPerCpuSecond, 2);
  return result;
}

/** One line per figure, for the log. */
export function formatReprice(r: RepriceResult): string {
  return [
    `  ${r.cdrs} CDRs (2.2.1 wire objects), ${r.tariffs} tariffs in two versions each, 1-minute load average ${r.loadAverage}: ${r.priced} priced, ${r.exact} exact`,
    `    real path (mapCdr221 + CdrCostCheck.check, readers in memory): median ${r.medianRealPerCpuSecond} CDRs per CPU second`,
    `    ceiling (simple calculator, no restrictions, caps or steps): median ${r.medianCeilingPerCpuSecond} CDRs per CPU second`,
    `    real ÷ ceiling: ${r.ratio}`,
  ].join('\n');
}
