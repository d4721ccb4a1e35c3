/**
 * Test helpers for the simulator's own specs: HTTP calls with an OCPI token, and a tiny fake
 * eMSP (versions + version details) for the credentials handshake to call back.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeBase64Authorization } from './auth';
import type { CpoSimulator } from './simulator-types';

export interface HttpResult {
  status: number;
  headers: Headers;
  body: { data?: unknown; status_code: number; status_message?: string; timestamp: string };
}

/** Calls `url` with `Authorization: Token base64(token)` (or the raw header given). */
export async function call(
  url: string,
  token: string | null,
  init: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; rawAuthorization?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.rawAuthorization !== undefined) headers.Authorization = init.rawAuthorization;
  else if (token !== null) headers.Authorization = encodeBase64Authorization(token);
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as HttpResult['body'] };
}

export type FakeEmspMode = 'ok' | 'versions-http-500' | 'no-2.2.1' | 'details-not-json' | 'only-2.1.1' | 'only-2.3.0';

export interface FakeEmsp {
  versionsUrl: string;
  /** Authorization headers received, in order. */
  authorizations: string[];
  /** Request headers received, in order. */
  requestHeaders: IncomingHttpHeaders[];
  mode: FakeEmspMode;
  close(): Promise<void>;
}

/** Starts a fake eMSP on loopback that serves /emsp/versions and /emsp/2.2.1 (or 2.1.1 / 2.3.0 by mode; no auth check). */
export async function startFakeEmsp(mode: FakeEmspMode = 'ok'): Promise<FakeEmsp> {
  const envelope = (data: unknown): string => JSON.stringify({ data, status_code: 1000, timestamp: new Date().toISOString() });
  const server = createServer((req, res) => {
    fake.authorizations.push(String(req.headers.authorization));
    fake.requestHeaders.push(req.headers);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/emsp`;
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/emsp/versions') {
      if (fake.mode === 'versions-http-500') return void res.writeHead(500).end('{}');
      const version = fake.mode === 'no-2.2.1' || fake.mode === 'only-2.1.1' ? '2.1.1' : fake.mode === 'only-2.3.0' ? '2.3.0' : '2.2.1';
      return void res.end(envelope([{ version, url: `${base}/${version}` }]));
    }
    if (req.url === '/emsp/2.1.1' && fake.mode === 'only-2.1.1') {
      return void res.end(envelope({ version: '2.1.1', endpoints: [{ identifier: 'credentials', url: `${base}/2.1.1/credentials` }] }));
    }
    if (req.url === '/emsp/2.3.0' && fake.mode === 'only-2.3.0') {
      return void res.end(envelope({ version: '2.3.0', endpoints: [{ identifier: 'credentials', role: 'SENDER', url: `${base}/2.3.0/credentials` }] }));
    }
    if (req.url === '/emsp/2.2.1') {
      if (fake.mode === 'details-not-json') return void res.end('<html>');
      return void res.end(
        envelope({
          version: '2.2.1',
          endpoints: [
            { identifier: 'credentials', role: 'SENDER', url: `${base}/2.2.1/credentials` },
            { identifier: 'locations', role: 'RECEIVER', url: `${base}/2.2.1/locations` },
          ],
        }),
      );
    }
    res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake: FakeEmsp = {
    versionsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/emsp/versions`,
    authorizations: [],
    requestHeaders: [],
    mode,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}

/** A valid eMSP credentials body with a fresh token B. */
export function emspCredentials(versionsUrl: string, tokenB: string = randomUUID()): Record<string, unknown> {
  return {
    token: tokenB,
    url: versionsUrl,
    roles: [{ role: 'EMSP', party_id: 'AGG', country_code: 'NL', business_details: { name: 'Aggregator under test' } }],
  };
}

/** Registers with the simulator; returns token C. Throws if the handshake fails. */
export async function register(sim: CpoSimulator, emsp: FakeEmsp): Promise<string> {
  const res = await call(`${sim.baseUrl}/2.2.1/credentials`, sim.tokenA, { method: 'POST', body: emspCredentials(emsp.versionsUrl) });
  if (res.body.status_code !== 1000) throw new Error(`registration failed: ${JSON.stringify(res.body)}`);
  return (res.body.data as { token: string }).token;
}

/** Follows `Link: <…>; rel="next"` from `firstUrl`; returns every page's result. */
export async function walkPages(firstUrl: string, token: string): Promise<HttpResult[]> {
  const pages: HttpResult[] = [];
  for (let url: string | null = firstUrl; url !== null;) {
    const page = await call(url, token);
    pages.push(page);
    if (pages.length > 1000) throw new Error('pagination does not end');
    url = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1] ?? null;
  }
  return pages;
}
