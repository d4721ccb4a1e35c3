/**
 * "Sync now" for scripts (the demo, the benchmarks): POST …/connections/{id}/sync answers 202 at once with each
 * module's run; this follows the runs with GET …/sync-runs/{runId} until they have finished.
 */

import type { SyncProgress } from '../src/sync/sync-progress';

/** A call to the operations API (path under /api/v1/operations); resolves to the parsed JSON answer, rejects on HTTP ≥ 400. */
export type Ops = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

/** One module's pull once finished, or why there was none (SKIPPED). */
export interface SyncOutcome {
  module: string;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  run_id: string | null;
  pages: number;
  received: number;
  stored: number;
  rejected: number;
  message: string | null;
  /** When the service closed the run (ISO 8601); null for a SKIPPED module. */
  finished_at: string | null;
}

/** POST {id}/sync (src/operations/operations.controller.ts). */
interface SyncStarted {
  runs: Array<{ module: string; status: 'RUNNING' | 'SKIPPED'; run_id: string | null; message: string | null }>;
}

/** GET {id}/sync-runs/{runId}. */
interface SyncRun {
  module: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  pages: number;
  objects_received: number;
  objects_stored: number;
  objects_rejected: number;
  error: string | null;
  finished_at: string | null;
  /** How far it has come (src/sync/sync-progress.ts SyncProgress). */
  progress: SyncProgress;
}

/**
 * Starts a sync of one connection and waits for every run of it (polling every `pollMs`); one outcome per module, in pull
 * order. `onProgress` is told of each poll's progress; `onOutcome` of each module as soon as its run has finished (e.g.
 * to ask a question of the Locations while the Sessions and CDRs are still being pulled).
 */
export async function syncAndWait(
  ops: Ops,
  connectionId: string,
  options: {
    full?: boolean;
    pollMs?: number;
    onProgress?: (module: string, progress: SyncProgress, status: SyncRun['status']) => void;
    onOutcome?: (outcome: SyncOutcome) => void;
  } = {},
): Promise<SyncOutcome[]> {
  const started = await ops<SyncStarted>('POST', `/connections/${connectionId}/sync${options.full ? '?full=true' : ''}`);
  const outcomes: SyncOutcome[] = [];
  for (const run of started.runs) {
    if (run.run_id === null) {
      outcomes.push({ module: run.module, status: 'SKIPPED', run_id: null, pages: 0, received: 0, stored: 0, rejected: 0, message: run.message, finished_at: null });
      continue;
    }
    let row = await ops<SyncRun>('GET', `/connections/${connectionId}/sync-runs/${run.run_id}`);
    options.onProgress?.(row.module, row.progress, row.status);
    while (row.status === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
      row = await ops<SyncRun>('GET', `/connections/${connectionId}/sync-runs/${run.run_id}`);
      options.onProgress?.(row.module, row.progress, row.status);
    }
    outcomes.push({
      module: row.module,
      status: row.status,
      run_id: run.run_id,
      pages: row.pages,
      received: row.objects_received,
      stored: row.objects_stored,
      rejected: row.objects_rejected,
      message: row.error,
      finished_at: row.finished_at,
    });
    options.onOutcome?.(outcomes[outcomes.length - 1]);
  }
  return outcomes;
}
