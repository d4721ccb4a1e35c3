import http, { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import https from 'node:https';
import { TLSSocket } from 'node:tls';
import { AxiosError, AxiosInstance, GenericAbortSignal, InternalAxiosRequestConfig } from 'axios';

/**
 * What one attempt of one call to a CPO may cost us. The deadlines follow each other: connecting, then waiting for
 * the answer to start, then reading it, so one attempt lasts at most their sum.
 */
export interface AttemptLimits {
  /** From the start of the attempt to a connected socket (DNS, TCP and TLS), ms (OCPI_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
  /** From the connected socket (the request is sent at once) to the first byte of the answer, ms (OCPI_RESPONSE_TIMEOUT_MS). */
  responseTimeoutMs: number;
  /** From the first byte of the answer to its last, however it trickles, ms (OCPI_BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number;
  /** Bytes of body we read, on the wire and once decompressed (OCPI_MAX_RESPONSE_BYTES). */
  maxResponseBytes: number;
}

/** Why we cut an attempt short (a closed set; see {@link cutoffOf}). */
export type AttemptCutoff =
  | { kind: 'CONNECT_TIMEOUT'; limitMs: number }
  | { kind: 'RESPONSE_TIMEOUT'; limitMs: number }
  | { kind: 'BODY_TIMEOUT'; limitMs: number }
  | { kind: 'TOO_LARGE'; limitBytes: number; declaredBytes: number | null }
  /** The caller's signal aborted the call (the service is stopping). */
  | { kind: 'CANCELLED' };

/** The attempt behind each request signal, so that an error can be traced back to what cut it. */
const attempts = new WeakMap<GenericAbortSignal, Attempt>();

/**
 * Gives every attempt of every request on `http` (retries included: axios-retry sends each through the
 * interceptors again) its own deadlines and size cap. axios 1.x has one `timeout`, which covers connecting and the
 * first byte but then only the socket's idle time, so a CPO that trickles its body never times out; and a signal
 * alone cannot tell connecting from waiting. So each attempt gets its own AbortController (joined with the caller's
 * `signal`, which aborts the whole call) and a `transport` that watches the request's socket and response and aborts
 * the attempt when a deadline passes or the body outgrows the cap. axios's own `maxContentLength` is set too: it
 * counts the body after decompression (a small gzip page can inflate far past the cap).
 */
export function installAttemptLimits(instance: AxiosInstance, limits: AttemptLimits): void {
  instance.interceptors.request.use((config: InternalAxiosRequestConfig) => {
    const attempt = new Attempt(limits, callSignalOf(config.signal));
    attempts.set(attempt.signal, attempt);
    config.signal = attempt.signal;
    config.transport = attempt.transport;
    config.maxContentLength = limits.maxResponseBytes;
    return config;
  });
}

/** Before a retry: puts the caller's signal back (the retry's own attempt gets a new one; a cut one would skip the backoff). */
export function restoreCallSignal(config: { signal?: GenericAbortSignal }): void {
  config.signal = callSignalOf(config.signal);
}

/** What cut the attempt behind `error` short, or null when the CPO's side failed (refused, reset, DNS …). */
export function cutoffOf(error: AxiosError): AttemptCutoff | null {
  const attempt = error.config?.signal ? attempts.get(error.config.signal) : undefined;
  if (!attempt) return null;
  if (attempt.cutoff) return attempt.cutoff;
  if (attempt.callSignal?.aborted) return { kind: 'CANCELLED' };
  // After the answer started, axios's maxContentLength check (on the decompressed body) is the only failure it raises
  // as ERR_BAD_RESPONSE without a response (a stream broken off carries the response).
  if (attempt.responded && error.code === AxiosError.ERR_BAD_RESPONSE && !error.response) {
    return { kind: 'TOO_LARGE', limitBytes: attempt.limits.maxResponseBytes, declaredBytes: null };
  }
  return null;
}

/** True when the attempt timed out in one of its phases (worth retrying where safe). */
export function isTimeout(cutoff: AttemptCutoff | null): boolean {
  if (cutoff === null) return false;
  switch (cutoff.kind) {
    case 'CONNECT_TIMEOUT':
    case 'RESPONSE_TIMEOUT':
    case 'BODY_TIMEOUT':
      return true;
    case 'TOO_LARGE':
    case 'CANCELLED':
      return false;
  }
}

function callSignalOf(signal: GenericAbortSignal | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  const attempt = attempts.get(signal);
  return attempt ? attempt.callSignal : (signal as AbortSignal);
}

/** One attempt: its abort controller, the phase it is in, and what cut it short. */
class Attempt {
  cutoff: AttemptCutoff | null = null;
  /** The answer's headers arrived. */
  responded = false;
  readonly signal: AbortSignal;
  private readonly own = new AbortController();
  private timer: NodeJS.Timeout | null = null;

  /** The node:http(s) `request` axios calls for this attempt (axios's `transport` option). */
  readonly transport = { request: (options: RequestOptions, onResponse: (res: IncomingMessage) => void) => this.request(options, onResponse) };

  constructor(
    readonly limits: AttemptLimits,
    readonly callSignal: AbortSignal | undefined,
  ) {
    this.signal = callSignal ? AbortSignal.any([callSignal, this.own.signal]) : this.own.signal;
  }

  private request(options: RequestOptions, onResponse: (res: IncomingMessage) => void): ClientRequest {
    const { connectTimeoutMs, responseTimeoutMs, bodyTimeoutMs, maxResponseBytes } = this.limits;
    const tls = options.protocol === 'https:';
    this.arm({ kind: 'CONNECT_TIMEOUT', limitMs: connectTimeoutMs }, connectTimeoutMs);
    const req = (tls ? https : http).request(options, (res) => {
      this.responded = true;
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxResponseBytes) {
        this.cut({ kind: 'TOO_LARGE', limitBytes: maxResponseBytes, declaredBytes: declared });
        return;
      }
      this.arm({ kind: 'BODY_TIMEOUT', limitMs: bodyTimeoutMs }, bodyTimeoutMs);
      let received = 0;
      // Registered before axios's own reader: counted on the wire, this cuts an uncompressed body at the cap first.
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxResponseBytes) this.cut({ kind: 'TOO_LARGE', limitBytes: maxResponseBytes, declaredBytes: null });
      });
      res.once('end', () => this.disarm());
      res.once('close', () => this.disarm());
      onResponse(res);
    });
    const connected = () => {
      if (!this.responded && this.cutoff === null) this.arm({ kind: 'RESPONSE_TIMEOUT', limitMs: responseTimeoutMs }, responseTimeoutMs);
    };
    req.once('socket', (socket) => {
      if (req.reusedSocket || (!socket.connecting && !(socket instanceof TLSSocket))) connected();
      else socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', connected);
    });
    req.once('close', () => {
      if (!this.responded) this.disarm();
    });
    return req;
  }

  private arm(cutoff: AttemptCutoff, ms: number): void {
    this.disarm();
    this.timer = setTimeout(() => this.cut(cutoff), ms);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private cut(cutoff: AttemptCutoff): void {
    this.disarm();
    if (this.cutoff !== null || this.signal.aborted) return;
    this.cutoff = cutoff;
    this.own.abort();
  }
}
