/**
 * Console page load time with N connections and M call-log entries (issue 18; default 500 and 1,000,000): each of the
 * console's heaviest pages (connections list, health of every CPO and of one, call log first page, by CPO, by object
 * id) fetched over HTTP with the session cookie, one request at a time, p50 and p99, beside the same run's ceiling: a
 * bare Fastify route in the same process answering that page's bytes, rendered once. In a forked service process
 * (console-worker.ts); a fresh database per run (bench-database.ts).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { createBenchDatabase, DatabaseKind } from './bench-database';
import type { ConsolePageFigures, ConsoleWorkerMessage, ConsoleWorkerRequest } from './console-worker';

export interface ConsoleOptions {
  connections: number;
  callLog: number;
  requests: number;
}

export interface ConsoleResult extends ConsoleOptions {
  kind: DatabaseKind;
  database: string;
  seedMs: number;
  pages: ConsolePageFigures[];
}

export async function benchConsole(kind: DatabaseKind, options: ConsoleOptions): Promise<ConsoleResult> {
  const database = await createBenchDatabase(kind, process.env.DATABASE_URL);
  try {
    const child = fork(join(__dirname, 'console-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const result = await new Promise<Extract<ConsoleWorkerMessage, { type: 'result' }>['result']>((resolve, reject) => {
      child.once('message', (m: ConsoleWorkerMessage) => (m.type === 'result' ? resolve(m.result) : reject(new Error(m.message))));
      child.once('exit', (code) => reject(new Error(`console-worker exited with code ${code}`)));
      const request: ConsoleWorkerRequest = { databaseEnv: database.env, ...options };
      child.send(request);
    });
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    return { ...result, ...options, kind, database: database.description };
  } finally {
    await database.remove();
  }
}

/** One line per page, for the log: p50 / p99 of the page and of the ceiling, and the p50 ratio. */
export function formatConsole(r: ConsoleResult): string {
  const lines = [`  ${r.kind}: ${r.connections} connections, ${r.callLog} call-log entries (seeded in ${(r.seedMs / 1000).toFixed(1)} s), ${r.requests} requests per page`];
  for (const p of r.pages) {
    if (p.status !== 200) {
      lines.push(`    ${p.name} (${p.path}): HTTP ${p.status}, not timed${p.status === 404 ? ' (no such page on this build)' : ''}`);
      continue;
    }
    lines.push(
      `    ${p.name}: ${(p.bytes / 1024).toFixed(0)} KiB, p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms; ceiling p50 ${p.ceilingP50Ms} ms, p99 ${p.ceilingP99Ms} ms; p50 ÷ ceiling ${(p.p50Ms / Math.max(0.01, p.ceilingP50Ms)).toFixed(1)}×`,
    );
  }
  return lines.join('\n');
}
