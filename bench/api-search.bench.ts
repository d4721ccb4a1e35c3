/**
 * Benchmark 3: the mobile-app API under load, next to the ceiling of a bare Fastify route measured in the same run.
 *
 * Data: generated Locations (test/cpo-simulator generator, 30 km around Amsterdam, the spec's example Tariffs) until
 * `evses` EVSEs are reached (200,000 ≈ 69,000 Locations), LOADED THROUGH A REAL PULL: the CPO simulator serves them
 * (pages of `pageLimit`) and the service pulls them over OCPI into a fresh database, as in production; then VACUUM
 * ANALYZE, as autovacuum would do after such a load (the test server runs with autovacuum off).
 * Then the service's in-memory search index is dropped and loaded again from scratch, as at start-up, for its load
 * time and heap (the worker runs with --expose-gc to measure the heap after full collections); searches are answered
 * from it (see src/locations/search/index/), and so is the price estimate (connector and current tariff versions from
 * the same index, priced by the tariff engine per request; the database only for a start before a tariff's current
 * version, which the load does not ask for).
 * Processes: the service runs in a forked child (api-worker.ts; with PGlite, the database is in that child too), the
 * bare route in another (api-bare-worker.ts), autocannon and the simulator in this process, all on the same cores.
 * Scenarios, each after a warm-up, with `connections` concurrent connections for `durationS` seconds:
 *   bare    GET /bare ({"ok":true})
 *   bare-body  GET /bare-body: the same bare route answering a body built once, exactly as many bytes as the mean
 *           search page body (measured before the load over 50 of the search requests below), so the search's
 *           distance from the limit for an answer of its size can be read
 *   search  GET /api/v1/locations?latitude&longitude&radius_m=2000&available_now=true (the list view, 20 per page),
 *           the centre taken in turn from 1,000 fixed points within 25 km of the middle
 *   price   GET /api/v1/connectors/{id}/price-estimate?energy_kwh=20&duration_minutes=120 (starting now), over connectors seen
 *           in searches (20 kWh in 2 hours: every generated connector, 11 kW and up, can deliver it)
 */
import { loadavg } from 'node:os';
import { generateLocations, loadFixtureTariffs, mulberry32, startCpoSimulator, type CpoSimulator, type Location } from '../test/cpo-simulator';
import { runLoad, type LoadRun } from './api-load';
import type { ApiWorkerRequest, SearchIndexStats } from './api-worker';
import type { BareWorkerRequest } from './api-bare-worker';
import { forkWorker, type Worker } from './bench-worker-client';
import { createBenchDatabase, type BenchDatabase, type DatabaseKind } from './bench-database';
import { opsClient, syncAndWait, type Connection, type ConnectionSummary } from './ops-client';
import { round } from './stats';

export interface ApiOptions {
  evses: number;
  durationS: number;
  warmupS: number;
  connections: number;
  pageLimit: number;
  seed: number;
}

export interface ApiResult {
  database: DatabaseKind;
  description: string;
  load: { method: string; wallMs: number; locationsPerSecond: number; locations: number; evses: number; connectors: number; tariffs: number };
  /** What one search answers before the load (over 50 searches): results per page, share of full pages. */
  searchSample: { meanResults: number; fullPages: number };
  runs: LoadRun[];
  /** Mean body of a search page as the load asks for it (50 requests before the load), bytes: the bare-body answer's size. */
  searchBodyBytes: number;
  /** search requests/s ÷ bare requests/s, same run. */
  searchToBareRatio: number;
  /** search requests/s ÷ bare-body requests/s (a body as large as a search page), same run. */
  searchToBareBodyRatio: number;
  /** price estimate requests/s ÷ bare requests/s, same run. */
  priceToBareRatio: number;
  serviceMaxRssMiB: number;
  /** The service's in-memory search index, loaded again from scratch after the pull (as at start-up). */
  searchIndex: SearchIndexStats;
  /** The machine's 1-minute load average before the first and after the last load run (other work skews figures). */
  loadAverage: { before: number; after: number };
}

const OWNER = { countryCode: 'NL', partyId: 'API' };
const MIDDLE = { latitude: 52.3676, longitude: 4.9041 };
const AREA_KM = 30;
const SEARCH_RADIUS_M = 2000;

