import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import axios, { AxiosError, AxiosInstance, AxiosResponse, Method } from 'axios';
import axiosRetry, { exponentialDelay, isNetworkError } from 'axios-retry';
import { AppConfig } from '../../config/app-config';
import { authorizationHeader, TokenEncoding } from '../core/authorization-header';
import { isOcpiSuccess } from '../core/ocpi-status';
import { OcpiCallError } from './ocpi-call.error';
import { nextLink } from './link-header';

/** One call to a CPO. `token` is the credentials token in clear; it only ever goes into the header. */
export interface OcpiRequest {
  method: Method;
  url: string;
  token: string;
  encoding: TokenEncoding;
  body?: unknown;
  params?: Record<string, string | number | undefined>;
  /** HTTP statuses the caller expects and handles (e.g. 401 while trying token encodings): logged at debug, not warn. */
  expectedStatuses?: number[];
}

/** A successful call: the envelope's `data` and the response headers (lower-case names). */
export interface OcpiReply<T = unknown> {
  data: T;
  headers: Record<string, string | string[] | undefined>;
  httpStatus: number;
  url: string;
}

/** One page of a paginated Sender interface. */
export interface OcpiPage {
  items: unknown[];
  url: string;
  /** X-Total-Count, when the CPO sent it. */
  totalCount: number | null;
}

/**
 * The one way this service talks to a CPO (transport_and_format 2.2.1): sets the Authorization header
 * for the version, X-Request-ID and X-Correlation-ID, a timeout, retries idempotent GETs on network errors,
 * 429 and 5xx with exponential backoff (axios-retry, honouring Retry-After), reads the envelope tolerantly
 * and turns every failure into an {@link OcpiCallError}. Never logs tokens or bodies.
 */
@Injectable()
export class OcpiClient {
  private readonly logger = new Logger(OcpiClient.name);
  private readonly http: AxiosInstance;

  constructor(config: AppConfig) {
    this.http = axios.create({
      timeout: config.env.OCPI_REQUEST_TIMEOUT_MS,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: (body: unknown) => body,
      maxRedirects: 0,
    });
    axiosRetry(this.http, {
      retries: 2,
      retryDelay: (count, error) => exponentialDelay(count, error, 200),
      // Only GETs are retried: a repeated POST or PUT may not be idempotent at the CPO.
      retryCondition: (error: AxiosError) =>
        error.config?.method?.toUpperCase() === 'GET' &&
        (isNetworkError(error) || error.code === 'ECONNABORTED' || [429, 502, 503, 504].includes(error.response?.status ?? 0)),
    });
  }

