/**
 * Benchmarks: `npm run bench [-- flags]` (builds, then runs dist/bench/run.js).
 *
 *   --only pull|cold-start|price|api|push|authorize|reconcile|reprice|story|console|block|import   run one benchmark only (default: all)
 *   --block-cpos N           simulated 2.2.1 CPOs holding our Tokens in the token-block benchmark (default 3)
 *   --block-tokens N         Tokens held in the token-block benchmark (default 10000)
 *   --blocks N               blocks sent one at a time in the token-block benchmark (default 200)
 *   --import-tokens N        Tokens imported through the internal API in the token-import benchmark, pushed to
 *                            --block-cpos simulated CPOs (default 10000)
 *   --lines N                invoice lines (and CDRs) of the reconciliation benchmark (default 100000)
 *   --history-cdrs N         CDRs of four earlier months the CPO also holds in the reconciliation benchmark's second
 *                            scenario, three of those months invoiced on earlier invoices (default 400000)
 *   --story-sessions N       Sessions of the busy CPO's month in the charge-story benchmark (default 90000: 3,000 a day)
 *   --cdrs N                 CDRs re-priced per run of the re-pricing benchmark (default 20000; --runs runs)
 *   --locations N            Locations the simulated CPO serves in the pull benchmark (default 5000); the same rows are
 *                            then written straight with pg for the two ceilings (bench/pull-ceiling.ts)
 *   --push-locations N       Locations held for the push benchmark (default 2000, about 5,000 EVSEs)
 *   --runs N                 repetitions of the pull and cold-start benchmarks (default 3; pull run 1 inserts, runs 2..N re-pull with ?full=true)
 *   --tokens N               Tokens held for the authorization benchmark (default 1000000)
 *   --evses N                EVSEs loaded for the API benchmark (default 200000, about 69,000 Locations)
 *   --duration S             seconds of each API load run, after a warm-up of a third of it (default 15)
 *   --connections N          concurrent connections of the API load runs (default 50)
 *   --console-connections N  connections of the console benchmark (default 500)
 *   --call-log N             call-log entries of the console benchmark (default 1000000)
 *   --database pglite|postgres   run the pull and API benchmarks on that database only (default: both, see below)
 *
 * The pull and API benchmarks run on PGlite always and on PostgreSQL when DATABASE_URL is set (a fresh
 * `ocpi_bench_<random>` database is created on that server and dropped afterwards). Prints tables and writes
 * bench/results/latest.json.
 * Exit code 0 when everything ran, 1 on a failure, 2 on bad flags, 130 when interrupted.
 */
import { join } from 'node:path';
import { findProjectRoot } from '../test/cpo-simulator';
import { DatabaseKind } from './bench-database';
import { ApiOptions, benchApi } from './api-search.bench';
import { benchColdStart } from './cold-start.bench';
import { benchPriceEstimates, formatPriceBench, PriceBenchResult } from './price-estimate.bench';
import { benchPull, PullResult } from './pull-locations.bench';
import { benchPush, PushOptions } from './push.bench';
import { AuthorizeResult, benchAuthorize } from './authorize.bench';
import { benchReconcile, formatReconcile, ReconcileResult } from './reconcile.bench';
import { benchReprice, formatReprice, RepriceResult } from './reprice.bench';
import { benchConsole, ConsoleResult, formatConsole } from './console.bench';
import { BenchReport, formatReport, machineInfo, writeReport } from './report';
import { benchChargeStory, formatChargeStory, StoryResult } from './charge-story.bench';
import { benchTokenBlock, benchTokenImport, TokenBlockResult, TokenImportResult } from './token-block.bench';

const PAGE_LIMIT = 100; // the service's default OCPI_PAGE_LIMIT; the simulator is told to allow it
const SEED = 20240101;

const ONLY = ['pull', 'cold-start', 'price', 'api', 'push', 'authorize', 'reconcile', 'reprice', 'story', 'console', 'block', 'import'] as const;
/** Timed requests per console page. */
const CONSOLE_REQUESTS = 50;
const API_PAGE_LIMIT = 1000; // the largest page the service asks for (OCPI_PAGE_LIMIT), to load 200,000 EVSEs quickly