/** Generated Locations, cut at the first one that brings the EVSE count to `evses` (deterministic per seed). */
export function benchLocations(evses: number, seed: number, tariffIds: string[]): Location[] {
  const all = generateLocations({ ...OWNER, count: Math.ceil(evses / 2.5), seed, center: MIDDLE, radiusKm: AREA_KM, tariffIds });
  let total = 0;
  const cut = all.findIndex((l) => (total += l.evses.length) >= evses);
  if (cut < 0) throw new Error(`the generator gave only ${total} EVSEs for ${evses}`);
  return all.slice(0, cut + 1);
}

/** Runs the API benchmark on one database kind. */
export async function benchApi(kind: DatabaseKind, options: ApiOptions, log: (line: string) => void): Promise<ApiResult> {
  const tariffs = loadFixtureTariffs(OWNER);
  const locations = benchLocations(options.evses, options.seed, [...new Set(tariffs.map((t) => String(t.id)))]);
  let simulator: CpoSimulator | undefined;
  let database: BenchDatabase | undefined;
  let service: Worker | undefined;
  let bare: Worker | undefined;
  try {
    simulator = await startCpoSimulator({ ...OWNER, businessName: 'API bench CPO', locations, tariffs, maxPageLimit: options.pageLimit });
    database = await createBenchDatabase(kind, process.env.DATABASE_URL);
    service = forkWorker('api-worker.js');
    const ready = await service.start({ databaseEnv: database.env, pageLimit: options.pageLimit } satisfies ApiWorkerRequest);
    const ops = opsClient(ready.url, ready.opsKey);
    const connection = await ops<Connection>('POST', '/connections', { name: 'API bench CPO', versions_url: simulator.versionsUrl, token_a: simulator.tokenA });
    log(`  loading ${locations.length} locations by a pull from the simulator…`);
    const t0 = performance.now();
    const outcomes = await syncAndWait(ops, connection.id);
    const wallMs = performance.now() - t0;
    // This simulator serves no Sessions or CDRs: their pulls are SKIPPED, as they should be; anything else not SUCCEEDED is a failure.
    const failed = outcomes.filter((o) => o.status === 'FAILED' || (o.status === 'SKIPPED' && o.module !== 'sessions' && o.module !== 'cdrs'));
    if (failed.length > 0) throw new Error(`load failed: ${failed.map((o) => `${o.module}: ${o.message}`).join('; ')}`);
    const { stored } = await ops<ConnectionSummary>('GET', `/connections/${connection.id}/summary`);
    log(`  loaded ${stored.locations} locations, ${stored.evses} EVSEs in ${(wallMs / 1000).toFixed(1)} s; VACUUM ANALYZE…`);
    await service.analyze();
    const searchIndex = await service.indexStats();
    log(
      `  search index: ${searchIndex.locations} locations, ${searchIndex.evses} EVSEs loaded in ${(searchIndex.loadMs / 1000).toFixed(1)} s, ${searchIndex.heapMiB.toFixed(0)} MiB of heap (service RSS then ${searchIndex.rssMiB.toFixed(0)} MiB, JS heap in use ${searchIndex.processHeapMiB.toFixed(0)} MiB, outside it ${searchIndex.externalMiB.toFixed(0)} MiB)`,
    );

    const headers = { 'X-API-Key': ready.internalKey };
    const searchPaths = searchPoints(options.seed).map(
      (p) => `/api/v1/locations?latitude=${p.latitude.toFixed(6)}&longitude=${p.longitude.toFixed(6)}&radius_m=${SEARCH_RADIUS_M}&available_now=true`,
    );
    const sample = await sampleSearches(
      ready.url,
      headers,
      searchPaths.slice(0, 50).map((path) => `${path}&evses=true`),
    );
    const searchBodyBytes = await meanBodyBytes(ready.url, headers, searchPaths.slice(0, 50));
    const pricePaths = sample.connectorIds.map((id) => `/api/v1/connectors/${id}/price-estimate?energy_kwh=20&duration_minutes=120`);
    if (pricePaths.length === 0) throw new Error('no connector with a tariff in the sample searches');

    const load = { connections: options.connections, durationS: options.durationS, warmupS: options.warmupS };
    const loadBefore = round(loadavg()[0], 2);
    bare = forkWorker('api-bare-worker.js');
    const bareUrl = (await bare.start({ bodyBytes: searchBodyBytes } satisfies BareWorkerRequest)).url;
    const runs: LoadRun[] = [];
    runs.push(await runLoad({ scenario: 'bare', baseUrl: bareUrl, paths: ['/bare'], ...load }));
    log(`  ${describe(runs[runs.length - 1])}`);
    runs.push(await runLoad({ scenario: 'bare-body', baseUrl: bareUrl, paths: ['/bare-body'], ...load }));
    log(`  ${describe(runs[runs.length - 1])}`);
    await bare.stop();
    bare = undefined;
    runs.push(await runLoad({ scenario: 'search', baseUrl: ready.url, paths: searchPaths, headers, ...load }));
    log(`  ${describe(runs[runs.length - 1])}`);
    runs.push(await runLoad({ scenario: 'price', baseUrl: ready.url, paths: pricePaths, headers, ...load }));
    log(`  ${describe(runs[runs.length - 1])}`);
    const loadAfter = round(loadavg()[0], 2);
    const serviceMaxRssMiB = (await service.stop()).maxRssMiB;
    service = undefined;
    return {
      database: kind,
      description: database.description,
      load: {
        method: `pull from the CPO simulator over OCPI 2.2.1, pages of ${options.pageLimit}`,
        wallMs: round(wallMs),
        locationsPerSecond: round(locations.length / (wallMs / 1000)),
        ...stored,
      },
      searchSample: { meanResults: sample.meanResults, fullPages: sample.fullPages },
      runs,
      searchBodyBytes,
      searchToBareRatio: ratio(runs, 'search', 'bare'),
      searchToBareBodyRatio: ratio(runs, 'search', 'bare-body'),
      priceToBareRatio: ratio(runs, 'price', 'bare'),
      serviceMaxRssMiB,
      searchIndex,
      loadAverage: { before: loadBefore, after: loadAfter },
    };
  } finally {
    await bare?.stop().catch(() => undefined);
    await service?.stop().catch(() => undefined);
    await simulator?.close();
    await database?.remove();
  }
}

