/**
 * The circuit breaker of one CPO connection as pure state and transitions (the database part is CpoCircuitService):
 * CLOSED → OPEN after CPO_CIRCUIT_FAILURES unwell calls in a row (or at once when the CPO answers 429/503 with a
 * Retry-After), OPEN for a backoff that doubles per opening in a row (capped, with jitter), then HALF_OPEN while one
 * probe call is under way: an answer closes the circuit, an unwell probe opens it again for longer.
 */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** What opened the circuit: unwell calls in a row, or the CPO asking us to wait (Retry-After of a 429 or 503). */
export type CircuitOpenedBy = 'FAILURES' | 'RETRY_AFTER';

export interface Circuit {
  state: CircuitState;
  /** Unwell calls in a row (reset by any answer). */
  consecutiveFailures: number;
  /** Openings in a row since the circuit was last closed (the exponent of the backoff). */
  openings: number;
  openedBy: CircuitOpenedBy | null;
  openedAt: Date | null;
  /** Until when calls are refused (OPEN); from then on the next call probes. */
  openUntil: Date | null;
  /** HALF_OPEN: until when the probe claim holds (after that another instance may probe). */
  probeUntil: Date | null;
  /** `<kind>: <explanation>` of the last unwell call. */
  lastFailure: string | null;
  lastFailureAt: Date | null;
}

export interface CircuitSettings {
  /** CPO_CIRCUIT_FAILURES: 0 never opens on failures (a Retry-After still pauses calls). */
  failures: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** CPO_RETRY_AFTER_MAX_SECONDS in ms: the longest Retry-After honoured beyond its call; 0 none. */
  retryAfterMaxMs: number;
}

export const CLOSED_CIRCUIT: Circuit = {
  state: 'CLOSED',
  consecutiveFailures: 0,
  openings: 0,
  openedBy: null,
  openedAt: null,
  openUntil: null,
  probeUntil: null,
  lastFailure: null,
  lastFailureAt: null,
};

/** Share of the backoff taken off at random, so that instances and CPOs opened together do not probe together. */
const JITTER = 0.2;

/** How long the `openings`-th opening in a row lasts, ms: backoff × 2^(openings − 1), capped, minus up to 20 %. */
export function backoffMs(openings: number, settings: CircuitSettings, random: () => number = Math.random): number {
  const full = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, openings - 1));
  return Math.round(full * (1 - JITTER * random()));
}

/** What a call may do now: pass (CLOSED), try to claim the probe (its time has come), or be refused. */
export type AdmissionDecision = 'PASS' | 'CLAIM_PROBE' | 'REFUSE';

export function admissionOf(c: Circuit, now: Date): AdmissionDecision {
  switch (c.state) {
    case 'CLOSED':
      return 'PASS';
    case 'OPEN':
      return c.openUntil === null || c.openUntil <= now ? 'CLAIM_PROBE' : 'REFUSE';
    case 'HALF_OPEN':
      return c.probeUntil === null || c.probeUntil <= now ? 'CLAIM_PROBE' : 'REFUSE';
  }
}

/** Any answer from the CPO (a success or an error that is not about its health) closes the circuit. */
export function afterAnswer(c: Circuit): Circuit {
  return { ...CLOSED_CIRCUIT, lastFailure: c.lastFailure, lastFailureAt: c.lastFailureAt };
}

/** A probe we broke off ourselves says nothing: the circuit is OPEN again with its time passed, so the next call probes. */
export function afterOwnCancel(c: Circuit, probe: boolean): Circuit {
  return probe && c.state === 'HALF_OPEN' ? { ...c, state: 'OPEN', probeUntil: null } : c;
}

/** An unwell call: counted; the circuit opens on the threshold, reopens for longer when it was the probe, and honours a Retry-After. */
export function afterFailure(
  c: Circuit,
  now: Date,
  settings: CircuitSettings,
  call: { failure: string; retryAfterMs: number | null; probe: boolean },
  random: () => number = Math.random,
): Circuit {
  let next: Circuit = { ...c, consecutiveFailures: c.consecutiveFailures + 1, lastFailure: call.failure, lastFailureAt: now };
  const probeFailed = call.probe && c.state === 'HALF_OPEN';
  const tripped = c.state === 'CLOSED' && settings.failures > 0 && next.consecutiveFailures >= settings.failures;
  if (probeFailed || tripped) {
    const openings = c.openings + 1;
    const openUntil = new Date(now.getTime() + backoffMs(openings, settings, random));
    next = { ...next, state: 'OPEN', openings, openedBy: 'FAILURES', openedAt: now, openUntil, probeUntil: null };
  }
  const retryAfter = call.retryAfterMs !== null && settings.retryAfterMaxMs > 0 ? Math.min(call.retryAfterMs, settings.retryAfterMaxMs) : 0;
  if (retryAfter <= 0) return next;
  const waitUntil = new Date(now.getTime() + retryAfter);
  if (next.state === 'CLOSED') return { ...next, state: 'OPEN', openedBy: 'RETRY_AFTER', openedAt: now, openUntil: waitUntil, probeUntil: null };
  if (next.state === 'OPEN' && (next.openUntil === null || next.openUntil < waitUntil)) return { ...next, openUntil: waitUntil };
  return next;
}

/**
 * Why a call to the CPO is not sent, in one line of plain words: until when calls are paused, why, the last failure,
 * and what to do. `resetPath` is the operations endpoint that closes the circuit by hand.
 */
export function refusalOf(c: Circuit, cpo: string, resetPath: string, now: Date): string {
  const last = c.lastFailure ? ` Last failure (${c.lastFailureAt?.toISOString() ?? 'unknown time'}): ${c.lastFailure}` : '';
  const act = ` Nothing is sent to it meanwhile; then one call probes it and, if it answers, calls resume. Ask the CPO about its availability, or, once it is back, close the circuit by hand (POST ${resetPath}).`;
  if (c.state === 'HALF_OPEN') {
    return `calls to ${cpo} are paused after ${c.consecutiveFailures} failures in a row: one probe call is under way and decides whether they resume.${last}`;
  }
  const until = c.openUntil?.toISOString() ?? now.toISOString();
  if (c.openedBy === 'RETRY_AFTER') return `calls to ${cpo} are paused until ${until}: it asked us to wait (Retry-After of an HTTP 429 or 503).${last}${act}`;
  return `calls to ${cpo} are paused until ${until} after ${c.consecutiveFailures} failures in a row (circuit open).${last}${act}`;
}
