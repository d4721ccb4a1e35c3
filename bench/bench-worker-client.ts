/**
 * The parent's side of the bench workers' small IPC protocol (api-worker.ts: the service in its own process;
 * api-bare-worker.ts: the bare route): start, VACUUM ANALYZE, index stats, the raw-SQL ceiling, stop.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { ApiWorkerMessage, SearchIndexStats, SqlCeilingRequest, SqlCeilingResult } from './api-worker';

export interface Worker {
  start(request: unknown): Promise<Extract<ApiWorkerMessage, { type: 'ready' }>>;
  analyze(): Promise<unknown>;
  indexStats(): Promise<SearchIndexStats>;
  /** Runs the raw-SQL ceiling in the service's process, on its own connection pool. */
  sqlCeiling(request: SqlCeilingRequest): Promise<SqlCeilingResult>;
  /** CPU time the worker has used so far, µs (user + system). */
  cpuMicros(): Promise<number>;
  stop(): Promise<{ maxRssMiB: number }>;
}

/** Forks a bench worker (compiled, next to this file) and speaks its small IPC protocol. */
export function forkWorker(file: string): Worker {
  const child = fork(join(__dirname, file), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--expose-gc', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [])],
  });
  const next = <T extends ApiWorkerMessage['type']>(type: T) =>
    new Promise<Extract<ApiWorkerMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (m: ApiWorkerMessage) => {
        if (m.type === 'error') reject(new Error(m.message));
        else if (m.type === type) resolve(m as Extract<ApiWorkerMessage, { type: T }>);
        else return;
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onExit = (code: number | null) => reject(new Error(`${file} exited with code ${code} while we waited for "${type}"`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    start(request) {
      const ready = next('ready');
      child.send({ type: 'start', request });
      return ready;
    },
    analyze() {
      const done = next('analyzed');
      child.send({ type: 'analyze' });
      return done;
    },
    async indexStats() {
      const done = next('index');
      child.send({ type: 'index' });
      return (await done).stats;
    },
    async sqlCeiling(request) {
      const done = next('sql');
      child.send({ type: 'sql', request });
      return (await done).result;
    },
    async cpuMicros() {
      const done = next('cpu');
      child.send({ type: 'cpu' });
      return (await done).micros;
    },
    stop() {
      if (child.exitCode !== null) return Promise.resolve({ maxRssMiB: 0 });
      const stopped = next('stopped');
      child.send({ type: 'stop' });
      return stopped;
    },
  };
}
