import { randomUUID } from 'node:crypto';
import { AxiosError, AxiosHeaders, AxiosInstance } from 'axios';
import axiosRetry, { exponentialDelay, isNetworkError, retryAfter } from 'axios-retry';
import { cutoffOf, isTimeout, restoreCallSignal } from './attempt-limits';

/** How hard one call tries. Defaults suit scheduled pulls; tests pass smaller values. */
export interface RetryPolicy {
  /** Retries after the first attempt (GET only). */
  retries: number;
  /** First backoff step in ms; doubles per retry, plus up to 20 % jitter (axios-retry's exponentialDelay). */
  baseDelayMs: number;
  /** A Retry-After longer than this is not waited for inside one call: the call fails and says so. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, baseDelayMs: 200, maxRetryAfterMs: 30_000 };

const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

/**
 * The Retry-After of a 429 or 503 answer in ms from now (seconds or HTTP-date, read by axios-retry's parser); 0 when
 * there is none or the status is another (RFC 9110 §10.2.3 with 503, RFC 6585 §4 with 429).
 */
export function retryAfterMs(error: AxiosError): number {
  const status = error.response?.status;
  return status === 429 || status === 503 ? retryAfter(error) : 0;
}

/** True when the CPO asked us to wait longer than one call should. */
export function retryAfterTooLong(error: AxiosError, policy: RetryPolicy): boolean {
  return retryAfterMs(error) > policy.maxRetryAfterMs;
}

/**
 * Installs axios-retry on `http`: only GETs are retried (a repeated POST or PUT may not be idempotent at the CPO,
 * and transport_and_format §Offline behaviour says not to resend them), on network errors, timeouts of any phase
 * (attempt-limits.ts), 429 and 5xx, never an answer too large or a call the caller cancelled, with exponential
 * backoff that waits at least the Retry-After of a 429 or 503 (seconds or HTTP-date, read by axios-retry's own
 * parser). Each attempt gets its full deadlines and a fresh X-Request-ID (every request is a new one,
 * transport_and_format 2.2.1 §Unique message IDs); the X-Correlation-ID stays.
 */
export function installRetries(http: AxiosInstance, policy: RetryPolicy): void {
  axiosRetry(http, {
    retries: policy.retries,
    shouldResetTimeout: true,
    retryCondition: (error: AxiosError) => {
      if (error.config?.method?.toUpperCase() !== 'GET') return false;
      const cutoff = cutoffOf(error);
      if (cutoff !== null) return isTimeout(cutoff);
      return (isNetworkError(error) || RETRIED_STATUSES.has(error.response?.status ?? 0)) && !retryAfterTooLong(error, policy);
    },
    retryDelay: (count, error) => Math.max(retryAfterMs(error), exponentialDelay(count, undefined, policy.baseDelayMs)),
    onRetry: (_count, _error, config) => {
      restoreCallSignal(config);
      const headers = AxiosHeaders.from(config.headers as AxiosHeaders);
      if (headers.has('X-Request-ID')) config.headers = headers.set('X-Request-ID', randomUUID());
    },
  });
}

/** How many attempts axios-retry made for the request behind `config` (1 when none was retried). */
export function attemptsOf(config: unknown): number {
  const state = (config as Record<string, { retryCount?: number }> | undefined)?.['axios-retry'];
  return (state?.retryCount ?? 0) + 1;
}
