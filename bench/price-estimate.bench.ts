/**
 * Price estimates per second for the spec's Complex Tariff example (mod_tariffs 2.2.1, tariff_4_complex.json from
 * test/fixtures), on one core: the tariff engine as the price-estimate endpoint calls it (estimateChargeCost), without
 * HTTP or database. 2,000 generated charges (seeded): energy 1–80 kWh, stays of 10–600 minutes, starts spread over
 * 2024 in Europe/Amsterdam (so weekdays, weekends, parking windows and daylight-saving changes all occur), expected
 * power given for two in three. Cases:
 *   - AC: the current follows from power and voltage, one engine run per estimate. The tariff object is the same for
 *     every estimate, as TariffReader hands out one object per stored version, so it is compiled once;
 *   - AC, first estimate of a version: a new tariff object each time, so the engine compiles the tariff every time;
 *   - DC: the current is unknown and the tariff prices current bands, so one run plus one per band (3) per estimate.
 * Each run: a 1 s warm-up, then as many estimates as fit in `seconds`. Two rates per run: per second of this process's
 * CPU time (user + system: "on one core", the figure that holds on a machine shared with other work) and per
 * wall-clock second; the 1-minute load average at the start of each case is recorded beside them.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { mapTariff221 } from '../src/ocpi/v2_2_1/tariffs/tariff.mapper';
import { ChargeToEstimate, ConnectorFacts, estimateChargeCost } from '../src/tariffs/price-estimate';
import { CanonicalTariff } from '../src/tariffs/tariff.model';
import { mulberry32 } from '../test/cpo-simulator';
import { median } from './stats';

export interface PriceBenchCase {
  name: string;
  /** 1-minute load average when the case started (other processes on the machine). */
  loadAverage: number;
  runs: Array<{ run: number; estimates: number; seconds: number; cpuSeconds: number; estimatesPerSecond: number; estimatesPerCpuSecond: number }>;
  /** Medians over the runs: per CPU second (one core) and per wall-clock second. */
  medianEstimatesPerCpuSecond: number;
  medianEstimatesPerSecond: number;
  /** Median CPU microseconds per estimate. */
  medianMicros: number;
}

export interface PriceBenchResult {
  tariff: string;
  charges: number;
  cases: PriceBenchCase[];
}

const FIXTURE = 'test/fixtures/ocpi/2.2.1/tariffs/tariff_4_complex.json';
const ZONE = 'Europe/Amsterdam';

export function benchPriceEstimates(
  root: string,
  options: { runs: number; seconds?: number; seed: number },
  onRun: (name: string, r: PriceBenchCase['runs'][number]) => void,
): PriceBenchResult {
  const mapped = mapTariff221(JSON.parse(readFileSync(join(root, FIXTURE), 'utf8')));
  if (!mapped.ok) throw new Error(`${FIXTURE} does not map: ${mapped.reason}`);
  const charges = generateCharges(options.seed, 2000);
  const ac: ConnectorFacts = { power_type: 'AC_3_PHASE', max_voltage: 230, time_zone: ZONE };
  const dc: ConnectorFacts = { power_type: 'DC', max_voltage: 920, time_zone: ZONE };
  const cases: Array<[string, ConnectorFacts, boolean]> = [
    ['AC, tariff version held (compiled once)', ac, false],
    ['AC, first estimate of a version (compiled each time)', ac, true],
    ['DC (current unknown: range over 3 current bands)', dc, false],
  ];
  return {
    tariff: FIXTURE,
    charges: charges.length,
    cases: cases.map(([name, connector, fresh]) => runCase(name, mapped.value, connector, fresh, charges, options, onRun)),
  };
}

function runCase(
  name: string,
  tariff: CanonicalTariff,
  connector: ConnectorFacts,
  fresh: boolean,
  charges: ChargeToEstimate[],
  options: { runs: number; seconds?: number },
  onRun: (name: string, r: PriceBenchCase['runs'][number]) => void,
): PriceBenchCase {
  const seconds = options.seconds ?? 3;
  let sink = 0;
  const loop = (ms: number) => {
    const until = performance.now() + ms;
    let n = 0;
    while (performance.now() < until) {
      for (let i = 0; i < 100; i++) {
        const e = estimateChargeCost(fresh ? { ...tariff } : tariff, charges[(n + i) % charges.length], connector);
        sink += e.breakdown.length;
      }
      n += 100;
    }
    return n;
  };
  const loadAverage = Math.round(loadavg()[0] * 10) / 10;
  loop(1000);
  const runs: PriceBenchCase['runs'] = [];
  for (let run = 1; run <= options.runs; run++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const estimates = loop(seconds * 1000);
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const elapsed = (performance.now() - started) / 1000;
    const r = {
      run,
      estimates,
      seconds: Math.round(elapsed * 100) / 100,
      cpuSeconds: Math.round(cpuSeconds * 100) / 100,
      estimatesPerSecond: Math.round(estimates / elapsed),
      estimatesPerCpuSecond: Math.round(estimates / cpuSeconds),
    };
    runs.push(r);
    onRun(name, r);
  }
  if (sink < 0) throw new Error('unreachable');
  const perCpuSecond = median(runs.map((r) => r.estimatesPerCpuSecond));
  return {
    name,
    loadAverage,
    runs,
    medianEstimatesPerCpuSecond: perCpuSecond,
    medianEstimatesPerSecond: median(runs.map((r) => r.estimatesPerSecond)),
    medianMicros: Math.round(1e7 / perCpuSecond) / 10,
  };
}

/** Charges that can happen: with a power, the energy fits in the stay at that power. */
function generateCharges(seed: number, count: number): ChargeToEstimate[] {
  const rng = mulberry32(seed);
  const out: ChargeToEstimate[] = [];
  while (out.length < count) {
    const minutes = rng.int(10, 600);
    const kwh = rng.int(10, 800) / 10;
    const start = new Date(Date.UTC(2024, 0, 1) + rng.int(0, 365 * 24 * 60) * 60_000);
    if (!rng.chance(2 / 3)) {
      out.push({ energyKwh: String(kwh), durationMinutes: String(minutes), start });
      continue;
    }
    const power = rng.pick([3.7, 7.4, 11, 22, 50, 150]);
    if ((kwh / power) * 60 <= minutes) out.push({ energyKwh: String(kwh), durationMinutes: String(minutes), start, powerKw: String(power) });
  }
  return out;
}

/** The printed table. */
export function formatPriceBench(r: PriceBenchResult): string {
  const rows = r.cases.map(
    (c) =>
      `  ${c.name.padEnd(54)} ${String(c.medianEstimatesPerCpuSecond).padStart(7)} /CPU-s ${c.medianMicros.toFixed(1).padStart(6)} µs` +
      `   wall ${String(c.medianEstimatesPerSecond).padStart(6)} /s   runs /CPU-s: ${c.runs.map((x) => x.estimatesPerCpuSecond).join(', ')}  (load ${c.loadAverage})`,
  );
  return [`Price estimates on one core, ${r.tariff} (${r.charges} generated charges; median of runs)`, ...rows].join('\n');
}
