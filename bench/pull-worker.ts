/**
 * Child process of the pull benchmark (forked by pull-locations.bench.ts, so its memory figures are the
 * service's own plus, for PGlite, the embedded database's; the CPO simulator lives in the parent).
 * Starts the service on the database it is given, registers with the simulator through the operations API,
 * then times `runs` × "sync now" (POST /connections/{id}/sync, then its runs followed until finished; run 1 inserts,
 * later runs use ?full=true: same objects again, the idempotent update path). Reports over IPC; never prints.
 */
import { randomBytes } from 'node:crypto';
import { loadEnvironment } from '../src/config/env.validation';
import { RunningService, startService } from '../src/service';
import { opsClient, syncAndWait, type Connection, type ConnectionSummary } from './ops-client';
import { round, toMiB } from './stats';
import type { PullRun, PullWorkerRequest, PullWorkerMessage } from './pull-locations.bench';

function send(message: PullWorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

/**
 * Samples the resident set size every 20 ms; `peak()` is the largest seen since the last `reset()`, `heapAtPeak()` the
 * JS heap (used, total) at that sample: how much of the peak is the heap V8 let grow before collecting.
 */
function rssSampler() {
  let max = 0;
  let heapAtPeak = { used: 0, total: 0 };
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss <= max) return;
    max = rss;
    const { heapUsed, heapTotal } = process.memoryUsage();
    heapAtPeak = { used: heapUsed, total: heapTotal };
  };
  const timer = setInterval(sample, 20);
  return {
    reset: () => ((max = 0), sample()),
    peak: () => (sample(), max),
    heapAtPeak: () => heapAtPeak,
    stop: () => clearInterval(timer),
  };
}

async function run(request: PullWorkerRequest): Promise<void> {
  const rss = rssSampler();
  const t0 = performance.now();
  const env = loadEnvironment({
    ...request.databaseEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SYNC_INTERVAL_MINUTES: '0',
    // SEARCH_INDEX_POLL_MS=0 in the bench's environment: an instance that only pulls (no in-memory search index), whose
    // memory is the pull's own; by default the service holds the index, which grows with the Locations held.
    ...(process.env.SEARCH_INDEX_POLL_MS !== undefined ? { SEARCH_INDEX_POLL_MS: process.env.SEARCH_INDEX_POLL_MS } : {}),
    // HEAP_GROWING_PERCENT in the bench's environment: the pull's speed and memory at another V8 heap growing factor.
    ...(process.env.HEAP_GROWING_PERCENT !== undefined ? { HEAP_GROWING_PERCENT: process.env.HEAP_GROWING_PERCENT } : {}),
    OCPI_PAGE_LIMIT: String(request.pageLimit),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    OPERATIONS_API_KEY: `ops-${randomBytes(12).toString('hex')}`,
    INTERNAL_API_KEY: `int-${randomBytes(12).toString('hex')}`,
    FINANCE_API_KEY: `fin-${randomBytes(12).toString('hex')}`,
  });
  let service: RunningService | undefined;
  try {
    service = await startService(env);
    const startMs = performance.now() - t0;
    const ops = opsClient(service.url, env.OPERATIONS_API_KEY);
    const t1 = performance.now();
    const connection = await ops<Connection>('POST', '/connections', { name: 'Bench CPO', versions_url: request.versionsUrl, token_a: request.tokenA });
    const registerMs = performance.now() - t1;
    const runs: PullRun[] = [];
    for (let i = 1; i <= request.runs; i++) {
      rss.reset();
      const cpuBefore = process.cpuUsage();
      const started = Date.now();
      const outcomes = await syncAndWait(ops, connection.id, { full: i > 1 });
      // From the POST to the service closing the last run (its own clock, the same machine's): no polling delay in it.
      const wallMs = Math.max(...outcomes.map((o) => (o.finished_at ? Date.parse(o.finished_at) : started))) - started;
      const peakRss = rss.peak();
      const cpu = process.cpuUsage(cpuBefore);
      // This simulator serves no Sessions or CDRs: their pulls are SKIPPED, as they should be; anything else not SUCCEEDED is a failure.
      const failed = outcomes.filter((o) => o.status === 'FAILED' || (o.status === 'SKIPPED' && o.module !== 'sessions' && o.module !== 'cdrs'));
      if (failed.length > 0) throw new Error(`run ${i}: ${failed.map((o) => `${o.module} ${o.status}: ${o.message}`).join('; ')}`);
      // One outcome per module, always: these finds cannot miss.
      const loc = outcomes.find((o) => o.module === 'locations')!;
      const { stored } = await ops<ConnectionSummary>('GET', `/connections/${connection.id}/summary`);
      const result: PullRun = {
        run: i,
        kind: i === 1 ? 'insert' : 'update',
        wallMs: round(wallMs),
        locationsPerSecond: round(loc.received / (wallMs / 1000)),
        pages: loc.pages,
        received: loc.received,
        stored: loc.stored,
        rejected: loc.rejected + outcomes.find((o) => o.module === 'tariffs')!.rejected,
        locations: stored.locations,
        evses: stored.evses,
        connectors: stored.connectors,
        tariffs: stored.tariffs,
        peakRssMiB: toMiB(peakRss),
        heapUsedAtPeakMiB: toMiB(rss.heapAtPeak().used),
        heapTotalAtPeakMiB: toMiB(rss.heapAtPeak().total),
        serviceCpuMs: round((cpu.user + cpu.system) / 1000),
      };
      runs.push(result);
      await send({ type: 'run', run: result });
    }
    rss.stop();
    await send({
      type: 'result',
      result: { startMs: round(startMs), registerMs: round(registerMs), runs, processMaxRssMiB: toMiB(process.resourceUsage().maxRSS * 1024) },
    });
  } finally {
    rss.stop();
    await service?.stop();
  }
}

process.once('message', (request: PullWorkerRequest) => {
  run(request)
    .then(() => process.exit(0))
    .catch(async (error: unknown) => {
      await send({ type: 'error', message: (error as Error).stack ?? String(error) });
      process.exit(1);
    });
});
