/**
 * Benchmark: what CPOs push to our Receiver interfaces (mod_locations 2.2.1 §Receiver Interface), under load, next to
 * two ceilings measured in the same run on the same cores:
 *   bare        the same PATCH requests to a bare Fastify route (JSON body parsed, an envelope answered): HTTP's ceiling;
 *   sql         the one statement that stores a status (UPDATE of one evse row), `connections` loops on the service's own
 *               connection pool, in the service's process: the database's ceiling;
 *   evse-patch  PATCH …/locations/{cc}/{pid}/{location_id}/{evse_uid} {status, last_updated}: the most common push;
 *   location-put PUT …/locations/{cc}/{pid}/{location_id}, the whole Location with a newer last_updated;
 *   session-patch PATCH …/sessions/{cc}/{pid}/{session_id} adding one ChargingPeriod (additive form), over 1,000 running
 *               Sessions PUT before.
 * Data: `locations` generated Locations (test/cpo-simulator generator, 2.2.1), loaded by a pull from the simulator.
 * Then push-to-search latency: a status PATCHed to one instance, and the time until the app's search (the in-memory
 * index) shows it — on the same instance, and (PostgreSQL only: PGlite lives inside one process) on a second instance
 * of the service on the same database, which learns it by polling (SEARCH_INDEX_POLL_MS, default 1000).
 */
import { loadavg } from 'node:os';
import {
  encodeBase64Authorization,
  generateLocations,
  loadFixtureTariffs,
  mulberry32,
  runningSession,
  startCpoSimulator,
  type CpoSimulator,
  type Location,
} from '../test/cpo-simulator';
import { runLoad, type LoadRun } from './api-load';
import type { SqlCeilingResult } from './api-worker';
import { createBenchDatabase, type BenchDatabase, type DatabaseKind } from './bench-database';
import { forkWorker, type Worker } from './bench-worker-client';
import { opsClient, syncAndWait, type Connection, type ConnectionSummary } from './ops-client';
import { round } from './stats';

export interface PushOptions {
  locations: number;
  durationS: number;
  warmupS: number;
  connections: number;
  seed: number;
}

export interface PushResult {
  database: DatabaseKind;
  description: string;
  held: { locations: number; evses: number };
  runs: LoadRun[];
  sql: SqlCeilingResult;
  /**
   * CPU time of the service's process per request, ms, per scenario (warm-up included in neither count nor time): what
   * a push costs whatever else the machine is doing (the throughput figures depend on the cores left to the service).
   */
  serviceCpuMsPerRequest: Record<string, number>;
  /** EVSE PATCHes stored per second ÷ the bare route's requests per second, same run. */
  evsePatchToBare: number;
  /** EVSE PATCHes stored per second ÷ raw UPDATEs per second, same run. */
  evsePatchToSql: number;
  /** ms from a PATCH's answer to the search showing it; `other` is null on PGlite (one process). */
  pushToSearch: { same: LatencySummary; other: LatencySummary | null };
  serviceMaxRssMiB: number;
  loadAverage: { before: number; after: number };
}

