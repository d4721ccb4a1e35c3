import { createHash } from 'node:crypto';
import { nextLink } from './link-header';

type Headers = Record<string, string | string[] | undefined>;

/** What to do after a page: fetch `next` (null: done), or stop with `error` (plain words). */
export type PageStep = { next: string | null } | { error: string };

const STOPPED = 'Stopped; what was received so far is kept and the next pull starts again from the last successful one.';

/**
 * Decides the next page of a paginated GET (transport_and_format 2.2.1 §Pagination) and refuses to spin:
 * - follows `Link: <…>; rel="next"` (relative or absolute), only to the origin (scheme, host, port) of the endpoint
 *   the CPO listed in its version details: each request carries our credentials token, which must never reach
 *   another host (transport_and_format 2.2.1 §Security and authentication, §Interface endpoints);
 * - without a Link, continues with offset/limit while X-Total-Count says more remain, or, without X-Total-Count,
 *   while pages come back full; the limit asked for is the CPO's X-Limit when it is smaller than ours;
 * - stops with an error on a page URL seen before, the same objects as an earlier page, an empty page that still
 *   links on, Links beyond X-Total-Count, a total that shrinks, or more than `maxPages` pages.
 */
export class PageWalker {
  private readonly urls = new Set<string>();
  private readonly fingerprints = new Set<string>();
  private received = 0;
  private pages = 0;
  private lastTotal: number | null = null;

  private readonly origin: string;

  /** `endpointUrl`: the module's endpoint from the CPO's version details; every page must share its origin. */
  constructor(
    endpointUrl: string,
    private readonly options: { requestedLimit: number | null; maxPages: number },
  ) {
    this.origin = new URL(endpointUrl).origin;
  }

  /** Call before fetching `url`. @returns why it must not be fetched, or null. */
  beforeFetch(url: string): string | null {
    if (this.urls.has(url)) {
      return `the CPO's next-page link points back to a page we already fetched (${url}): its pagination loops. Ask the CPO to fix its Link header. ${STOPPED}`;
    }
    if (this.pages >= this.options.maxPages) return `more than ${this.options.maxPages} pages: stopped to avoid paging forever. ${STOPPED}`;
    this.urls.add(url);
    return null;
  }

  /** Call with each fetched page. */
  afterPage(url: string, items: unknown[], headers: Headers): PageStep {
    this.pages += 1;
    this.received += items.length;
    const total = headerInt(headers['x-total-count']);
    const shrunk = total !== null && this.lastTotal !== null && total < this.lastTotal;
    if (shrunk) {
      return {
        error: `X-Total-Count shrank from ${this.lastTotal} to ${total} during the pull: objects were removed or changed while we paged (transport_and_format §Paginated Response). ${STOPPED}`,
      };
    }
    if (total !== null) this.lastTotal = total;
    if (items.length > 0) {
      const fingerprint = fingerprintOf(items);
      if (this.fingerprints.has(fingerprint)) {
        return { error: `the CPO returned the same objects as on an earlier page (at ${url}): it ignores offset or its Link does not advance. ${STOPPED}` };
      }
      this.fingerprints.add(fingerprint);
    }
    const link = nextLink(headers['link'], url);
    if (link) return this.checkLink(link, items.length);
    return { next: this.fallback(url, items.length, total, headerInt(headers['x-limit'])) };
  }

  private checkLink(link: string, pageSize: number): PageStep {
    // URL.origin compares scheme, host (lower-cased) and port (default ports elided): 127.0.0.1 and localhost differ.
    if (new URL(link).origin !== this.origin) {
      return {
        error: `the CPO's next-page Link points to ${link}, another origin than the endpoint the CPO gave us (${this.origin}): not followed, and our token was not sent there. Ask the CPO to link only within its own endpoint. ${STOPPED}`,
      };
    }
    if (pageSize === 0) {
      return { error: `the CPO sent an empty page that still links to a next one (${link}): its Link never ends. ${STOPPED}` };
    }
    const slack = this.options.requestedLimit ?? pageSize;
    if (this.lastTotal !== null && this.received >= this.lastTotal + slack) {
      return {
        error: `the CPO keeps sending next-page links after the ${this.lastTotal} objects its X-Total-Count announced (${this.received} received): its Link never ends. ${STOPPED}`,
      };
    }
    return { next: link };
  }

  /** Offset/limit continuation for CPOs that send no Link header. */
  private fallback(url: string, pageSize: number, total: number | null, xLimit: number | null): string | null {
    if (pageSize === 0) return null;
    const limit = smallest(this.options.requestedLimit, xLimit);
    const more = total !== null ? this.received < total : limit !== null && pageSize >= limit;
    if (!more) return null;
    const next = new URL(url);
    const offset = Number(next.searchParams.get('offset'));
    next.searchParams.set('offset', String(next.searchParams.has('offset') && Number.isInteger(offset) ? offset + pageSize : this.received));
    if (limit !== null) next.searchParams.set('limit', String(limit));
    return next.toString();
  }
}

function smallest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** A non-negative integer header (X-Total-Count, X-Limit), or null when absent or malformed. */
export function headerInt(value: string | string[] | undefined): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text && /^\d+$/.test(text) ? Number(text) : null;
}

/** The identities of a page's objects (country_code, party_id, id or uid, last_updated), hashed. */
function fingerprintOf(items: unknown[]): string {
  const hash = createHash('sha1');
  for (const item of items) {
    const o = (item ?? {}) as Record<string, unknown>;
    const id = o.id ?? o.uid;
    hash.update(id === undefined ? JSON.stringify(item) : JSON.stringify([o.country_code, o.party_id, id, o.last_updated])).update('\n');
  }
  return hash.digest('hex');
}
