/**
 * One load run with autocannon (a well-kept HTTP load generator, in this process) against a URL, with per-request
 * paths taken in turn from a list. Latencies in ms, throughput in requests/s over the measured duration.
 */
import { round } from './stats';

/** What the benchmark keeps of an autocannon run. */
export interface LoadRun {
  scenario: string;
  connections: number;
  durationS: number;
  requests: number;
  /** Requests of the warm-up before the measured run (not in the figures; for per-request costs over both). */
  warmupRequests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connection errors and timeouts, and answers that were not 2xx: all must be 0 for the figures to count. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Mean response body, bytes. */
  meanBodyBytes: number;
  /**
   * CPU time of this process (the load generator, autocannon) per measured request, ms: on a machine whose few cores
   * the client shares with the service, a client busy for 1 ÷ requestsPerSecond of each second per core caps both
   * figures, the ceiling's first.
   */
  clientCpuMsPerRequest: number;
}

interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
}

interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  throughput: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no type declarations; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon: Autocannon = require('autocannon');

export interface LoadOptions {
  scenario: string;
  baseUrl: string;
  /** Paths (with query) used in turn by every connection (GET). */
  paths: string[];
  /** Instead of `paths`: each request made afresh (method, path, JSON body), e.g. PATCHes with a growing last_updated. */
  make?: () => { method: string; path: string; body?: string };
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  /** Seconds of load before the measured run (JIT, database caches and plans); not recorded. */
  warmupS: number;
}

/** Warms up, then measures `durationS` seconds of `connections` concurrent connections. */
export async function runLoad(o: LoadOptions): Promise<LoadRun> {
  let next = 0;
  const options = (durationS: number) => ({
    url: o.baseUrl,
    connections: o.connections,
    duration: durationS,
    timeout: 30,
    headers: o.headers ?? {},
    requests: [
      {
        method: 'GET',
        setupRequest: (req: Record<string, unknown>) =>
          o.make ? { ...req, ...o.make(), headers: { ...(req.headers as object), 'content-type': 'application/json' } } : { ...req, path: o.paths[next++ % o.paths.length] },
      },
    ],
  });
  const warmup = o.warmupS > 0 ? await autocannon(options(o.warmupS)) : null;
  const cpuBefore = process.cpuUsage();
  const r = await autocannon(options(o.durationS));
  const cpu = process.cpuUsage(cpuBefore);
  return {
    scenario: o.scenario,
    connections: o.connections,
    durationS: round(r.duration, 2),
    requests: r.requests.total,
    warmupRequests: warmup?.requests.total ?? 0,
    requestsPerSecond: round(r.requests.total / r.duration),
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    meanBodyBytes: r.requests.total > 0 ? Math.round(r.throughput.total / r.requests.total) : 0,
    clientCpuMsPerRequest: r.requests.total > 0 ? round((cpu.user + cpu.system) / 1000 / r.requests.total, 3) : 0,
  };
}
