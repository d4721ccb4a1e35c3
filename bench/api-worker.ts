/**
 * Child process of the API benchmark: the service alone in its own process (for PGlite, with the embedded
 * database), so the load generator in the parent and the service compete for the 2 cores as separate processes.
 * Starts the service on the database it is given (port 0, fresh secrets), reports { url, keys } over IPC, runs
 * VACUUM ANALYZE when asked, serves until told to stop, then reports its peak RSS. Never prints.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadEnvironment } from '../src/config/env.validation';
import { RunningService, startService } from '../src/service';
import { SearchIndexService } from '../src/locations/search/index/search-index.service';
import { toMiB } from './stats';

/** The search index loaded from scratch over the bench data: size, load time, heap it takes. */
export interface SearchIndexStats {
  locations: number;
  evses: number;
  loadMs: number;
  heapMiB: number;
  /** The service's RSS right after, before any load run (the peak RSS comes from the pull). */
  rssMiB: number;
  /** Of that RSS: the whole JS heap in use (index included) and memory outside it (buffers; PGlite's WebAssembly memory), MiB. */
  processHeapMiB: number;
  externalMiB: number;
}

export interface ApiWorkerRequest {
  databaseEnv: Record<string, string>;
  pageLimit: number;
}

/**
 * The ceiling for a pushed EVSE status: the one SQL statement that stores it (UPDATE of one evse row), run by
 * `concurrency` loops on the service's own connection pool for `durationS` seconds (after `warmupS`), over up to 5,000
 * EVSEs in turn.
 */
export interface SqlCeilingRequest {
  concurrency: number;
  durationS: number;
  warmupS: number;
}

export interface SqlCeilingResult {
  statements: number;
  statementsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export type ApiWorkerMessage =
  | { type: 'ready'; url: string; internalKey: string; opsKey: string }
  | { type: 'analyzed' }
  | { type: 'index'; stats: SearchIndexStats }
  | { type: 'sql'; result: SqlCeilingResult }
  | { type: 'cpu'; micros: number }
  | { type: 'stopped'; maxRssMiB: number }
  | { type: 'error'; message: string };

function send(message: ApiWorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

let service: RunningService | undefined;

async function start(request: ApiWorkerRequest): Promise<void> {
  const env = loadEnvironment({
    ...request.databaseEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SYNC_INTERVAL_MINUTES: '0',
    OCPI_PAGE_LIMIT: String(request.pageLimit),
    OCPI_RESPONSE_TIMEOUT_MS: '120000',
    // The push benchmark is one partner sending as fast as it can: measured without the per-partner guard.
    OCPI_RATE_LIMIT_PER_MINUTE: '0',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    OPERATIONS_API_KEY: `ops-${randomBytes(12).toString('hex')}`,
    INTERNAL_API_KEY: `int-${randomBytes(12).toString('hex')}`,
    FINANCE_API_KEY: `fin-${randomBytes(12).toString('hex')}`,
  });
  service = await startService(env);
  await send({ type: 'ready', url: service.url, internalKey: env.INTERNAL_API_KEY, opsKey: env.OPERATIONS_API_KEY });
}

/** Loads the search index again as at start-up; the heap difference (after full GCs, --expose-gc) is its size. */
async function measureIndex(): Promise<SearchIndexStats> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  let heapWithout = 0;
  const stats = await service!.app.get(SearchIndexService).reload(() => {
    gc();
    heapWithout = process.memoryUsage().heapUsed;
  });
  gc();
  const memory = process.memoryUsage();
  return {
    locations: stats.locations,
    evses: stats.evses,
    loadMs: stats.ms,
    heapMiB: toMiB(memory.heapUsed - heapWithout),
    rssMiB: toMiB(memory.rss),
    processHeapMiB: toMiB(memory.heapUsed),
    externalMiB: toMiB(memory.external),
  };
}

async function sqlCeiling(request: SqlCeilingRequest): Promise<SqlCeilingResult> {
  const db = service!.app.get(DataSource);
  const evseIds = (await db.query<Array<{ id: string }>>(`SELECT id FROM evse ORDER BY id LIMIT 5000`)).map((r) => r.id);
  let next = 0;
  const run = async (seconds: number, latencies: number[] | null) => {
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: request.concurrency }, async () => {
        while (performance.now() < until) {
          const id = evseIds[next++ % evseIds.length];
          const t0 = performance.now();
          await db.query(`UPDATE evse SET status = $2, last_updated = $3, stored_at = now() WHERE id = $1`, [id, next % 2 === 0 ? 'CHARGING' : 'AVAILABLE', new Date()]);
          latencies?.push(performance.now() - t0);
        }
      }),
    );
  };
  await run(request.warmupS, null);
  const latencies: number[] = [];
  const t0 = performance.now();
  await run(request.durationS, latencies);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return { statements: latencies.length, statementsPerSecond: Math.round(latencies.length / seconds), p50Ms: at(0.5), p99Ms: at(0.99) };
}

process.on(
  'message',
  (
    message:
      { type: 'start'; request: ApiWorkerRequest } | { type: 'analyze' } | { type: 'index' } | { type: 'sql'; request: SqlCeilingRequest } | { type: 'cpu' } | { type: 'stop' },
  ) => {
    if (message.type === 'cpu') {
      // CPU time (user + system) this process has used so far: per request, a figure the machine's other load does not skew.
      const { user, system } = process.cpuUsage();
      void send({ type: 'cpu', micros: user + system });
    } else if (message.type === 'sql') {
      sqlCeiling(message.request).then(
        (result) => send({ type: 'sql', result }),
        (error: Error) => send({ type: 'error', message: error.message }),
      );
    } else if (message.type === 'index') {
      measureIndex().then(
        (stats) => send({ type: 'index', stats }),
        (error: Error) => send({ type: 'error', message: error.message }),
      );
    } else if (message.type === 'analyze') {
      // Fresh planner statistics and visibility map after a bulk load, as autovacuum would leave them (on a server
      // where it is off, and on PGlite, nothing else does it).
      service!.app
        .get(DataSource)
        .query('VACUUM ANALYZE')
        .then(
          () => send({ type: 'analyzed' }),
          (error: Error) => send({ type: 'error', message: error.message }),
        );
    } else if (message.type === 'start') {
      start(message.request).catch(async (error: unknown) => {
        await send({ type: 'error', message: (error as Error).stack ?? String(error) });
        process.exit(1);
      });
    } else {
      void (async () => {
        await service?.stop();
        await send({ type: 'stopped', maxRssMiB: toMiB(process.resourceUsage().maxRSS * 1024) });
        process.exit(0);
      })();
    }
  },
);