/** Requests/s of scenario `a` ÷ those of `b`, same run (both always ran: the finds cannot miss). */
function ratio(runs: LoadRun[], a: string, b: string): number {
  const rate = (scenario: string) => runs.find((r) => r.scenario === scenario)!.requestsPerSecond;
  return round(rate(a) / rate(b), 3);
}

/** Mean body size of the answers to `paths` (GET, one by one), bytes as sent. */
async function meanBodyBytes(baseUrl: string, headers: Record<string, string>, paths: string[]): Promise<number> {
  let bytes = 0;
  for (const path of paths) {
    const response = await fetch(`${baseUrl}${path}`, { headers });
    if (!response.ok) throw new Error(`search ${path}: HTTP ${response.status} ${await response.text()}`);
    bytes += (await response.arrayBuffer()).byteLength;
  }
  return Math.round(bytes / paths.length);
}

function describe(r: LoadRun): string {
  const problems = r.errors + r.timeouts + r.non2xx > 0 ? ` (errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx})` : '';
  return `${r.scenario.padEnd(9)} ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${problems}`;
}

/** 1,000 fixed points, uniform within 25 km of the middle (so most 2 km circles lie inside the data). */
function searchPoints(seed: number): Array<{ latitude: number; longitude: number }> {
  const rng = mulberry32(seed + 1);
  return Array.from({ length: 1000 }, () => {
    const r = 25 * Math.sqrt(rng.next());
    const theta = 2 * Math.PI * rng.next();
    return {
      latitude: MIDDLE.latitude + (r * Math.cos(theta)) / 111.32,
      longitude: MIDDLE.longitude + (r * Math.sin(theta)) / (111.32 * Math.cos((MIDDLE.latitude * Math.PI) / 180)),
    };
  });
}

/** The parts of a search page with `evses=true` that sampleSearches reads (see src/locations/search/search-result.ts). */
interface SearchPageWithEvses {
  data: Array<{ evses: Array<{ connectors: Array<{ id: string; tariff_ids: string[] }> }> }>;
}

/** Runs searches one by one: results per page, and the connectors (with a tariff) they show, for the price scenario. */
async function sampleSearches(baseUrl: string, headers: Record<string, string>, paths: string[]) {
  let results = 0;
  let full = 0;
  const connectorIds = new Set<string>();
  for (const path of paths) {
    const response = await fetch(`${baseUrl}${path}`, { headers });
    if (!response.ok) throw new Error(`sample search ${path}: HTTP ${response.status} ${await response.text()}`);
    const body = (await response.json()) as SearchPageWithEvses;
    results += body.data.length;
    if (body.data.length === 20) full += 1;
    for (const r of body.data) for (const e of r.evses) for (const c of e.connectors) if (c.tariff_ids.length > 0) connectorIds.add(c.id);
  }
  return { meanResults: round(results / paths.length), fullPages: round(full / paths.length, 2), connectorIds: [...connectorIds] };
}
