import { admissionOf, afterAnswer, afterFailure, afterOwnCancel, backoffMs, Circuit, CircuitSettings, CLOSED_CIRCUIT } from './cpo-circuit';

const settings: CircuitSettings = { failures: 3, backoffMs: 1000, maxBackoffMs: 5000, retryAfterMaxMs: 60_000 };
const now = new Date('2026-12-06T12:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const unwell = { failure: 'TRANSPORT: connection refused', retryAfterMs: null, probe: false };
/** No jitter (random() = 0) unless a test says otherwise. */
const noJitter = () => 0;

describe('a CPO circuit (issue 15: open, half-open, closed)', () => {
  it('stays CLOSED below CPO_CIRCUIT_FAILURES and opens on the threshold for the base backoff', () => {
    let c: Circuit = CLOSED_CIRCUIT;
    c = afterFailure(c, now, settings, unwell, noJitter);
    c = afterFailure(c, now, settings, unwell, noJitter);
    expect(c).toMatchObject({ state: 'CLOSED', consecutiveFailures: 2 });
    expect(admissionOf(c, now)).toBe('PASS');
    c = afterFailure(c, now, settings, unwell, noJitter);
    expect(c).toMatchObject({ state: 'OPEN', consecutiveFailures: 3, openings: 1, openedBy: 'FAILURES', openedAt: now, openUntil: at(1000) });
    expect(admissionOf(c, at(999))).toBe('REFUSE');
    expect(admissionOf(c, at(1000))).toBe('CLAIM_PROBE');
  });

  it('an answer resets the count; a probe that fails reopens for twice as long; the doubling stops at the cap', () => {
    const two = afterFailure(afterFailure(CLOSED_CIRCUIT, now, settings, unwell), now, settings, unwell);
    expect(afterAnswer(two)).toMatchObject({ state: 'CLOSED', consecutiveFailures: 0, lastFailure: unwell.failure });
    const open: Circuit = { ...two, state: 'HALF_OPEN', consecutiveFailures: 3, openings: 1, probeUntil: at(30_000) };
    expect(admissionOf(open, now)).toBe('REFUSE');
    const reopened = afterFailure(open, now, settings, { ...unwell, probe: true }, noJitter);
    expect(reopened).toMatchObject({ state: 'OPEN', openings: 2, openUntil: at(2000), probeUntil: null });
    expect([3, 4, 5, 10].map((n) => backoffMs(n, settings, noJitter))).toEqual([4000, 5000, 5000, 5000]);
    // Jitter takes off at most 20 %.
    expect(backoffMs(1, settings, () => 0.999999)).toBe(800);
  });

  it('a late failure of a call that is not the probe does not reopen a HALF_OPEN circuit; a probe we cancel leaves it due again', () => {
    const half: Circuit = { ...CLOSED_CIRCUIT, state: 'HALF_OPEN', consecutiveFailures: 3, openings: 1, openUntil: now, probeUntil: at(30_000) };
    expect(afterFailure(half, now, settings, unwell)).toMatchObject({ state: 'HALF_OPEN', consecutiveFailures: 4, openings: 1 });
    const cancelled = afterOwnCancel(half, true);
    expect(cancelled).toMatchObject({ state: 'OPEN', probeUntil: null });
    expect(admissionOf(cancelled, now)).toBe('CLAIM_PROBE');
    // A probe claim whose instance died frees itself once it has passed.
    expect(admissionOf(half, at(30_000))).toBe('CLAIM_PROBE');
  });

  it('a Retry-After (RFC 9110 §10.2.3) opens the circuit until then, capped at CPO_RETRY_AFTER_MAX_SECONDS, and lengthens an open one', () => {
    const waited = afterFailure(CLOSED_CIRCUIT, now, settings, { ...unwell, retryAfterMs: 20_000 });
    expect(waited).toMatchObject({ state: 'OPEN', openedBy: 'RETRY_AFTER', openings: 0, openUntil: at(20_000) });
    expect(afterFailure(CLOSED_CIRCUIT, now, settings, { ...unwell, retryAfterMs: 3_600_000 }).openUntil).toEqual(at(60_000));
    const tripped = afterFailure({ ...CLOSED_CIRCUIT, consecutiveFailures: 2 }, now, settings, { ...unwell, retryAfterMs: 10_000 }, noJitter);
    expect(tripped).toMatchObject({ state: 'OPEN', openedBy: 'FAILURES', openUntil: at(10_000) });
    expect(afterFailure(CLOSED_CIRCUIT, now, { ...settings, retryAfterMaxMs: 0 }, { ...unwell, retryAfterMs: 20_000 }).state).toBe('CLOSED');
  });

  it('CPO_CIRCUIT_FAILURES 0 never opens on failures', () => {
    let c: Circuit = CLOSED_CIRCUIT;
    for (let i = 0; i < 50; i++) c = afterFailure(c, now, { ...settings, failures: 0 }, unwell);
    expect(c).toMatchObject({ state: 'CLOSED', consecutiveFailures: 50 });
  });
});
