/**
 * Applies SimulatorQuirks around the simulator's router: before routing (drop the connection, fail the first
 * N requests, ignore offset), after routing (bend the envelope, pagination headers, wire style, roles) and when
 * writing (delay, raw non-JSON bodies, byte order mark).
 */
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { fail, OcpiStatus, writeReply, type OcpiReply } from '../http-envelope';
import { bendPaginationHeaders, endlessPage } from './pagination-quirks';
import type { BodyQuirks, QuirkModule, SimulatorQuirks } from './simulator-quirks';
import { restyle } from './wire-style-quirks';

/** What to do with a request before it is routed. */
export type Interception = { drop: true } | { reply: OcpiReply } | null;

const DEFAULT_MODULES: QuirkModule[] = ['locations', 'tariffs'];

export class QuirkEngine {
  private quirks: SimulatorQuirks = {};
  private failed = 0;
  private passed = 0;
  private dropped = 0;
  private lists = 0;
  private delayed = 0;
  private undelayed = 0;
  /** List requests per module seen before routing (for growAtFront). */
  private listsAsked = new Map<QuirkModule, number>();
  /** The first non-empty list page served per module (the templates of an endless Sender). */
  private firstPages = new Map<QuirkModule, unknown[]>();

  constructor(quirks: SimulatorQuirks | undefined) {
    this.set(quirks);
  }

  /** Replaces the quirks and restarts the counters. */
  set(quirks: SimulatorQuirks | undefined): void {
    this.quirks = structuredClone(quirks ?? {});
    this.failed = 0;
    this.passed = 0;
    this.dropped = 0;
    this.lists = 0;
    this.delayed = 0;
    this.undelayed = 0;
    this.listsAsked = new Map();
    this.firstPages = new Map();
  }

  /**
   * Takes a request about to be routed and the simulator's lists; changes a list between page requests when
   * `pagination.growAtFront` or `shrinkAtFront` says so (a CPO inserting or removing objects while a client crawls).
   */
  beforeRoute(method: string, url: URL, lists: Partial<Record<QuirkModule, unknown[] | null>>): void {
    const { growAtFront: grow, shrinkAtFront: shrink } = this.quirks.pagination ?? {};
    const module = moduleOf(url);
    if ((!grow && !shrink) || method !== 'GET' || module === null || !this.applies(url) || !isListPath(url, module)) return;
    const asked = this.listsAsked.get(module) ?? 0;
    this.listsAsked.set(module, asked + 1);
    const list = lists[module];
    if (!list) return;
    if (grow && asked === grow.afterLists) {
      const now = new Date().toISOString();
      list.unshift(...grow.objects.map((o) => ({ ...(o as object), last_updated: now })));
    }
    if (shrink && asked === shrink.afterLists) list.splice(0, shrink.count);
  }

  /** Takes the method and URL; returns the URL the router should see (offset dropped when ignored). */
  rewrite(url: URL): URL {
    if (!this.applies(url) || !this.quirks.pagination?.ignoreOffset) return url;
    const copy = new URL(url.toString());
    copy.searchParams.delete('offset');
    return copy;
  }

  /** Takes the method and URL; decides whether the request is answered before routing. */
  intercept(method: string, url: URL): Interception {
    if (!this.applies(url)) return null;
    const { dropConnections = 0, failures } = this.quirks;
    if (this.dropped < dropConnections) {
      this.dropped += 1;
      return { drop: true };
    }
    const failable = failures && (!failures.methods || failures.methods.includes(method));
    if (failable && this.passed < (failures.after ?? 0)) {
      this.passed += 1;
      return null;
    }
    if (failable && this.failed < failures.count) {
      this.failed += 1;
      const reply = fail(failures.httpStatus, OcpiStatus.SERVER_ERROR, `Simulated failure ${this.failed} of ${failures.count}`);
      return { reply: failures.retryAfter ? { ...reply, headers: { 'Retry-After': failures.retryAfter } } : reply };
    }
    return null;
  }

