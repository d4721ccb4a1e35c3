/**
 * Reconciliation of one invoice of N lines against N CDRs (issue 17; target under 30 s and 300 MB on PostgreSQL):
 * the report as finance asks for it over HTTP, in a forked service process (reconcile-worker.ts), beside the same run's
 * ceiling, the same rows read with one query. A fresh database per run (bench-database.ts).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { createBenchDatabase, DatabaseKind } from './bench-database';
import type { ReconcileWorkerMessage, ReconcileWorkerRequest } from './reconcile-worker';

export type ReconcileResult = Extract<ReconcileWorkerMessage, { type: 'result' }>['result'] & { kind: DatabaseKind; lines: number; database: string };

export async function benchReconcile(kind: DatabaseKind, lines: number): Promise<ReconcileResult> {
  const database = await createBenchDatabase(kind, process.env.DATABASE_URL);
  try {
    const child = fork(join(__dirname, 'reconcile-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc'] });
    const result = await new Promise<Extract<ReconcileWorkerMessage, { type: 'result' }>['result']>((resolve, reject) => {
      child.once('message', (m: ReconcileWorkerMessage) => (m.type === 'result' ? resolve(m.result) : reject(new Error(m.message))));
      child.once('exit', (code) => reject(new Error(`reconcile-worker exited with code ${code}`)));
      const request: ReconcileWorkerRequest = { databaseEnv: database.env, lines };
      child.send(request);
    });
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    return { ...result, kind, lines, database: database.description };
  } finally {
    await database.remove();
  }
}

/** One line per figure, for the log. */
export function formatReconcile(r: ReconcileResult): string {
  return [
    `  ${r.kind}: ${r.lines} lines against ${r.lines} CDRs (seeded in ${(r.seedMs / 1000).toFixed(1)} s; RSS before ${r.baseRssMiB} MiB)`,
    `    reconciliation report (HTTP, JSON): ${(r.reconcile.wallMs / 1000).toFixed(2)} s, peak RSS ${r.reconcile.peakRssMiB} MiB, ${r.reconcile.rows} lines, ${r.disputed} disputed`,
    `    ceiling, the rows read with one query: ${(r.ceiling.wallMs / 1000).toFixed(2)} s, peak RSS ${r.ceiling.peakRssMiB} MiB, ${r.ceiling.rows} rows`,
    `    report ÷ ceiling: ${(r.reconcile.wallMs / Math.max(1, r.ceiling.wallMs)).toFixed(1)}× the time`,
  ].join('\n');
}
