/**
 * "Sync now" as operations use it: POST …/connections/{id}/sync answers 202 at once with the run of each module,
 * then each run is followed with GET …/sync-runs/{runId} until it has finished.
 */
import { TestService } from './test-service';

/** Anything that calls the operations API: a test service, or a service in a child process. */
type Ops = Pick<TestService, 'ops'>;

/** One module's pull as the tests read it: the run's final state, or why there was none (SKIPPED). */
export interface SyncOutcome {
  module: string;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  run_id: string | null;
  pages: number;
  /** Pages read again because the CPO's list moved under the crawl (included in `pages`). */
  pages_reread: number;
  received: number;
  stored: number;
  rejected: number;
  deviations: number;
  message: string | null;
}

/** POST …/sync; throws unless it answers 202. Returns the answer (per module: run_id and RUNNING, or SKIPPED). */
export async function startSync(service: Ops, connectionId: string, full = false): Promise<any> {
  const result = await service.ops('POST', `/connections/${connectionId}/sync${full ? '?full=true' : ''}`);
  if (result.status !== 202) throw new Error(`sync did not start: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

/** Follows the runs of a started sync until none is RUNNING (polling every 20 ms, up to `timeoutMs`); their outcomes in pull order. */
export async function finishedRuns(service: Ops, connectionId: string, started: any, timeoutMs = 50_000): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  for (const run of started.runs as any[]) {
    if (run.run_id === null) {
      outcomes.push({ module: run.module, status: run.status, run_id: null, pages: 0, pages_reread: 0, received: 0, stored: 0, rejected: 0, deviations: 0, message: run.message });
      continue;
    }
    const row = await untilFinished(service, connectionId, run.run_id, timeoutMs);
    outcomes.push({
      module: row.module,
      status: row.status,
      run_id: row.id,
      pages: row.pages,
      pages_reread: row.pages_reread,
      received: row.objects_received,
      stored: row.objects_stored,
      rejected: row.objects_rejected,
      deviations: row.deviations,
      message: row.error,
    });
  }
  return outcomes;
}

/** Starts a sync and waits for every run of it: one outcome per module (tariffs, locations, cdrs). */
export async function syncAndWait(service: Ops, connectionId: string, full = false): Promise<SyncOutcome[]> {
  return finishedRuns(service, connectionId, await startSync(service, connectionId, full));
}

/** GET …/sync-runs/{runId} until its status is no longer RUNNING; the run. */
export async function untilFinished(service: Ops, connectionId: string, runId: string, timeoutMs = 50_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await service.ops('GET', `/connections/${connectionId}/sync-runs/${runId}`);
    // 503: the service's database is unreachable for a moment (a restart); the answer says to ask again.
    if (status !== 200 && status !== 503) throw new Error(`GET sync-runs/${runId}: ${status} ${JSON.stringify(body)}`);
    if (status === 200 && body.status !== 'RUNNING') return body;
    if (Date.now() > deadline) throw new Error(`sync run ${runId} still RUNNING (or unreachable) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
