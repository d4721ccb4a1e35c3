import { createHash } from 'node:crypto';
import { nextLink } from './link-header';

type Headers = Record<string, string | string[] | undefined>;

/**
 * What to do after a page: fetch `next` (null: done), or stop with `error` (plain words). `linkMissing`: this page
 * was found by offset because the one before it came back full without a Link, and it holds objects (so that Link
 * was missing). `moved`: the list changed under the crawl between the previous page and this one (X-Total-Count
 * changed, or this page starts with an object the previous page held). `next` may re-read an offset: then `reread`.
 */
export type PageStep = ({ next: string | null; reread?: boolean } | { error: string }) & { linkMissing?: boolean; moved?: boolean };

const STOPPED = 'Stopped; what was received so far is kept and the next pull starts again from the last successful one.';

/**
 * Where a walk stood after a page, to carry on from there in another walk (another process, after the first died):
 * the next page's URL and what the walker knew (see {@link PageWalker.resumeAt}).
 */
export interface WalkPosition {
  next: string;
  totalCount: number | null;
  pages: number;
  received: number;
  sawLink: boolean;
}

/** The setting that caps the pages of one pull (named in the error that stops a pull at the cap). */
export const MAX_PAGES_SETTING = 'OCPI_MAX_PAGES_PER_PULL';

/**
 * Decides the next page of a paginated GET (transport_and_format 2.2.1 §Pagination; 2.1.1 §Pagination is the same
 * but for date_from/date_to) and refuses to spin:
 * - follows `Link: <…>; rel="next"` (relative or absolute), only to the origin (scheme, host, port) of the endpoint
 *   the CPO listed in its version details: each request carries our credentials token, which must never reach
 *   another host (transport_and_format 2.2.1 §Security and authentication, §Interface endpoints);
 * - without a Link, when no page of the crawl had one, asks for the next offset while pages come back full (the
 *   limit asked for, or the CPO's X-Limit when smaller), or while X-Total-Count says more remain: the Link "should be provided when this is NOT the last
 *   page", but CPOs in the field send full pages without it and an X-Total-Count equal to the page size, so neither
 *   a missing Link nor that total ends a crawl while pages are full. A short page (with X-Total-Count reached or
 *   absent) or an empty page ends it. A CPO that linked its earlier pages ends the list by leaving the Link out
 *   (unless X-Total-Count says more remain). A page found that way is a deviation (PAGINATION_LINK_MISSING);
 * - when X-Total-Count drops by d between two pages, objects before our offset may have gone and the rest moved d
 *   places forward, past us (a gap): it re-reads from the current page's offset lowered by d (§Paginated Response
 *   advises the previous GET with the offset lowered by one after one removal), when the page URL carries an offset;
 *   a re-read page does not rewind again, so a crawl always advances;
 * - a total that grows, or a page that starts with an object the previous one held (objects inserted before our
 *   offset: everything after moved back, which repeats objects, never skips one), is marked `moved` for the caller;
 * - stops with an error on a page URL seen before, the same objects as an earlier page, an empty page that still
 *   links on, Links beyond X-Total-Count, a total that drops without an offset to rewind, or more than `maxPages`
 *   pages (OCPI_MAX_PAGES_PER_PULL).
 */
export class PageWalker {
  private readonly urls = new Set<string>();
  private readonly fingerprints = new Set<string>();
  /** Page URLs we chose by offset because the page before had no Link. */
  private readonly byOffset = new Set<string>();
  /** Page URLs we re-read because the list moved. */
  private readonly rereads = new Set<string>();
  private received = 0;
  private pages = 0;
  private lastTotal: number | null = null;
  /** Whether a page of this crawl carried a next-page Link: then a page without one is the last (the spec's way). */
  private sawLink = false;
  /** Identities of the previous page's objects. */
  private previous = new Set<string>();

  private readonly origin: string;

  /** `endpointUrl`: the module's endpoint from the CPO's version details; every page must share its origin. */
  constructor(
    endpointUrl: string,
    private readonly options: { requestedLimit: number | null; maxPages: number },
  ) {
    this.origin = new URL(endpointUrl).origin;
  }

  /**
   * Carries on a walk another walker began (it died): seeds what that walker knew, so that the cap, the X-Total-Count
   * checks and the end of the list are judged as they would have been. @returns why `position.next` must not be
   * fetched (another origin than the endpoint's), or null.
   */
  resumeAt(position: WalkPosition): string | null {
    if (new URL(position.next).origin !== this.origin) {
      return `the page to resume from (${position.next}) is on another origin than the CPO's endpoint (${this.origin}): not fetched, our token is not sent there. ${STOPPED}`;
    }
    this.pages = position.pages;
    this.received = position.received;
    this.lastTotal = position.totalCount;
    this.sawLink = position.sawLink;
    return null;
  }

  /** What the walker knows after the pages so far (to resume elsewhere, with the next page's URL). */
  progress(): { pages: number; received: number; sawLink: boolean } {
    return { pages: this.pages, received: this.received, sawLink: this.sawLink };
  }