interface Flags {
  only: (typeof ONLY)[number] | null;
  database: DatabaseKind | null;
  locations: number;
  pushLocations: number;
  tokens: number;
  runs: number;
  evses: number;
  duration: number;
  connections: number;
  lines: number;
  historyCdrs: number;
  storySessions: number;
  cdrs: number;
  consoleConnections: number;
  callLog: number;
  blockCpos: number;
  blockTokens: number;
  blocks: number;
  importTokens: number;
}

const NUMERIC_FLAGS: Record<
  string,
  | 'locations'
  | 'pushLocations'
  | 'tokens'
  | 'runs'
  | 'evses'
  | 'duration'
  | 'connections'
  | 'lines'
  | 'historyCdrs'
  | 'storySessions'
  | 'cdrs'
  | 'consoleConnections'
  | 'callLog'
  | 'blockCpos'
  | 'blockTokens'
  | 'blocks'
  | 'importTokens'
> = {
  '--locations': 'locations',
  '--tokens': 'tokens',
  '--push-locations': 'pushLocations',
  '--runs': 'runs',
  '--evses': 'evses',
  '--duration': 'duration',
  '--connections': 'connections',
  '--lines': 'lines',
  '--history-cdrs': 'historyCdrs',
  '--story-sessions': 'storySessions',
  '--cdrs': 'cdrs',
  '--console-connections': 'consoleConnections',
  '--call-log': 'callLog',
  '--block-cpos': 'blockCpos',
  '--block-tokens': 'blockTokens',
  '--blocks': 'blocks',
  '--import-tokens': 'importTokens',
};

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    only: null,
    database: null,
    locations: 5000,
    pushLocations: 2000,
    tokens: 1_000_000,
    runs: 3,
    evses: 200_000,
    duration: 15,
    connections: 50,
    lines: 100_000,
    historyCdrs: 400_000,
    storySessions: 90_000,
    cdrs: 20_000,
    consoleConnections: 500,
    callLog: 1_000_000,
    blockCpos: 3,
    blockTokens: 10_000,
    blocks: 200,
    importTokens: 10_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--only') {
      if (!(ONLY as readonly string[]).includes(value)) throw new Error(`--only must be one of ${ONLY.join(', ')}, got "${value}"`);
      flags.only = value as Flags['only'];
    } else if (name === '--database') {
      if (value !== 'pglite' && value !== 'postgres') throw new Error(`--database must be pglite or postgres, got "${value}"`);
      if (value === 'postgres' && !process.env.DATABASE_URL) throw new Error('--database postgres needs DATABASE_URL');
      flags.database = value;
    } else if (name in NUMERIC_FLAGS) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${value}"`);
      flags[NUMERIC_FLAGS[name]] = n;
    } else {
      throw new Error(
        `Unknown flag ${name} (known: --only ${ONLY.join('|')}, --database pglite|postgres, ${Object.keys(NUMERIC_FLAGS)
          .map((f) => `${f} N`)
          .join(', ')})`,
      );
    }
  }
  return flags;
}

let interrupted = false;

