import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import axios, { AxiosError, AxiosInstance, AxiosResponse, Method } from 'axios';
import { AppConfig } from '../../config/app-config';
import { authorizationHeader, TokenEncoding } from '../wire/authorization-header';
import { OCPI_CALL_RECORDER, OcpiCallRecorder } from '../wire/ocpi-call-recorder';
import { readEnvelope } from '../wire/ocpi-envelope';
import { isOcpiSuccess } from '../wire/ocpi-status';
import { TRANSPORT_RULES_2_2, TransportRules } from '../wire/transport-rules';
import { WireDeviation } from '../wire/wire-deviation';
import { AttemptLimits, cutoffOf, installAttemptLimits } from './attempt-limits';
import { CallsInFlight } from './calls-in-flight';
import { CallAdmission, CPO_CALL_GATE, CpoCallGate, healthOf } from './cpo-call-gate';
import { explainCutoff, explainHttpStatus, explainOcpiStatus, explainTransport } from './failure-explanations';
import { OcpiCallError, OcpiFailureKind, TransportCause } from './ocpi-call.error';
import { headerInt, PageWalker, WalkPosition } from './page-walker';
import { attemptsOf, DEFAULT_RETRY_POLICY, installRetries, RetryPolicy, retryAfterMs } from './retry-policy';

/** A party as OCPI addresses it (CredentialsRole country_code / party_id). */
export interface OcpiParty {
  countryCode: string;
  partyId: string;
}

/** Who a call is for, so a failure lands in the call log against the right CPO and module. */
export interface OcpiCallContext {
  connectionId?: string | null;
  /** OCPI module identifier: versions, credentials, locations, tariffs … */
  module?: string | null;
  /** X-Correlation-ID to use (e.g. one per pull, shared by its pages); a new UUID when absent. */
  correlationId?: string;
}

/** One call to a CPO. `token` is the credentials token in clear; it only ever goes into the header. */
export interface OcpiRequest {
  method: Method;
  url: string;
  token: string;
  encoding: TokenEncoding;
  body?: unknown;
  params?: Record<string, string | number | undefined>;
  /** The version's transport rules (from its adapter); 2.2 rules when absent (e.g. before a version is agreed). */
  transport?: TransportRules;
  /** A functional-module call through a hub: sent as OCPI-to-*; OCPI-from-* is us (transport_and_format 2.2.1 §Message Routing). */
  routeTo?: OcpiParty | null;
  context?: OcpiCallContext;
  /** HTTP statuses the caller expects and handles (e.g. 401 while trying token encodings): logged at debug, not warn. */
  expectedStatuses?: number[];
  /** Aborts the call, retries included (e.g. the service is stopping): it fails as TRANSPORT, cause CANCELLED. */
  signal?: AbortSignal;
  /** {@link OcpiClient.pages} only: carry on a walk from where another one stood (its next page; `params` then unused). */
  resumeFrom?: WalkPosition;
}

/** A successful call: the envelope's `data` and the response headers (lower-case names). */
export interface OcpiReply<T = unknown> {
  data: T;
  headers: Record<string, string | string[] | undefined>;
  httpStatus: number;
  url: string;
  /** Where the envelope bent the spec (tolerated). */
  deviations: WireDeviation[];
  requestId: string;
  correlationId: string;
  durationMs: number;
  /** The body as received, for the call log when a later check of the data fails. */
  rawBody: string;
}

/** One page of a paginated Sender interface. */
export interface OcpiPage {
  items: unknown[];
  url: string;
  /** X-Total-Count, when the CPO sent it. */
  totalCount: number | null;
  /** Where this page's envelope or pagination bent the spec (tolerated). */
  deviations: WireDeviation[];
  /** This page reads an offset again because the list moved under the crawl (see PageWalker). */
  reread: boolean;
  /**
   * The list changed under the crawl between the previous page and this one (X-Total-Count changed, or this page
   * starts with an object the previous page held): objects changed meanwhile may sit before our offset.
   */
  moved: boolean;
  /**
   * Where the walk goes on after this page: `next` is the page it fetches next (null: this was the last; this page's
   * own URL when the walk stops here with an error), with what the walker knew; a checkpoint to resume from
   * (OcpiRequest.resumeFrom).
   */
  position: Omit<WalkPosition, 'next'> & { next: string | null };
}