  /** Call before fetching `url`. @returns why it must not be fetched, or null. */
  beforeFetch(url: string): string | null {
    if (this.urls.has(url) && !this.rereads.has(url)) {
      return `the CPO's next-page link points back to a page we already fetched (${url}): its pagination loops. Ask the CPO to fix its Link header. ${STOPPED}`;
    }
    if (this.pages >= this.options.maxPages) {
      return `the CPO has more than ${this.options.maxPages} pages to send, the cap ${MAX_PAGES_SETTING} sets for one pull: stopped to avoid paging forever. If the CPO really holds that many objects, raise ${MAX_PAGES_SETTING}. ${STOPPED}`;
    }
    this.urls.add(url);
    return null;
  }

  /** Call with each fetched page. */
  afterPage(url: string, items: unknown[], headers: Headers): PageStep {
    this.pages += 1;
    this.received += items.length;
    const reread = this.rereads.delete(url);
    const notes = { linkMissing: this.byOffset.delete(url) && items.length > 0, moved: false };
    const identities = items.map(identityOf);
    const total = headerInt(headers['x-total-count']);
    const overlaps = identities.length > 0 && this.previous.has(identities[0]);
    const dropped = total !== null && this.lastTotal !== null && total < this.lastTotal ? this.lastTotal - total : 0;
    notes.moved = overlaps || (total !== null && this.lastTotal !== null && total !== this.lastTotal);
    if (total !== null) this.lastTotal = total;
    this.previous = new Set(identities);
    if (dropped > 0 && !reread) {
      const rewound = rewind(url, dropped);
      if (!rewound) {
        return {
          ...notes,
          error: `X-Total-Count dropped by ${dropped} to ${total} during the pull and the page URL (${url}) has no offset to read again from: objects were removed or changed while we paged, and some may have moved past us (transport_and_format §Paginated Response). ${STOPPED}`,
        };
      }
      this.rereads.add(rewound);
      return { ...notes, next: rewound, reread: true };
    }
    if (items.length > 0 && !reread) {
      const fingerprint = fingerprintOf(identities);
      if (this.fingerprints.has(fingerprint)) {
        return { ...notes, error: `the CPO returned the same objects as on an earlier page (at ${url}): it ignores offset or its Link does not advance. ${STOPPED}` };
      }
      this.fingerprints.add(fingerprint);
    }
    const link = nextLink(headers['link'], url);
    if (link) this.sawLink = true;
    if (link) return { ...notes, ...this.checkLink(link, items.length) };
    const next = this.fallback(url, items.length, total, headerInt(headers['x-limit']));
    if (next) this.byOffset.add(next);
    return { ...notes, next };
  }

  /** Whether `url` is a page the walker chose to read again (call before {@link afterPage}). */
  isReread(url: string): boolean {
    return this.rereads.has(url);
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
    if (this.lastTotal !== null && this.position(link) >= this.lastTotal + slack) {
      return {
        error: `the CPO keeps sending next-page links after the ${this.lastTotal} objects its X-Total-Count announced (${this.received} received): its Link never ends. ${STOPPED}`,
      };
    }
    return { next: link };
  }

  /** How far the crawl has come: the offset of `next` when it carries one (re-reads count once), else the objects received. */
  private position(next: string): number {
    const offset = offsetOf(next);
    return offset ?? this.received;
  }

  /** Offset/limit continuation for CPOs that send no Link header (see the class comment for the rule). */
  private fallback(url: string, pageSize: number, total: number | null, xLimit: number | null): string | null {
    if (pageSize === 0) return null;
    const limit = smallest(this.options.requestedLimit, xLimit);
    // A CPO that links its pages ends its list by leaving the Link out: its last page may well be full.
    const full = !this.sawLink && limit !== null && pageSize >= limit;
    const next = new URL(url);
    const offset = offsetOf(url);
    const nextOffset = offset !== null ? offset + pageSize : this.received;
    const more = full || (total !== null && nextOffset < total);
    if (!more) return null;
    next.searchParams.set('offset', String(nextOffset));
    if (limit !== null) next.searchParams.set('limit', String(limit));
    return next.toString();
  }
}

/** The `offset` query parameter of a page URL, when it is a non-negative integer. */
function offsetOf(url: string): number | null {
  const raw = new URL(url).searchParams.get('offset');
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : null;
}

/** `url` with its offset lowered by `by` (not below 0), or null when it carries no offset. */
function rewind(url: string, by: number): string | null {
  const offset = offsetOf(url);
  if (offset === null) return null;
  const back = new URL(url);
  back.searchParams.set('offset', String(Math.max(0, offset - by)));
  return back.toString();
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

/** An object's identity within a list (country_code, party_id, id or uid, last_updated), or its JSON without an id. */
function identityOf(item: unknown): string {
  const o = (item ?? {}) as Record<string, unknown>;
  const id = o.id ?? o.uid;
  return id === undefined ? JSON.stringify(item) : JSON.stringify([o.country_code, o.party_id, id, o.last_updated]);
}

/** The identities of a page's objects, hashed. */
function fingerprintOf(identities: string[]): string {
  const hash = createHash('sha1');
  for (const identity of identities) hash.update(identity).update('\n');
  return hash.digest('hex');
}
