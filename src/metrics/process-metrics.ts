import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The metrics this process counts itself (prom-client): counters and histograms are per process, i.e. per instance;
 * Prometheus sums them over instances. One registry per process, so that several services started in one process
 * (tests, the demo) share it rather than registering the same names twice. The gauges read from the database at
 * scrape are per service instead (DatabaseGauges). Every label is from a bounded set: `cpo` is the connection id
 * (see ocpi_connection_info for its name and parties), `module` an OCPI module identifier, the rest closed sets.
 */
export const processMetrics = new Registry();
collectDefaultMetrics({ register: processMetrics });

/** What became of a call we made to a CPO: SUCCESS, or the kind of failure as the call log names it (OcpiFailureKind). */
export type OcpiCallOutcome = 'SUCCESS' | 'TRANSPORT' | 'HTTP_STATUS' | 'OCPI_STATUS' | 'UNPARSEABLE' | 'SCHEMA_VIOLATION' | 'PAGINATION' | 'RESPONSE_TOO_LARGE' | 'CIRCUIT_OPEN';

/**
 * What we answered a CPO's push to a Receiver interface (PUT, PATCH, POST, DELETE under /ocpi/emsp): ACCEPTED (HTTP 2xx
 * with OCPI 1xxx), REJECTED (HTTP 4xx or OCPI 2xxx: the CPO's request was refused, e.g. an invalid object, one of
 * another party, an object we do not hold), FAILED (HTTP 5xx or OCPI 3xxx: ours, e.g. the database was unreachable).
 */
export type PushResult = 'ACCEPTED' | 'REJECTED' | 'FAILED';

/** How a real-time authorization ended (mod_tokens §Real-time authorization), for its latency histogram. */
export type AuthorizationResult = 'ALLOWED' | 'BLOCKED' | 'EXPIRED' | 'NO_CREDIT' | 'NOT_ALLOWED' | 'UNKNOWN' | 'ERROR';

/** Sync run statuses a finished pull can have. */
export type FinishedSyncStatus = 'SUCCEEDED' | 'FAILED';

const OUTCOMES: OcpiCallOutcome[] = ['SUCCESS', 'TRANSPORT', 'HTTP_STATUS', 'OCPI_STATUS', 'UNPARSEABLE', 'SCHEMA_VIOLATION', 'PAGINATION', 'RESPONSE_TOO_LARGE', 'CIRCUIT_OPEN'];

const ocpiCalls = new Counter({
  name: 'ocpi_calls_total',
  help: 'OCPI calls this instance made to CPOs, by connection (cpo), module and outcome (SUCCESS or the call-log kind of failure).',
  labelNames: ['cpo', 'module', 'outcome'] as const,
  registers: [processMetrics],
});

const ocpiCallDuration = new Histogram({
  name: 'ocpi_call_duration_seconds',
  help: 'Duration of the OCPI calls this instance made to CPOs, retries included, in seconds.',
  labelNames: ['cpo', 'module'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [processMetrics],
});

const pushesReceived = new Counter({
  name: 'ocpi_pushes_received_total',
  help: 'Pushes (PUT, PATCH, POST, DELETE) CPOs made to our Receiver interfaces on this instance, by connection, module and result.',
  labelNames: ['cpo', 'module', 'result'] as const,
  registers: [processMetrics],
});

const syncRuns = new Counter({
  name: 'sync_runs_total',
  help: 'Pulls this instance finished, by connection, module and status (SUCCEEDED, FAILED).',
  labelNames: ['cpo', 'module', 'status'] as const,
  registers: [processMetrics],
});

const authorizationLatency = new Histogram({
  name: 'authorization_latency_seconds',
  help: 'Time this instance took to answer a real-time authorization (mod_tokens), in seconds, by result.',
  labelNames: ['result'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [processMetrics],
});

const reconciliationCdrsRead = new Counter({
  name: 'invoice_reconciliation_cdrs_read_total',
  help: 'CDR rows invoice reconciliations on this instance read from the database, by connection: grows with the invoices reconciled, not with the CPO history.',
  labelNames: ['cpo'] as const,
  registers: [processMetrics],
});

/** The outcome label of a call-log kind; a kind outside the closed set would be a bug, counted as TRANSPORT. */
export function callOutcomeOf(kind: string): OcpiCallOutcome {
  return (OUTCOMES as string[]).includes(kind) ? (kind as OcpiCallOutcome) : 'TRANSPORT';
}

/**
 * Counts one finished call we made to a CPO. `connectionId` null (a call before a connection exists, e.g. the first
 * versions fetch of a registration) counts under cpo="none"; `module` null under module="unknown". Never throws.
 */
export function countOcpiCall(connectionId: string | null, module: string | null, outcome: OcpiCallOutcome, durationMs: number | null): void {
  const labels = { cpo: connectionId ?? 'none', module: module ?? 'unknown' };
  ocpiCalls.inc({ ...labels, outcome });
  if (durationMs !== null) ocpiCallDuration.observe(labels, durationMs / 1000);
}

/** Counts one push a CPO made to one of our Receiver interfaces. Never throws. */
export function countPush(connectionId: string, module: string, result: PushResult): void {
  pushesReceived.inc({ cpo: connectionId, module, result });
}

/** Counts CDR rows a reconciliation of an invoice of the CPO read (each time one is read). Never throws. */
export function countReconciliationCdrsRead(connectionId: string, rows: number): void {
  reconciliationCdrsRead.inc({ cpo: connectionId }, rows);
}

/** Counts one finished pull. Never throws. */
export function countSyncRun(connectionId: string, module: string, status: FinishedSyncStatus): void {
  syncRuns.inc({ cpo: connectionId, module, status });
}

/**
 * Records how long one real-time authorization took to answer, in seconds from the request's arrival to the answer.
 * Our own route is timed at the edge (authorization-timing.ts); other paths that answer an authorization (e.g. one
 * asked of the app backend) may call this or {@link startAuthorizationTimer}. Never throws.
 */
export function observeAuthorizationLatency(seconds: number, result: AuthorizationResult): void {
  authorizationLatency.observe({ result }, seconds);
}

/**
 * Starts timing a real-time authorization; call the returned function once with the result when answering.
 * @example const done = startAuthorizationTimer(); … done('ALLOWED');
 */
export function startAuthorizationTimer(): (result: AuthorizationResult) => void {
  const end = authorizationLatency.startTimer();
  return (result) => {
    end({ result });
  };
}
