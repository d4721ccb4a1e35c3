/**
 * Benchmark 1: a full pull of N generated Locations (plus the specification's example Tariffs) from a CPO
 * simulator into a fresh database, timed through the operations API, 1 insert run + (runs − 1) re-pulls.
 * Units: wall time in ms (from POST …/sync to the service closing its last run, tariffs + locations), locations/s = locations received /
 * wall time, RSS in MiB of the service process (a forked worker; see pull-worker.ts).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CpoSimulator, generateLocations, loadFixtureTariffs, startCpoSimulator } from '../test/cpo-simulator';
import { BenchDatabase, createBenchDatabase, DatabaseKind } from './bench-database';
import { benchPullCeilings, type PullCeilingRun } from './pull-ceiling';
import { median, round } from './stats';

export interface PullOptions {
  locations: number;
  runs: number;
  /** Page size the service asks for and the simulator allows (OCPI_PAGE_LIMIT, maxPageLimit). */
  pageLimit: number;
  /** Seed of the Location generator: same seed, same objects. */
  seed: number;
}

/** One timed "sync now" (POST …/sync, its runs followed until finished) and what the database held afterwards (GET …/summary). */
export interface PullRun {
  run: number;
  kind: 'insert' | 'update';
  wallMs: number;
  locationsPerSecond: number;
  pages: number;
  received: number;
  stored: number;
  rejected: number;
  locations: number;
  evses: number;
  connectors: number;
  tariffs: number;
  /** Largest RSS sampled (20 ms) in the service process during this run. */
  peakRssMiB: number;
  /** The JS heap in use and reserved at that sample (the rest of the RSS: code, buffers, the allocator's free pages). */
  heapUsedAtPeakMiB: number;
  heapTotalAtPeakMiB: number;
  /**
   * CPU the service process used during this run (user + system, all its threads), ms: far steadier than the wall
   * time on a shared 2-core machine, so a change to the pull's own work shows here first.
   */
  serviceCpuMs: number;
}

export interface PullResult {
  database: DatabaseKind;
  description: string;
  /** Service start (database, migrations, HTTP) and registration handshake, ms. */
  startMs: number;
  registerMs: number;
  runs: PullRun[];
  insert: PullRun;
  /** Medians over the update runs (2..N), or null with --runs 1. */
  update: { medianWallMs: number; medianLocationsPerSecond: number; runs: number } | null;
  medianWallMs: number;
  /** process.resourceUsage().maxRSS of the service process over its whole life, MiB. */
  processMaxRssMiB: number;
  /** The same rows written straight with pg on a fresh database after the pull (see pull-ceiling.ts). */
  ceilings: PullCeilingRun[];
  /** The pull's insert run in Locations/s ÷ each ceiling's (target ≥ 0.5 of copy-staging). */
  insertToUpsertCeiling: number;
  insertToCopyCeiling: number;
}

export interface PullWorkerRequest {
  databaseEnv: Record<string, string>;
  versionsUrl: string;
  tokenA: string;
  runs: number;
  pageLimit: number;
}

export type PullWorkerMessage =
  { type: 'run'; run: PullRun } | { type: 'result'; result: Pick<PullResult, 'startMs' | 'registerMs' | 'runs' | 'processMaxRssMiB'> } | { type: 'error'; message: string };

const OWNER = { countryCode: 'NL', partyId: 'BEN' };

/**
 * Runs the pull benchmark on one database kind, then its two ceilings on the same rows; `onRun` is told about each
 * pull run as it finishes, `onCeiling` about each ceiling.
 */
export async function benchPull(
  kind: DatabaseKind,
  options: PullOptions,
  onRun: (run: PullRun) => void,
  onCeiling: (run: PullCeilingRun) => void = () => undefined,
): Promise<PullResult> {
  const tariffs = loadFixtureTariffs(OWNER);
  const locations = generateLocations({
    ...OWNER,
    count: options.locations,
    seed: options.seed,
    center: { latitude: 52.3676, longitude: 4.9041 },
    radiusKm: 30,
    tariffIds: [...new Set(tariffs.map((t) => String(t.id)))],
  });
  let simulator: CpoSimulator | undefined;
  let database: BenchDatabase | undefined;
  let pull: Omit<PullResult, 'ceilings' | 'insertToUpsertCeiling' | 'insertToCopyCeiling'>;
  try {
    simulator = await startCpoSimulator({ ...OWNER, businessName: 'Bench CPO', locations, tariffs, maxPageLimit: options.pageLimit });
    database = await createBenchDatabase(kind, process.env.DATABASE_URL);
    const result = await runWorker(
      { databaseEnv: database.env, versionsUrl: simulator.versionsUrl, tokenA: simulator.tokenA, runs: options.runs, pageLimit: options.pageLimit },
      onRun,
    );
    const updates = result.runs.slice(1);
    pull = {
      database: kind,
      description: `${database.description}; service run with node ${serviceNodeFlags().join(' ') || '(no flags)'}`,
      ...result,
      insert: result.runs[0],
      update:
        updates.length === 0
          ? null
          : {
              runs: updates.length,
              medianWallMs: round(median(updates.map((r) => r.wallMs))),
              medianLocationsPerSecond: round(median(updates.map((r) => r.locationsPerSecond))),
            },
      medianWallMs: round(median(result.runs.map((r) => r.wallMs))),
    };
  } finally {
    await simulator?.close();
    await database?.remove();
  }
  // After the pull, so that the two never share the cores or the server.
  const ceilings = await benchPullCeilings(kind, locations, options.pageLimit, onCeiling);
  const ratio = (method: PullCeilingRun['method']) => round(pull.insert.locationsPerSecond / ceilings.find((c) => c.method === method)!.locationsPerSecond, 3);
  return { ...pull, ceilings, insertToUpsertCeiling: ratio('upsert-batches'), insertToCopyCeiling: ratio('copy-staging') };
}

function runWorker(request: PullWorkerRequest, onRun: (run: PullRun) => void): Promise<Extract<PullWorkerMessage, { type: 'result' }>['result']> {
  return new Promise((resolve, reject) => {
    // The node flags `npm start` runs the service with (package.json), unless the bench's own environment says otherwise.
    const child = fork(join(__dirname, 'pull-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: serviceNodeFlags() });
    let result: Extract<PullWorkerMessage, { type: 'result' }>['result'] | undefined;
    let error: string | undefined;
    child.on('message', (m: PullWorkerMessage) => {
      if (m.type === 'run') onRun(m.run);
      else if (m.type === 'result') result = m.result;
      else error = m.message;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(error ?? `pull worker exited with ${signal ?? `code ${code}`} before reporting`));
    });
    child.send(request);
  });
}

/**
 * The node flags of package.json's start script, read from it (`--max-semi-space-size=32`: a young generation of
 * 32 MiB per semi-space instead of 16, so that a pull's pages, which live across two pages' time, die young rather than
 * being promoted and left to full collections: 16 % less service CPU in a 50,000-Location pull, for about 30 MiB of
 * RSS), or BENCH_SERVICE_NODE_FLAGS (space-separated; empty for node's defaults) to measure another setting.
 */
function serviceNodeFlags(): string[] {
  const given = process.env.BENCH_SERVICE_NODE_FLAGS;
  if (given !== undefined) return given.split(' ').filter((flag) => flag.length > 0);
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  // "npm run build --silent && node <flags> dist/src/main.js"
  const words = pkg.scripts.start.slice(pkg.scripts.start.lastIndexOf('node ') + 'node '.length).split(' ');
  return words.slice(0, words.indexOf('dist/src/main.js'));
}