interface LatencySummary {
  samples: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

const OWNER = { countryCode: 'NL', partyId: 'PSH' };
const MIDDLE = { latitude: 52.0907, longitude: 5.1214 };
const VERSION = '2.2.1';

/** Runs the push benchmark on one database kind. */
export async function benchPush(kind: DatabaseKind, options: PushOptions, log: (line: string) => void): Promise<PushResult> {
  const tariffs = loadFixtureTariffs(OWNER);
  const tariffIds = [...new Set(tariffs.map((t) => String(t.id)))];
  const locations = generateLocations({ ...OWNER, count: options.locations, seed: options.seed, center: MIDDLE, radiusKm: 20, tariffIds });
  let simulator: CpoSimulator | undefined;
  let database: BenchDatabase | undefined;
  let service: Worker | undefined;
  let second: Worker | undefined;
  let bare: Worker | undefined;
  try {
    simulator = await startCpoSimulator({ ...OWNER, businessName: 'Push bench CPO', locations, tariffs, maxPageLimit: 1000 });
    database = await createBenchDatabase(kind, process.env.DATABASE_URL);
    service = forkWorker('api-worker.js');
    const ready = await service.start({ databaseEnv: database.env, pageLimit: 1000 });
    const ops = opsClient(ready.url, ready.opsKey);
    const connection = await ops<Connection>('POST', '/connections', { name: 'Push bench CPO', versions_url: simulator.versionsUrl, token_a: simulator.tokenA });
    log(`  loading ${locations.length} locations by a pull…`);
    const outcomes = await syncAndWait(ops, connection.id);
    const failed = outcomes.filter((o) => o.status === 'FAILED');
    if (failed.length > 0) throw new Error(`load failed: ${failed.map((o) => `${o.module}: ${o.message}`).join('; ')}`);
    const { stored } = await ops<ConnectionSummary>('GET', `/connections/${connection.id}/summary`);
    await service.analyze();
    const token = simulator.registration.tokenForClient;
    if (!token) throw new Error('the simulator holds no token to push with');
    const headers = { Authorization: encodeBase64Authorization(token) };
    const base = `/ocpi/emsp/${VERSION}/locations/${OWNER.countryCode}/${OWNER.partyId}`;
    // In a shuffled order, as status changes come from chargers all over a network (not one Location's EVSEs in a row).
    const rng = mulberry32(options.seed);
    const evses = locations.flatMap((l) => l.evses.map((e) => ({ location: l.id, uid: e.uid, order: rng.next() }))).sort((a, b) => a.order - b.order);

    // Every request newer than the last: a status PATCH is never STALE, so each one is stored.
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const nextTime = () => new Date((clock += 1000)).toISOString().replace('.000Z', 'Z');
    let n = 0;
    const statusPatch = (prefix: string) => () => {
      const evse = evses[n++ % evses.length];
      return {
        method: 'PATCH',
        path: `${prefix}/${evse.location}/${evse.uid}`,
        body: JSON.stringify({ status: n % 2 === 0 ? 'CHARGING' : 'AVAILABLE', last_updated: nextTime() }),
      };
    };
    const cpu: Record<string, number> = {};
    const load = { connections: options.connections, durationS: options.durationS, warmupS: options.warmupS, paths: [] };
    const loadBefore = round(loadavg()[0], 2);
    const runs: LoadRun[] = [];
    bare = forkWorker('api-bare-worker.js');
    const bareUrl = (await bare.start(undefined)).url;
    runs.push(await runLoad({ scenario: 'bare', baseUrl: bareUrl, make: statusPatch(`/bare${base}`), headers, ...load }));
    log(`  ${describe(runs[runs.length - 1])}`);
    await bare.stop();
    bare = undefined;
    runs.push(await measured(service, cpu, () => runLoad({ scenario: 'evse-patch', baseUrl: ready.url, make: statusPatch(base), headers, ...load })));
    log(`  ${describe(runs[runs.length - 1])}`);
    let m = 0;
    const locationPut = () => {
      const location = locations[m++ % locations.length];
      return { method: 'PUT', path: `${base}/${location.id}`, body: JSON.stringify({ ...location, last_updated: nextTime() }) };
    };
    runs.push(await measured(service, cpu, () => runLoad({ scenario: 'location-put', baseUrl: ready.url, make: locationPut, headers, ...load })));
    log(`  ${describe(runs[runs.length - 1])}`);
    log(`  putting ${SESSIONS} running Sessions…`);
    const sessionPatch = await sessionPatches(ready.url, headers, locations, tariffs);
    runs.push(await measured(service, cpu, () => runLoad({ scenario: 'session-patch', baseUrl: ready.url, make: sessionPatch, headers, ...load })));
    log(`  ${describe(runs[runs.length - 1])}`);
    const sql = await service.sqlCeiling({ concurrency: options.connections, durationS: options.durationS, warmupS: options.warmupS });
    log(`  sql    ${String(sql.statementsPerSecond).padStart(6)} UPDATEs/s, p50 ${sql.p50Ms} ms, p99 ${sql.p99Ms} ms`);
    const loadAfter = round(loadavg()[0], 2);

    log('  push-to-search latency…');
    const same = await pushToSearch(ready.url, ready.url, ready.internalKey, headers, base, locations, nextTime);
    let other: LatencySummary | null = null;
    if (kind === 'postgres') {
      second = forkWorker('api-worker.js');
      const secondReady = await second.start({ databaseEnv: database.env, pageLimit: 1000 });
      other = await pushToSearch(ready.url, secondReady.url, secondReady.internalKey, headers, base, locations, nextTime);
    }
    log(`  same instance: median ${same.medianMs} ms, p99 ${same.p99Ms} ms${other ? `; other instance: median ${other.medianMs} ms, p99 ${other.p99Ms} ms` : ''}`);
    const serviceMaxRssMiB = (await service.stop()).maxRssMiB;
    service = undefined;
    return {
      database: kind,
      description: database.description,
      held: { locations: stored.locations, evses: stored.evses },
      runs,
      sql,
      serviceCpuMsPerRequest: cpu,
      evsePatchToBare: round(runs[1].requestsPerSecond / runs[0].requestsPerSecond, 3),
      evsePatchToSql: round(runs[1].requestsPerSecond / sql.statementsPerSecond, 3),
      pushToSearch: { same, other },
      serviceMaxRssMiB,
      loadAverage: { before: loadBefore, after: loadAfter },
    };
  } finally {
    await bare?.stop().catch(() => undefined);
    await second?.stop().catch(() => undefined);
    await service?.stop().catch(() => undefined);
    await simulator?.close();
    await database?.remove();
  }
}

const SESSIONS = 1000;

/**
 * PUTs SESSIONS running Sessions (ACTIVE, two ChargingPeriods of 15 minutes; test/cpo-simulator runningSession), 20 at a
 * time, then returns the request maker of the session-patch scenario: Sessions in turn, each PATCH adding one
 * ChargingPeriod of a minute and 1 kWh in the spec's additive form (mod_sessions 2.2.1 §PATCH Method, as in
 * session_patch_example_charging_period.json) with kwh and last_updated moved on.
 */
async function sessionPatches(baseUrl: string, headers: Record<string, string>, locations: Location[], tariffs: unknown[]) {
  const start = Date.parse('2030-06-01T08:00:00Z');
  const sessions = Array.from({ length: SESSIONS }, (_, i) =>
    runningSession({ version: VERSION, locations: locations as never, tariffs: tariffs as never, ...OWNER, id: `BENCH-S${i}`, start, at: start + 30 * 60_000, site: i }),
  );
  const base = `/ocpi/emsp/${VERSION}/sessions/${OWNER.countryCode}/${OWNER.partyId}`;
  for (let i = 0; i < sessions.length; i += 20) {
    await Promise.all(
      sessions.slice(i, i + 20).map(async (session) => {
        const response = await fetch(`${baseUrl}${base}/${String(session.id)}`, {
          method: 'PUT',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify(session),
        });
        if (!response.ok) throw new Error(`PUT Session answered HTTP ${response.status}: ${await response.text()}`);
      }),
    );
  }
  const patches = sessions.map(() => 0);
  let next = 0;
  return () => {
    const i = next++ % sessions.length;
    const n = patches[i]++;
    const at = new Date(start + 30 * 60_000 + n * 60_000).toISOString().replace('.000Z', 'Z');
    return {
      method: 'PATCH',
      path: `${base}/${String(sessions[i].id)}`,
      body: JSON.stringify({
        kwh: Number(sessions[i].kwh) + n + 1,
        charging_periods: [{ start_date_time: at, dimensions: [{ type: 'ENERGY', volume: 1 }] }],
        last_updated: at,
      }),
    };
  };
}

/**
 * 40 times: PATCH one EVSE of a Location (in turn) to the status it does not have, through `pushUrl`; then search its
 * surroundings on `searchUrl` every 10 ms until the EVSE shows the new status. ms from the PATCH's answer.
 */
async function pushToSearch(
  pushUrl: string,
  searchUrl: string,
  internalKey: string,
  headers: Record<string, string>,
  base: string,
  locations: Location[],
  nextTime: () => string,
): Promise<LatencySummary> {
  const samples: number[] = [];
  for (let i = 0; i < 40; i++) {
    const location = locations[(i * 37) % locations.length];
    const evse = location.evses[0];
    const search = `${searchUrl}/api/v1/locations?latitude=${location.coordinates.latitude}&longitude=${location.coordinates.longitude}&radius_m=10&evses=true&limit=50`;
    const statusNow = async () => {
      const response = await fetch(search, { headers: { 'X-API-Key': internalKey } });
      const body = (await response.json()) as { data: Array<{ location: { ocpi_id: string }; evses?: Array<{ uid: string; status: string }> }> };
      return body.data.find((r) => r.location.ocpi_id === location.id)?.evses?.find((e) => e.uid === evse.uid)?.status;
    };
    const status = (await statusNow()) === 'CHARGING' ? 'AVAILABLE' : 'CHARGING';
    const response = await fetch(`${pushUrl}${base}/${location.id}/${evse.uid}`, {
      method: 'PATCH',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status, last_updated: nextTime() }),
    });
    if (!response.ok) throw new Error(`PATCH answered HTTP ${response.status}: ${await response.text()}`);
    const t0 = performance.now();
    while ((await statusNow()) !== status) {
      if (performance.now() - t0 > 30_000) throw new Error(`the search never showed ${location.id}/${evse.uid} ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))], 1);
  return { samples: samples.length, medianMs: at(0.5), p99Ms: at(0.99), maxMs: round(samples[samples.length - 1], 1) };
}

/** Runs `load`, noting the service's CPU time per request (over the warm-up and the measured run). */
async function measured(service: Worker, cpu: Record<string, number>, load: () => Promise<LoadRun>): Promise<LoadRun> {
  const before = await service.cpuMicros();
  const run = await load();
  const after = await service.cpuMicros();
  // runLoad's warm-up runs first and is inside this window: its requests count too.
  const requests = run.requests + run.warmupRequests;
  cpu[run.scenario] = round((after - before) / 1000 / requests, 3);
  return run;
}

function describe(r: LoadRun): string {
  const problems = r.errors + r.timeouts + r.non2xx > 0 ? ` (errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx})` : '';
  return `${r.scenario.padEnd(12)} ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${problems}`;
}