  /**
   * Sends one request and unwraps the OCPI envelope.
   * @throws OcpiCallError classified as TRANSPORT, HTTP_STATUS, OCPI_STATUS or UNPARSEABLE.
   */
  async request<T = unknown>(req: OcpiRequest): Promise<OcpiReply<T>> {
    const started = Date.now();
    const requestId = randomUUID();
    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>({
        method: req.method,
        url: req.url,
        params: req.params,
        data: req.body === undefined ? undefined : JSON.stringify(req.body),
        headers: {
          Authorization: authorizationHeader(req.token, req.encoding),
          'Content-Type': 'application/json',
          'X-Request-ID': requestId,
          'X-Correlation-ID': requestId,
        },
        // axios-retry treats statuses outside this range as errors to retry, and we classify them below.
        validateStatus: (status) => status < 500 && status !== 429,
      });
    } catch (error) {
      const err = error as AxiosError<string>;
      if (err.response) {
        response = err.response;
      } else {
        throw this.fail('TRANSPORT', transportExplanation(err), req, started);
      }
    }
    return this.unwrap<T>(response, req, started);
  }

  /**
   * Walks a paginated Sender interface (transport_and_format 2.2.1 §Pagination): follows `Link: rel="next"`;
   * when a CPO sends no Link but X-Total-Count says more remain, continues with offset/limit using the CPO's
   * X-Limit. Stops with an OcpiCallError of kind PAGINATION when a page URL comes round again.
   */
  async *pages(req: Omit<OcpiRequest, 'method' | 'body'>): AsyncGenerator<OcpiPage> {
    const seen = new Set<string>();
    let url: string | null = withParams(req.url, req.params ?? {});
    let offset = Number(req.params?.offset ?? 0);
    while (url) {
      if (seen.has(url)) {
        throw new OcpiCallError('PAGINATION', 'the CPO sent a next-page link we already visited; stopped to avoid a loop. Ask the CPO to fix its Link header.', { method: 'GET', url });
      }
      seen.add(url);
      const reply: OcpiReply<unknown> = await this.request({ ...req, method: 'GET', url, params: undefined });
      const items = Array.isArray(reply.data) ? reply.data : [];
      if (!Array.isArray(reply.data) && reply.data !== null && reply.data !== undefined) {
        throw new OcpiCallError('UNPARSEABLE', 'a list endpoint answered with something other than a JSON array in data.', { method: 'GET', url, httpStatus: reply.httpStatus });
      }
      const totalCount = headerNumber(reply.headers['x-total-count']);
      yield { items, url, totalCount };
      offset += items.length;
      url = nextLink(reply.headers['link'], url) ?? fallbackNext(url, offset, items.length, totalCount, headerNumber(reply.headers['x-limit']));
    }
  }

  private unwrap<T>(response: AxiosResponse<string>, req: OcpiRequest, started: number): OcpiReply<T> {
    const body = parseJson(response.data);
    if (response.status >= 400) {
      const ocpiStatus = typeof body?.status_code === 'number' ? body.status_code : undefined;
      throw this.fail('HTTP_STATUS', httpExplanation(response.status, body?.status_message), req, started, response.status, ocpiStatus);
    }
    if (!body || typeof body !== 'object') {
      throw this.fail('UNPARSEABLE', 'the response body is not a JSON OCPI envelope.', req, started, response.status);
    }
    const statusCode = Number(body.status_code);
    if (!Number.isFinite(statusCode)) {
      throw this.fail('UNPARSEABLE', 'the response has no status_code: not an OCPI envelope.', req, started, response.status);
    }
    if (!isOcpiSuccess(statusCode)) {
      const message = typeof body.status_message === 'string' ? body.status_message : 'no status_message';
      throw this.fail('OCPI_STATUS', `the CPO answered OCPI status ${statusCode} (${message}).`, req, started, response.status, statusCode);
    }
    return { data: (body.data ?? null) as T, headers: normaliseHeaders(response.headers), httpStatus: response.status, url: req.url };
  }

  private fail(kind: OcpiCallError['kind'], explanation: string, req: OcpiRequest, started: number, httpStatus?: number, ocpiStatus?: number): OcpiCallError {
    const error = new OcpiCallError(kind, explanation, { method: req.method, url: req.url, httpStatus, ocpiStatus, durationMs: Date.now() - started });
    const expected = httpStatus !== undefined && req.expectedStatuses?.includes(httpStatus);
    this.logger[expected ? 'debug' : 'warn']({ kind, method: req.method, url: req.url, httpStatus, ocpiStatus, durationMs: Date.now() - started }, explanation);
    return error;
  }
}

function parseJson(text: string | undefined): Record<string, any> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : null;
  } catch {
    return null;
  }
}

function normaliseHeaders(headers: AxiosResponse['headers']): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [key, value] of Object.entries(headers ?? {})) out[key.toLowerCase()] = value as string | string[] | undefined;
  return out;
}

function headerNumber(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isInteger(n) && n >= 0 ? n : null;
}

function withParams(url: string, params: Record<string, string | number | undefined>): string {
  const u = new URL(url);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) u.searchParams.set(key, String(value));
  return u.toString();
}

/** Offset/limit continuation for CPOs that send X-Total-Count but no Link header. */
function fallbackNext(url: string, offset: number, received: number, total: number | null, xLimit: number | null): string | null {
  if (total === null || received === 0 || offset >= total) return null;
  const u = new URL(url);
  u.searchParams.set('offset', String(offset));
  if (xLimit !== null) u.searchParams.set('limit', String(xLimit));
  return u.toString();
}

function transportExplanation(error: AxiosError): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused: the CPO endpoint is down or the URL/port is wrong.';
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
      return 'the CPO did not answer within the timeout; retry later or ask the CPO about its response times.';
    case 'ENOTFOUND':
      return 'the CPO host name does not resolve: check the URL.';
    case 'ECONNRESET':
      return 'the CPO closed the connection mid-request.';
    default:
      return error.code?.startsWith('ERR_TLS') || error.code?.includes('CERT')
        ? `TLS failure (${error.code}): the CPO certificate is not trusted or has expired.`
        : `network failure (${error.code ?? error.message}).`;
  }
}

function httpExplanation(status: number, message: unknown): string {
  const suffix = typeof message === 'string' ? ` CPO said: "${message}".` : '';
  if (status === 401 || status === 403) return `HTTP ${status}: the CPO rejected our credentials token; the connection may need re-registering.${suffix}`;
  if (status === 404) return `HTTP 404: the endpoint does not exist at the CPO; its endpoints may have changed.${suffix}`;
  if (status === 405) return `HTTP 405: the CPO does not allow this method here (e.g. already registered).${suffix}`;
  if (status === 429) return `HTTP 429: the CPO is rate-limiting us; retried with backoff and gave up.${suffix}`;
  if (status >= 500) return `HTTP ${status}: the CPO had a server error; retried and gave up.${suffix}`;
  return `HTTP ${status}.${suffix}`;
}