/** Tuning of the client: retries and the page cap. */
export interface OcpiClientTuning extends RetryPolicy {
  /** Pages of one paginated GET after which we stop, whatever the CPO says (default OCPI_MAX_PAGES_PER_PULL). */
  maxPages: number;
}

export const OCPI_CLIENT_TUNING = Symbol('OCPI_CLIENT_TUNING');

interface CallState {
  req: OcpiRequest;
  started: number;
  requestId: string;
  correlationId: string;
  attempts: number;
  /** The Retry-After of the last answer, when it was a 429 or 503 that carried one (ms). */
  retryAfterMs?: number;
}

/**
 * The one way this service talks to a CPO (transport_and_format 2.2.1): the Authorization header of the
 * version, X-Request-ID / X-Correlation-ID and routing headers where the version has them, deadlines to connect, to
 * the first byte and for the whole body and a size cap per attempt (attempt-limits.ts), retries of GETs only (see
 * retry-policy.ts), no redirect followed, a tolerant reading of the envelope, and every failure
 * turned into an {@link OcpiCallError} of one kind with a plain-words explanation, logged (never a token) and
 * written to the call log.
 */
@Injectable()
export class OcpiClient {
  private readonly logger = new Logger(OcpiClient.name);
  private readonly http: AxiosInstance;
  private readonly tuning: OcpiClientTuning;
  private readonly inFlight: CallsInFlight;
  /** The longest one call may last, all attempts and backoffs included: how long a probe claim holds. */
  private readonly callBudgetMs: number;

  constructor(
    private readonly config: AppConfig,
    @Optional() @Inject(OCPI_CALL_RECORDER) private readonly recorder?: OcpiCallRecorder,
    @Optional() @Inject(OCPI_CLIENT_TUNING) tuning?: Partial<OcpiClientTuning>,
    @Optional() @Inject(CPO_CALL_GATE) private readonly gate?: CpoCallGate,
  ) {
    this.tuning = { ...DEFAULT_RETRY_POLICY, maxPages: config.env.OCPI_MAX_PAGES_PER_PULL, ...tuning };
    const env = config.env;
    this.inFlight = new CallsInFlight(env.OCPI_MAX_CALLS_PER_CPO);
    const attemptMs = env.OCPI_CONNECT_TIMEOUT_MS + env.OCPI_RESPONSE_TIMEOUT_MS + env.OCPI_BODY_TIMEOUT_MS;
    this.callBudgetMs = attemptMs * (this.tuning.retries + 1) + this.tuning.maxRetryAfterMs * this.tuning.retries;
    const limits: AttemptLimits = {
      connectTimeoutMs: env.OCPI_CONNECT_TIMEOUT_MS,
      responseTimeoutMs: env.OCPI_RESPONSE_TIMEOUT_MS,
      bodyTimeoutMs: env.OCPI_BODY_TIMEOUT_MS,
      maxResponseBytes: env.OCPI_MAX_RESPONSE_BYTES,
    };
    this.http = axios.create({
      responseType: 'text',
      transformResponse: (body: unknown) => body,
      maxRedirects: 0,
      // axios-retry only sees statuses outside this range; they are classified after the last attempt.
      validateStatus: (status) => status < 500 && status !== 429,
    });
    installAttemptLimits(this.http, limits);
    installRetries(this.http, this.tuning);
  }

