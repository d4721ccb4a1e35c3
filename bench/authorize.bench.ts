/**
 * Benchmark: real-time authorization (mod_tokens 2.2.1 §POST Method, we are the eMSP) under load, beside a bare route
 * in the same run on the same cores:
 *   bare       the same POST requests (JSON body parsed, an envelope answered) to a bare Fastify route: HTTP's ceiling;
 *   authorize  POST /ocpi/emsp/2.2.1/tokens/{uid}/authorize with a LocationReferences body, uids drawn at random from
 *              `tokens` Tokens held (a tenth of them blocked), `connections` concurrent CPO clients; answered from the
 *              in-memory copy, each answer recorded in batches.
 * Also: the memory the Token set holds in the service (JS heap and array buffers, reloaded after full GCs), and how long
 * loading it takes.
 * Target (issue 16): p99 < 20 ms and at least a third of the bare route's throughput.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { encodeBase64Authorization, mulberry32, startCpoSimulator, type CpoSimulator } from '../test/cpo-simulator';
import { runLoad, type LoadRun } from './api-load';
import type { AuthorizeWorkerMessage } from './authorize-worker';
import { createBenchDatabase, type BenchDatabase, type DatabaseKind } from './bench-database';
import { forkWorker, type Worker } from './bench-worker-client';
import { opsClient, type Connection } from './ops-client';
import { round } from './stats';

export interface AuthorizeOptions {
  tokens: number;
  durationS: number;
  warmupS: number;
  connections: number;
  seed: number;
}

export interface AuthorizeResult {
  database: DatabaseKind;
  description: string;
  tokens: number;
  /**
   * Memory held by the Token set, MiB: JS heap, array buffers (outside the heap: the packed typed arrays) and their sum;
   * bytes a Token (of the sum); the time to load it from the database, ms.
   */
  tokenSet: { heapMiB: number; arrayBuffersMiB: number; memoryMiB: number; loadMs: number; bytesPerToken: number };
  runs: LoadRun[];
  /** Service CPU time per authorization, ms (warm-up included in both count and time). */
  serviceCpuMsPerRequest: number;
  /**
   * The bare route's CPU time per request, ms (warm-up included): service ÷ bare is what an authorization costs beyond
   * HTTP, a figure that other work on the machine changes less than throughput.
   */
  bareCpuMsPerRequest: number;
  /** Authorizations per second ÷ the bare route's requests per second, same run. */
  authorizeToBare: number;
  serviceMaxRssMiB: number;
}

/** The authorize worker's IPC (also the token-block bench's service): one request, one awaited answer of the given type. */
export function authorizeWorker(): {
  child: ChildProcess;
  ask<T extends AuthorizeWorkerMessage['type']>(message: unknown, type: T): Promise<Extract<AuthorizeWorkerMessage, { type: T }>>;
} {
  const child = fork(join(__dirname, 'authorize-worker.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [
      '--expose-gc',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      // Node or V8 flags for the service alone, e.g. "--trace-gc" or "--max-semi-space-size=32" (split on spaces).
      ...(process.env.BENCH_SERVICE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ],
  });
  return {
    child,
    ask(message, type) {
      return new Promise((resolve, reject) => {
        const onMessage = (m: AuthorizeWorkerMessage) => {
          if (m.type !== 'error' && m.type !== type) return;
          child.off('message', onMessage);
          if (m.type === 'error') reject(new Error(m.message));
          else resolve(m as Extract<AuthorizeWorkerMessage, { type: typeof type }>);
        };
        child.on('message', onMessage);
        child.send(message as never);
      });
    },
  };
}

const OWNER = { countryCode: 'NL', partyId: 'AUZ' };