  /** Takes the routed reply (and the URL as requested); returns the reply with the quirks applied. */
  transform(url: URL, reply: OcpiReply): OcpiReply {
    if (this.quirks.presentAsHub && moduleOf(url) === 'credentials') return asHub(reply);
    if (!this.applies(url) || reply.httpStatus !== 200) return reply;
    let out: OcpiReply = { ...reply, body: { ...reply.body }, headers: { ...(reply.headers ?? {}) } };
    const isList = Array.isArray(reply.body.data);
    const module = moduleOf(url);
    if (isList && module && (reply.body.data as unknown[]).length > 0 && !this.firstPages.has(module)) this.firstPages.set(module, reply.body.data as unknown[]);
    const templates = module ? this.firstPages.get(module) : undefined;
    if (isList && this.quirks.pagination?.endlessObjects && templates) {
      const page = endlessPage(templates, url, out.headers!);
      out.body.data = page.items;
      out.headers = page.headers;
    }
    if (isList && this.quirks.pagination) out.headers = bendPaginationHeaders(out.headers!, url, this.lists, this.quirks.pagination);
    if (isList) this.lists += 1;
    if (this.quirks.wire && out.body.data !== undefined) out.body.data = restyle(out.body.data, this.quirks.wire);
    const padBytes = this.quirks.body?.padBytes;
    if (padBytes && Array.isArray(out.body.data) && out.body.data.length > 0) {
      const [first, ...rest] = out.body.data as unknown[];
      out.body.data = [{ ...(first as object), x_padding: 'x'.repeat(padBytes) }, ...rest];
    }
    const envelope = this.quirks.envelope ?? {};
    if (envelope.dataNull) out.body.data = null;
    if (envelope.dataNotAList && isList) out.body.data = { objects: out.body.data };
    if (envelope.omitTimestamp) delete (out.body as Partial<typeof out.body>).timestamp;
    if (envelope.statusCodeAsString) (out.body as unknown as Record<string, unknown>).status_code = String(out.body.status_code);
    if (envelope.ocpiError) {
      const { statusCode, message, httpStatus = 200 } = envelope.ocpiError;
      out = { ...fail(httpStatus, statusCode, message ?? `Simulated OCPI error ${statusCode}`), headers: out.headers };
    }
    return out;
  }

  /**
   * Takes the method, URL and routed reply of a request; when it was a credentials PUT that succeeded (i.e. was
   * applied), returns the answer `putAfterApplying` asks for instead; null otherwise.
   */
  afterApplied(method: string, url: URL, reply: OcpiReply): Interception {
    const quirk = this.quirks.putAfterApplying;
    if (!quirk || method !== 'PUT' || moduleOf(url) !== 'credentials' || reply.httpStatus !== 200 || reply.body.status_code !== OcpiStatus.SUCCESS) return null;
    const error = fail(200, OcpiStatus.SERVER_ERROR, 'Simulated failure after the credentials were applied');
    switch (quirk.answer) {
      case 'drop':
        return { drop: true };
      case 'ocpi-error':
        return { reply: error };
      case 'ocpi-error-with-credentials':
        return { reply: { ...error, body: { ...error.body, data: reply.body.data } } };
    }
  }

  /** Writes the reply, late or raw when a quirk says so; never throws on a connection the client dropped. */
  async write(res: ServerResponse, url: URL, reply: OcpiReply, baseHeaders: Record<string, string>): Promise<void> {
    const applies = this.applies(url);
    if (applies && this.quirks.delayMs && this.undelayed < (this.quirks.delayAfter ?? 0)) this.undelayed += 1;
    else if (applies && this.quirks.delayMs && this.delayed < (this.quirks.delayCount ?? Infinity)) {
      this.delayed += 1;
      await untilOrClosed(res, this.quirks.delayMs);
    }
    if (res.destroyed) return;
    const raw = applies ? this.quirks.envelope?.rawBody : undefined;
    if (raw) {
      res.writeHead(raw.httpStatus, { ...baseHeaders, 'Content-Type': raw.contentType ?? 'text/html' });
      res.end(raw.body);
      return;
    }
    if (applies && this.quirks.envelope?.byteOrderMark) {
      const payload = `\uFEFF${JSON.stringify(reply.body)}`;
      res.writeHead(reply.httpStatus, { ...baseHeaders, ...(reply.headers ?? {}), 'Content-Type': 'application/json' });
      res.end(payload);
      return;
    }
    const body = applies ? this.quirks.body : undefined;
    if (body && (body.chunked || body.gzip || body.trickle)) {
      await writeBent(res, reply, baseHeaders, body);
      return;
    }
    writeReply(res, reply, baseHeaders);
  }