  /**
   * Sends one request and unwraps the OCPI envelope. Each attempt has its deadlines and size cap (attempt-limits.ts).
   * A call for a connection first asks the CPO's circuit (CpoCallGate: shared by every instance) and waits for one of
   * the connection's OCPI_MAX_CALLS_PER_CPO places on this instance; its outcome is reported to the circuit.
   * @throws OcpiCallError classified as TRANSPORT, RESPONSE_TOO_LARGE, HTTP_STATUS, OCPI_STATUS or UNPARSEABLE, or
   *   CIRCUIT_OPEN (nothing sent: calls to the CPO are paused; the explanation says until when and why).
   */
  async request<T = unknown>(req: OcpiRequest): Promise<OcpiReply<T>> {
    const connectionId = req.context?.connectionId;
    if (!connectionId) return this.send<T>(req);
    const admission = this.gate ? await this.gate.admit(connectionId, this.callBudgetMs) : null;
    if (admission && 'refused' in admission) {
      const call: CallState = { req, started: Date.now(), requestId: '', correlationId: req.context?.correlationId ?? randomUUID(), attempts: 0 };
      throw await this.fail('CIRCUIT_OPEN', admission.refused, call);
    }
    let release: () => void;
    try {
      release = await this.inFlight.acquire(connectionId, req.signal);
    } catch {
      const call: CallState = { req, started: Date.now(), requestId: '', correlationId: req.context?.correlationId ?? randomUUID(), attempts: 0 };
      const error = await this.fail('TRANSPORT', 'the call was cancelled before it was sent (the service is stopping); the next pull tries again.', call, {
        transportCause: 'CANCELLED',
      });
      if (admission) await this.gate!.settle(admission, { health: 'OURS', failure: null, retryAfterMs: null });
      throw error;
    }
    try {
      const reply = await this.send<T>(req);
      if (admission) await this.gate!.settle(admission, { health: 'ANSWERED', failure: null, retryAfterMs: null });
      return reply;
    } catch (error) {
      if (admission) await this.settleFailure(admission, error);
      throw error;
    } finally {
      release();
    }
  }

  private async settleFailure(admission: CallAdmission, error: unknown): Promise<void> {
    if (!(error instanceof OcpiCallError)) return this.gate!.settle(admission, { health: 'OURS', failure: null, retryAfterMs: null });
    const health = healthOf(error);
    await this.gate!.settle(admission, { health, failure: `${error.kind}: ${error.explanation}`, retryAfterMs: error.details.retryAfterMs ?? null });
  }