async function main(flags: Flags): Promise<void> {
  const root = findProjectRoot(__dirname);
  const report: BenchReport & {
    price: PriceBenchResult | null;
    authorize: AuthorizeResult[];
    reconcile: ReconcileResult[];
    reprice: RepriceResult | null;
    story: StoryResult[];
    console: ConsoleResult[];
    block: TokenBlockResult[];
    import: TokenImportResult[];
  } = {
    machine: machineInfo(root),
    options: {
      only: flags.only,
      locations: flags.locations,
      runs: flags.runs,
      pageLimit: PAGE_LIMIT,
      seed: SEED,
      evses: flags.evses,
      durationS: flags.duration,
      connections: flags.connections,
    },
    pull: [],
    coldStart: null,
    price: null,
    api: [],
    push: [],
    authorize: [],
    reconcile: [],
    story: [],
    reprice: null,
    console: [],
    block: [],
    import: [],
  };
  if (flags.only === null || flags.only === 'price') {
    log(`Price estimates (complex example tariff, one core), ${flags.runs} run(s)…`);
    report.price = benchPriceEstimates(root, { runs: flags.runs, seed: SEED }, (name, r) =>
      log(`  ${name}, run ${r.run}: ${r.estimatesPerCpuSecond} estimates per CPU-second (${r.estimatesPerSecond}/s wall)`),
    );
  }
  const kinds: DatabaseKind[] = flags.database ? [flags.database] : process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  if (!process.env.DATABASE_URL && flags.only !== 'cold-start' && flags.only !== 'price' && flags.only !== 'reprice')
    log('PostgreSQL skipped: set DATABASE_URL to a server where a database may be created.');
  if (flags.only === null || flags.only === 'pull') {
    for (const kind of kinds) {
      if (interrupted) return;
      log(`Pull of ${flags.locations} locations on ${kind}, ${flags.runs} run(s)…`);
      const result: PullResult = await benchPull(
        kind,
        { locations: flags.locations, runs: flags.runs, pageLimit: PAGE_LIMIT, seed: SEED },
        (r) =>
          log(
            `  run ${r.run} (${r.kind}): ${(r.wallMs / 1000).toFixed(2)} s, ${r.locationsPerSecond.toFixed(0)} locations/s, service CPU ${(r.serviceCpuMs / 1000).toFixed(2)} s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB (JS heap then ${r.heapUsedAtPeakMiB.toFixed(0)} used of ${r.heapTotalAtPeakMiB.toFixed(0)} MiB)`,
          ),
        (c) =>
          log(
            `  ceiling ${c.method}: ${(c.wallMs / 1000).toFixed(2)} s, ${c.rowsPerSecond.toFixed(0)} rows/s, ${c.locationsPerSecond.toFixed(0)} locations/s${
              c.steps
                ? ` (${Object.entries(c.steps)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ')})`
                : ''
            }`,
          ),
      );
      log(`  pull insert ÷ upsert-batches ceiling: ${result.insertToUpsertCeiling}; ÷ copy-staging ceiling: ${result.insertToCopyCeiling}`);
      report.pull.push(result);
    }
  }
  if ((flags.only === null || flags.only === 'cold-start') && !interrupted) {
    log(`Cold start of the demo, ${flags.runs} run(s)…`);
    report.coldStart = await benchColdStart(root, flags.runs, (r) =>
      log(
        `  run ${r.run}: exit after ${r.wallS.toFixed(2)} s, first answer ${r.firstAnswerS} s, every CPO pulled ${r.allPulledS} s${r.builtTemplate ? ' (built the database template)' : ''}`,
      ),
    );
  }
  if (flags.only === null || flags.only === 'api') {
    const options: ApiOptions = {
      evses: flags.evses,
      durationS: flags.duration,
      warmupS: Math.max(1, Math.round(flags.duration / 3)),
      connections: flags.connections,
      pageLimit: API_PAGE_LIMIT,
      seed: SEED,
    };
    for (const kind of kinds) {
      if (interrupted) return;
      log(`API under load on ${kind}: ${flags.evses} EVSEs, ${flags.connections} connections, ${flags.duration} s per scenario…`);
      report.api.push(await benchApi(kind, options, log));
    }
  }
  if (flags.only === null || flags.only === 'push') {
    const options: PushOptions = {
      locations: flags.pushLocations,
      durationS: flags.duration,
      warmupS: Math.max(1, Math.round(flags.duration / 3)),
      connections: flags.connections,
      seed: SEED,
    };
    for (const kind of kinds) {
      if (interrupted) return;
      log(`Pushes on ${kind}: ${flags.pushLocations} locations held, ${flags.connections} connections, ${flags.duration} s per scenario…`);
      report.push.push(await benchPush(kind, options, log));
    }
  }
  if (flags.only === null || flags.only === 'authorize') {
    const options = { tokens: flags.tokens, durationS: flags.duration, warmupS: Math.max(1, Math.round(flags.duration / 3)), connections: flags.connections, seed: SEED };
    for (const kind of kinds) {
      if (interrupted) return;
      log(`Real-time authorization on ${kind}: ${flags.tokens} Tokens held, ${flags.connections} connections, ${flags.duration} s per scenario…`);
      const result = await benchAuthorize(kind, options, log);
      log(
        `  authorize ÷ bare: ${result.authorizeToBare}; service CPU ${result.serviceCpuMsPerRequest} ms an authorization, bare route ${result.bareCpuMsPerRequest} ms a request (${(result.serviceCpuMsPerRequest / result.bareCpuMsPerRequest).toFixed(2)}×)`,
      );
      report.authorize.push(result);
    }
  }
  if (flags.only === null || flags.only === 'reconcile') {
    for (const kind of kinds) {
      if (interrupted) return;
      log(`Reconciliation of an invoice of ${flags.lines} lines against ${flags.lines} CDRs on ${kind}…`);
      const result = await benchReconcile(kind, flags.lines);
      log(formatReconcile(result));
      report.reconcile.push(result);
      if (interrupted) return;
      // The same invoice once the CPO has a history: its figures should be today's (the report is the same, byte for byte).
      log(`Reconciliation of the same invoice, the CPO also holding ${flags.historyCdrs} CDRs of four earlier months, three of them invoiced, on ${kind}…`);
      const withHistory = await benchReconcile(kind, flags.lines, flags.historyCdrs);
      log(formatReconcile(withHistory));
      report.reconcile.push(withHistory);
    }
  }
  if (flags.only === null || flags.only === 'story') {
    for (const kind of kinds) {
      if (interrupted) return;
      log(`Charge story over a month of one busy CPO (${flags.storySessions} Sessions) on ${kind}…`);
      const result = await benchChargeStory(kind, flags.storySessions, 300);
      log(formatChargeStory(result));
      report.story.push(result);
    }
  }
  if ((flags.only === null || flags.only === 'reprice') && !interrupted) {
    log(`Re-pricing ${flags.cdrs} CDRs end to end on one core (no database round trips)…`);
    report.reprice = await benchReprice(flags.cdrs, flags.runs, log);
    log(formatReprice(report.reprice));
  }
  if (flags.only === null || flags.only === 'console') {
    for (const kind of kinds) {
      if (interrupted) return;
      log(`Console pages with ${flags.consoleConnections} connections and ${flags.callLog} call-log entries on ${kind}…`);
      const result = await benchConsole(kind, { connections: flags.consoleConnections, callLog: flags.callLog, requests: CONSOLE_REQUESTS });
      log(formatConsole(result));
      report.console.push(result);
    }
  }
  if (flags.only === null || flags.only === 'block') {
    for (const kind of kinds) {
      if (interrupted) return;
      log(`Token block → PATCH at ${flags.blockCpos} simulated CPOs on ${kind}: ${flags.blockTokens} Tokens held, ${flags.blocks} blocks one at a time…`);
      const result = await benchTokenBlock(kind, { cpos: flags.blockCpos, tokens: flags.blockTokens, blocks: flags.blocks }, log);
      log(`  the queue adds ${result.queueAddsP50Ms} ms at p50 over the ceiling (block → PATCH p50 ÷ ceiling p50: ${(result.overall.p50 / result.ceiling.p50).toFixed(1)})`);
      report.block.push(result);
    }
  }
  if (flags.only === null || flags.only === 'import') {
    for (const kind of kinds) {
      if (interrupted) return;
      log(`Token import → PUT at ${flags.blockCpos} simulated CPOs on ${kind}: ${flags.importTokens} new Tokens…`);
      report.import.push(await benchTokenImport(kind, { cpos: flags.blockCpos, tokens: flags.importTokens }, log));
    }
  }
  if (interrupted) return;
  const path = join(root, 'bench', 'results', 'latest.json');
  writeReport(path, report);
  log(`\n${formatReport(report)}${report.price ? `\n\n${formatPriceBench(report.price)}` : ''}\n\nWritten to ${path}`);
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

// Ctrl-C reaches the child processes too; let them die and the scenarios clean up (drop databases, remove
// folders, close simulators) before exiting. A second Ctrl-C exits at once.
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log('\nInterrupted: cleaning up…');
});

let flags: Flags;
try {
  flags = parseFlags(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
main(flags)
  .then(() => process.exit(interrupted ? 130 : 0))
  .catch((error: unknown) => {
    if (interrupted) process.exit(130);
    process.stderr.write(`\nBenchmark failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