/** Runs the authorization benchmark on one database kind. */
export async function benchAuthorize(kind: DatabaseKind, options: AuthorizeOptions, log: (line: string) => void): Promise<AuthorizeResult> {
  let simulator: CpoSimulator | undefined;
  let database: BenchDatabase | undefined;
  let service: ReturnType<typeof authorizeWorker> | undefined;
  let bare: Worker | undefined;
  try {
    simulator = await startCpoSimulator({ ...OWNER, businessName: 'Authorize bench CPO', locations: [], tariffs: [] });
    database = await createBenchDatabase(kind, process.env.DATABASE_URL);
    service = authorizeWorker();
    const ready = await service.ask({ type: 'start', databaseEnv: database.env }, 'ready');
    const ops = opsClient(ready.url, ready.opsKey);
    await ops<Connection>('POST', '/connections', { name: 'Authorize bench CPO', versions_url: simulator.versionsUrl, token_a: simulator.tokenA });
    const token = simulator.registration.tokenForClient;
    if (!token) throw new Error('the simulator holds no token to call with');
    log(`  loading ${options.tokens} Tokens…`);
    const loaded = await service.ask({ type: 'load', count: options.tokens }, 'loaded');
    log(`  ${loaded.tokens} Tokens written and held in ${(loaded.ms / 1000).toFixed(1)} s; measuring the set's heap…`);
    const measured = await service.ask({ type: 'measure' }, 'measured');
    const memoryMiB = measured.heapMiB + measured.arrayBuffersMiB;
    const bytesPerToken = Math.round((memoryMiB * 1024 * 1024) / measured.tokens);
    log(
      `  Token set: ${memoryMiB} MiB (${measured.heapMiB} MiB of JS heap, ${measured.arrayBuffersMiB} MiB of array buffers; ${bytesPerToken} bytes a Token), loaded in ${(measured.loadMs / 1000).toFixed(1)} s`,
    );

    const rng = mulberry32(options.seed);
    const headers = { Authorization: encodeBase64Authorization(token) };
    const body = JSON.stringify({ location_id: 'LOC-1', evse_uids: ['EVSE-1'] });
    const authorize = (prefix: string) => () => {
      const i = 1 + Math.floor(rng.next() * options.tokens);
      return { method: 'POST', path: `${prefix}/ocpi/emsp/2.2.1/tokens/BENCH-${String(i).padStart(7, '0')}/authorize`, body };
    };
    const load = { connections: options.connections, durationS: options.durationS, warmupS: options.warmupS, paths: [] };
    const runs: LoadRun[] = [];
    bare = forkWorker('api-bare-worker.js');
    const bareUrl = (await bare.start(undefined)).url;
    const bareBefore = await bare.cpuMicros();
    runs.push(await runLoad({ scenario: 'bare', baseUrl: bareUrl, make: authorize('/bare'), headers, ...load }));
    const bareCpuMicros = (await bare.cpuMicros()) - bareBefore;
    log(`  ${describe(runs[0])}`);
    await bare.stop();
    bare = undefined;
    const before = (await service.ask({ type: 'cpu' }, 'cpu')).micros;
    runs.push(await runLoad({ scenario: 'authorize', baseUrl: ready.url, make: authorize(''), headers, ...load }));
    const after = (await service.ask({ type: 'cpu' }, 'cpu')).micros;
    log(`  ${describe(runs[1])}`);
    const { maxRssMiB } = await service.ask({ type: 'stop' }, 'stopped');
    service = undefined;
    return {
      database: kind,
      description: database.description,
      tokens: measured.tokens,
      tokenSet: { heapMiB: measured.heapMiB, arrayBuffersMiB: measured.arrayBuffersMiB, memoryMiB, loadMs: measured.loadMs, bytesPerToken },
      runs,
      serviceCpuMsPerRequest: round((after - before) / 1000 / (runs[1].requests + runs[1].warmupRequests), 3),
      bareCpuMsPerRequest: round(bareCpuMicros / 1000 / (runs[0].requests + runs[0].warmupRequests), 3),
      authorizeToBare: round(runs[1].requestsPerSecond / runs[0].requestsPerSecond, 3),
      serviceMaxRssMiB: maxRssMiB,
    };
  } finally {
    await bare?.stop().catch(() => undefined);
    if (service) await service.ask({ type: 'stop' }, 'stopped').catch(() => undefined);
    await simulator?.close();
    await database?.remove();
  }
}

function describe(r: LoadRun): string {
  const problems = r.errors + r.timeouts + r.non2xx > 0 ? ` (errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx})` : '';
  // The client's share of a core: with the service and the database on the same two cores, a busy client caps both runs.
  const clientCores = (r.clientCpuMsPerRequest * r.requestsPerSecond) / 1000;
  return `${r.scenario.padEnd(10)} ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.meanBodyBytes} B an answer; client CPU ${r.clientCpuMsPerRequest} ms a request (${clientCores.toFixed(2)} of a core)${problems}`;
}