  /** One request, without the circuit and the limit of calls in flight (see {@link request}). */
  private async send<T>(req: OcpiRequest): Promise<OcpiReply<T>> {
    const rules = req.transport ?? TRANSPORT_RULES_2_2;
    const call: CallState = { req, started: Date.now(), requestId: randomUUID(), correlationId: req.context?.correlationId ?? randomUUID(), attempts: 1 };
    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>({
        method: req.method,
        url: req.url,
        params: req.params,
        data: req.body === undefined ? undefined : JSON.stringify(req.body),
        headers: this.headers(req, rules, call),
        signal: req.signal,
      });
    } catch (error) {
      const err = error as AxiosError<string>;
      call.attempts = attemptsOf(err.config);
      call.requestId = String(err.config?.headers?.get?.('X-Request-ID') ?? call.requestId);
      const cutoff = cutoffOf(err);
      if (cutoff) {
        const { kind, cause, explanation } = explainCutoff(cutoff);
        throw await this.fail(kind, explanation, call, { transportCause: cause });
      }
      if (!err.response) {
        const { cause, explanation } = explainTransport(err);
        throw await this.fail('TRANSPORT', explanation, call, { transportCause: cause });
      }
      response = err.response;
      call.retryAfterMs = retryAfterMs(err) || undefined;
    }
    call.attempts = attemptsOf(response.config);
    call.requestId = String(response.config?.headers?.get?.('X-Request-ID') ?? call.requestId);
    return this.unwrap<T>(response, call);
  }

  /**
   * Walks a paginated Sender interface (transport_and_format 2.2.1 §Pagination) as described on
   * {@link PageWalker}; each page is one {@link request}. A page whose `data` is null counts as empty (tolerated).
   * @throws OcpiCallError of kind SCHEMA_VIOLATION when `data` is not a list, PAGINATION when the pages do not
   *   add up (after yielding the page that showed it), or any kind {@link request} throws.
   */
  async *pages(req: Omit<OcpiRequest, 'method' | 'body'>): AsyncGenerator<OcpiPage> {
    const correlationId = req.context?.correlationId ?? randomUUID();
    const limit = req.params?.limit === undefined ? null : Number(req.params.limit);
    const walker = new PageWalker(req.url, { requestedLimit: Number.isInteger(limit) ? limit : null, maxPages: this.tuning.maxPages });
    let url: string | null = req.resumeFrom ? req.resumeFrom.next : withParams(req.url, req.params ?? {});
    const foreign = req.resumeFrom ? walker.resumeAt(req.resumeFrom) : null;
    if (foreign) throw await this.fail('PAGINATION', foreign, { req: { ...req, method: 'GET', url }, started: Date.now(), requestId: '', correlationId, attempts: 0 });
    while (url) {
      const refused = walker.beforeFetch(url);
      const base: CallState = { req: { ...req, method: 'GET', url }, started: Date.now(), requestId: '', correlationId, attempts: 0 };
      if (refused) throw await this.fail('PAGINATION', refused, base);
      const reply: OcpiReply = await this.request({ ...req, method: 'GET', url, params: undefined, context: { ...req.context, correlationId } });
      const after: CallState = { ...base, started: Date.now() - reply.durationMs, requestId: reply.requestId, attempts: 1 };
      const deviations = [...reply.deviations];
      if (reply.data === null) deviations.push({ kind: 'ENVELOPE_DATA_NULL', field: 'envelope.data' });
      else if (!Array.isArray(reply.data)) {
        const explanation = `a list endpoint answered with ${describeJsonType(reply.data)} in data instead of a JSON array; nothing on this page can be read. Tell the CPO.`;
        throw await this.fail('SCHEMA_VIOLATION', explanation, after, { httpStatus: reply.httpStatus, responseBody: reply.rawBody });
      }
      const items = Array.isArray(reply.data) ? reply.data : [];
      const reread = walker.isReread(url);
      const step = walker.afterPage(url, items, reply.headers);
      if (step.linkMissing) deviations.push({ kind: 'PAGINATION_LINK_MISSING', field: 'Link' });
      const totalCount = headerInt(reply.headers['x-total-count']);
      // A walk that stops here with an error would meet it again from this page: that is where to resume.
      const position = { ...walker.progress(), next: 'next' in step ? step.next : url, totalCount };
      yield { items, url, totalCount, deviations, reread, moved: step.moved ?? false, position };
      if ('error' in step) throw await this.fail('PAGINATION', step.error, after, { httpStatus: reply.httpStatus, responseBody: reply.rawBody });
      url = step.next;
    }
  }

  private headers(req: OcpiRequest, rules: TransportRules, call: CallState): Record<string, string> {
    const us = this.config.ourParty;
    return {
      Authorization: authorizationHeader(req.token, req.encoding),
      Accept: 'application/json',
      // transport_and_format 2.2.1 §Request format: Content-Type for requests with a body.
      ...(req.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(rules.messageIds ? { 'X-Request-ID': call.requestId, 'X-Correlation-ID': call.correlationId } : {}),
      ...(rules.routingHeaders && req.routeTo
        ? {
            'OCPI-from-country-code': us.countryCode,
            'OCPI-from-party-id': us.partyId,
            'OCPI-to-country-code': req.routeTo.countryCode,
            'OCPI-to-party-id': req.routeTo.partyId,
          }
        : {}),
    };
  }

  private async unwrap<T>(response: AxiosResponse<string>, call: CallState): Promise<OcpiReply<T>> {
    const status = response.status;
    const envelope = readEnvelope(response.data);
    const headers = normaliseHeaders(response.headers);
    const body = { responseBody: response.data };
    if (status >= 300) {
      const ocpiStatus = envelope.ok ? envelope.statusCode : undefined;
      const location = typeof headers.location === 'string' ? headers.location : undefined;
      const explanation = explainHttpStatus(status, envelope.ok ? envelope.statusMessage : null, location);
      throw await this.fail('HTTP_STATUS', explanation, call, { httpStatus: status, ocpiStatus, ...body });
    }
    if (!envelope.ok) throw await this.fail('UNPARSEABLE', `${envelope.reason}; tell the CPO.`, call, { httpStatus: status, ...body });
    if (!isOcpiSuccess(envelope.statusCode)) {
      const explanation = explainOcpiStatus(envelope.statusCode, status, envelope.statusMessage);
      throw await this.fail('OCPI_STATUS', explanation, call, { httpStatus: status, ocpiStatus: envelope.statusCode, ...body });
    }
    const durationMs = Date.now() - call.started;
    this.recorder?.succeeded?.({ connectionId: call.req.context?.connectionId ?? null, module: call.req.context?.module ?? null, durationMs });
    return {
      data: envelope.data as T,
      headers,
      httpStatus: status,
      url: call.req.url,
      deviations: envelope.deviations,
      requestId: call.requestId,
      correlationId: call.correlationId,
      durationMs,
      rawBody: response.data,
    };
  }

  private async fail(
    kind: OcpiFailureKind,
    explanation: string,
    call: CallState,
    extra: { httpStatus?: number; ocpiStatus?: number; transportCause?: TransportCause; responseBody?: string } = {},
  ): Promise<OcpiCallError> {
    const { req } = call;
    const durationMs = Date.now() - call.started;
    const details = {
      method: req.method.toUpperCase(),
      url: req.url,
      httpStatus: extra.httpStatus,
      ocpiStatus: extra.ocpiStatus,
      durationMs,
      requestId: call.requestId || undefined,
      correlationId: call.correlationId,
      attempts: call.attempts,
      transportCause: extra.transportCause,
      retryAfterMs: call.retryAfterMs,
    };
    // A status the caller expects and handles (e.g. 401 while trying token encodings) is not a failure to file.
    if (extra.httpStatus !== undefined && req.expectedStatuses?.includes(extra.httpStatus)) {
      this.logger.debug({ kind, ...details, connectionId: req.context?.connectionId }, explanation);
      return new OcpiCallError(kind, explanation, details, extra.responseBody);
    }
    this.logger.warn({ kind, ...details, connectionId: req.context?.connectionId }, explanation);
    await this.recorder?.record({
      direction: 'OUTGOING',
      connectionId: req.context?.connectionId ?? null,
      module: req.context?.module ?? null,
      method: details.method,
      url: req.url,
      kind,
      httpStatus: extra.httpStatus ?? null,
      ocpiStatus: extra.ocpiStatus ?? null,
      durationMs,
      requestId: details.requestId ?? null,
      correlationId: call.correlationId,
      requestBody: req.body ?? null,
      responseBody: extra.responseBody ?? null,
      explanation: call.attempts > 1 ? `${explanation} (${call.attempts} attempts)` : explanation,
    });
    return new OcpiCallError(kind, explanation, details, extra.responseBody);
  }
}

function normaliseHeaders(headers: AxiosResponse['headers']): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [key, value] of Object.entries(headers ?? {})) out[key.toLowerCase()] = value as string | string[] | undefined;
  return out;
}

function withParams(url: string, params: Record<string, string | number | undefined>): string {
  const u = new URL(url);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) u.searchParams.set(key, String(value));
  return u.toString();
}

function describeJsonType(value: unknown): string {
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