  /** The status code actually sent, for the request log (raw bodies have none). */
  loggedStatus(url: URL, reply: OcpiReply): { status: number; ocpiStatus: number } {
    const raw = this.applies(url) ? this.quirks.envelope?.rawBody : undefined;
    return raw ? { status: raw.httpStatus, ocpiStatus: 0 } : { status: reply.httpStatus, ocpiStatus: Number(reply.body.status_code) };
  }

  private applies(url: URL): boolean {
    const module = moduleOf(url);
    return module !== null && (this.quirks.modules ?? DEFAULT_MODULES).includes(module);
  }
}

/** Waits `ms`, or less when the client closes the connection meanwhile (a hung CPO must not outlive its client). */
function untilOrClosed(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    // unref: a delay still pending when a test closes the simulator must not keep the test process alive.
    timer.unref();
    res.once('close', done);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
  });
}

/** Writes `reply` chunked, gzip-compressed and/or trickling, as `quirks` say. */
async function writeBent(res: ServerResponse, reply: OcpiReply, baseHeaders: Record<string, string>, quirks: BodyQuirks): Promise<void> {
  const json = Buffer.from(JSON.stringify(reply.body));
  const payload = quirks.gzip ? gzipSync(json) : json;
  res.writeHead(reply.httpStatus, {
    ...baseHeaders,
    ...(reply.headers ?? {}),
    'Content-Type': 'application/json',
    ...(quirks.gzip ? { 'Content-Encoding': 'gzip' } : {}),
    ...(quirks.chunked ? {} : { 'Content-Length': String(payload.length) }),
  });
  if (!quirks.trickle) {
    res.end(payload);
    return;
  }
  res.flushHeaders();
  for (let at = 0; at < payload.length && !res.destroyed; at += quirks.trickle.bytes) {
    res.write(payload.subarray(at, at + quirks.trickle.bytes));
    await untilOrClosed(res, quirks.trickle.everyMs);
  }
  if (!res.destroyed) res.end();
}

/** The endpoint a simulator URL addresses, from its path: …/versions, …/<version>, …/<version>/<module>/…. */
function moduleOf(url: URL): QuirkModule | null {
  const segments = url.pathname.split('/').filter(Boolean);
  const at = segments.findIndex((s) => /^\d+\.\d+(\.\d+)?$/.test(s));
  if (at < 0) return segments[segments.length - 1] === 'versions' ? 'versions' : null;
  const module = segments[at + 1];
  if (module === undefined) return 'details';
  return module === 'credentials' || module === 'locations' || module === 'tariffs' || module === 'sessions' || module === 'cdrs' ? module : null;
}

/** Whether `url` asks for a module's list (nothing after the module in the path). */
function isListPath(url: URL, module: QuirkModule): boolean {
  const segments = url.pathname.split('/').filter(Boolean);
  return segments[segments.length - 1] === module;
}

function asHub(reply: OcpiReply): OcpiReply {
  const data = reply.body.data as { roles?: Array<Record<string, unknown>> } | undefined;
  if (!data || !Array.isArray(data.roles)) return reply;
  return { ...reply, body: { ...reply.body, data: { ...data, roles: data.roles.map((r) => ({ ...r, role: 'HUB' })) } } };
}
