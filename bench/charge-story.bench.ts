/**
 * The charge story's query time over a month of one busy CPO (issue 18): GET /api/v1/operations/charge-story by each
 * key kind, p50 / p99 of sequential requests, beside the same run's ceiling (the same HTTP stack answering a bare
 * primary-key lookup), in a forked service process (charge-story-worker.ts). A fresh database per run (bench-database.ts).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { createBenchDatabase, DatabaseKind } from './bench-database';
import type { StoryWorkerMessage, StoryWorkerRequest } from './charge-story-worker';

export type StoryResult = Extract<StoryWorkerMessage, { type: 'result' }>['result'] & { kind: DatabaseKind; sessions: number; database: string };

export async function benchChargeStory(kind: DatabaseKind, sessions: number, requests: number): Promise<StoryResult> {
  const database = await createBenchDatabase(kind, process.env.DATABASE_URL);
  try {
    const child = fork(join(__dirname, 'charge-story-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const result = await new Promise<Extract<StoryWorkerMessage, { type: 'result' }>['result']>((resolve, reject) => {
      child.once('message', (m: StoryWorkerMessage) => (m.type === 'result' ? resolve(m.result) : reject(new Error(m.message))));
      child.once('exit', (code) => reject(new Error(`charge-story-worker exited with code ${code}`)));
      const request: StoryWorkerRequest = { databaseEnv: database.env, sessions, requests };
      child.send(request);
    });
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    return { ...result, kind, sessions, database: database.description };
  } finally {
    await database.remove();
  }
}

/** One line per figure, for the log. */
export function formatChargeStory(r: StoryResult): string {
  const rows = Object.entries(r.rows)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  const line = (l: StoryResult['ceiling'], withRatio: boolean) =>
    `    ${l.name.padEnd(34)} p50 ${l.p50Ms.toFixed(2).padStart(7)} ms  p99 ${l.p99Ms.toFixed(2).padStart(7)} ms  (${l.items} ${l.name.startsWith('token_uid (busy') ? 'charges' : 'events'})${
      withRatio ? `  p50 ÷ ceiling ${(l.p50Ms / Math.max(0.01, r.ceiling.p50Ms)).toFixed(1)}×, p99 ÷ ceiling ${(l.p99Ms / Math.max(0.01, r.ceiling.p99Ms)).toFixed(1)}×` : ''
    }`;
  return [
    `  ${r.kind}: ${r.sessions} Sessions of one CPO over 30 days (seeded in ${(r.seedMs / 1000).toFixed(1)} s: ${rows}); ${r.ceiling.requests} sequential requests per key`,
    ...r.latencies.map((l) => line(l, true)),
    line(r.ceiling, false).replace(/\(1 events\)/, '(one row)'),
  ].join('\n');
}
