/**
 * The simulator as a CPO using the eMSP's Tokens Sender interface (mod_tokens 2.2.1 / 2.3.0 §Sender Interface, 2.1.1
 * §2.2 eMSP Interface): GET the eMSP's Tokens page by page, and ask for a real-time authorization
 * (POST {tokens_endpoint_url}/{token_uid}/authorize[?type=] with an optional LocationReferences body). Answers are
 * returned with their HTTP status, OCPI status and pagination headers, never thrown.
 */
import { randomUUID } from 'node:crypto';
import { encodeAuthorization } from './auth';
import { isRecord } from './guards';
import { sendingEncoding, type SimulatorContext } from './simulator-context';

/** One answer of the eMSP's Tokens interface. */
export interface TokensAnswer {
  httpStatus: number;
  ocpiStatus: number | null;
  message: string | null;
  data: unknown;
  /** X-Total-Count, X-Limit and the Link header's next URL (transport_and_format §Paginated Response), when sent. */
  totalCount: number | null;
  limit: number | null;
  next: string | null;
}

/** The eMSP's tokens endpoint from its version details (2.2+: role SENDER; 2.1.1: no role). @throws Error when none */
function tokensUrl(ctx: SimulatorContext): { url: string; token: string } {
  const state = ctx.registration.snapshot();
  const endpoint = state.clientVersionDetails?.endpoints.find((e) => e.identifier === 'tokens' && (e.role === undefined || e.role === 'SENDER'));
  if (!state.tokenForClient || !endpoint) throw new Error('not registered, or the eMSP lists no tokens Sender endpoint');
  return { url: endpoint.url.replace(/\/$/, ''), token: state.tokenForClient };
}

async function call(ctx: SimulatorContext, method: string, url: string, token: string, body?: unknown): Promise<TokensAnswer> {
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: encodeAuthorization(token, sendingEncoding(ctx)),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(ctx.adapter.routingHeaders ? { 'X-Request-ID': randomUUID(), 'X-Correlation-ID': randomUUID() } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(await response.text());
  } catch {
    // not JSON: reported through the status alone
  }
  const header = (name: string) => response.headers.get(name);
  const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(header('link') ?? '');
  return {
    httpStatus: response.status,
    ocpiStatus: isRecord(parsed) && typeof parsed.status_code === 'number' ? parsed.status_code : null,
    message: isRecord(parsed) && typeof parsed.status_message === 'string' ? parsed.status_message : null,
    data: isRecord(parsed) ? parsed.data : undefined,
    totalCount: header('x-total-count') === null ? null : Number(header('x-total-count')),
    limit: header('x-limit') === null ? null : Number(header('x-limit')),
    next: link ? link[1] : null,
  };
}

/** Query of a GET of the eMSP's Tokens (mod_tokens 2.2.1 §GET Method Request Parameters), or a Link's URL to follow. */
export type TokensQuery = { date_from?: string; date_to?: string; offset?: number; limit?: number } | { url: string };

/** GET one page of the eMSP's Tokens. @throws Error when not registered or no tokens endpoint is listed */
export function getTokens(ctx: SimulatorContext, query: TokensQuery = {}): Promise<TokensAnswer> {
  const { url, token } = tokensUrl(ctx);
  if ('url' in query) return call(ctx, 'GET', query.url, token);
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const qs = params.toString();
  return call(ctx, 'GET', qs ? `${url}?${qs}` : url, token);
}

/**
 * POST …/tokens/{uid}/authorize[?type=] (mod_tokens 2.2.1 §POST Method): `location` is the LocationReferences body
 * (left out when undefined; any value is sent as is, to try malformed ones).
 */
export function authorizeToken(ctx: SimulatorContext, uid: string, options: { type?: string; location?: unknown } = {}): Promise<TokensAnswer> {
  const { url, token } = tokensUrl(ctx);
  const query = options.type ? `?type=${encodeURIComponent(options.type)}` : '';
  return call(ctx, 'POST', `${url}/${encodeURIComponent(uid)}/authorize${query}`, token, options.location);
}
