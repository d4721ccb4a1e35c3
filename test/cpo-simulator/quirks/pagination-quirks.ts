/** Bending the pagination headers of a list reply (see PaginationQuirks; transport_and_format 2.2.1 §Pagination). */
import type { PaginationQuirks } from './simulator-quirks';

/**
 * Takes the reply headers of a served page, the URL requested, how many list requests came before this one,
 * and the quirks; returns the headers to send instead.
 */
export function bendPaginationHeaders(headers: Record<string, string>, requested: URL, earlierLists: number, quirks: PaginationQuirks): Record<string, string> {
  const out = { ...headers };
  const next = /^<([^>]*)>/.exec(out.Link ?? '')?.[1];
  switch (quirks.link) {
    case 'none':
      delete out.Link;
      break;
    case 'relative':
      if (next) out.Link = `<${new URL(next).pathname}${new URL(next).search}>; rel="next"`;
      break;
    case 'bare-rel':
      if (next) out.Link = `<${requested.toString()}>; rel="prev"; title="back, again", <${next}>; rel=next`;
      break;
    case 'loop':
      out.Link = `<${requested.toString()}>; rel="next"`;
      break;
    case 'endless': {
      const limit = Number(out['X-Limit'] ?? 10);
      const beyond = new URL(requested.toString());
      beyond.searchParams.set('offset', String(Number(requested.searchParams.get('offset') ?? 0) + limit));
      beyond.searchParams.set('limit', String(limit));
      out.Link = `<${beyond.toString()}>; rel="next"`;
      break;
    }
    case 'absolute':
    case undefined:
      break; // the Link as served (absolute URLs)
  }
  if (quirks.foreignLinkOrigin && out.Link) {
    const target = /^<([^>]*)>/.exec(out.Link)![1];
    const foreign = new URL(target, requested);
    const origin = new URL(quirks.foreignLinkOrigin);
    foreign.protocol = origin.protocol;
    foreign.host = origin.host;
    out.Link = out.Link.replace(/^<[^>]*>/, `<${foreign.toString()}>`);
  }
  if (quirks.omitTotalCount) delete out['X-Total-Count'];
  else if (quirks.totalIsPageSize && out['X-Limit'] !== undefined) out['X-Total-Count'] = out['X-Limit'];
  else if (quirks.shrinkingTotal && out['X-Total-Count'] !== undefined) out['X-Total-Count'] = String(Math.max(0, Number(out['X-Total-Count']) - earlierLists));
  return out;
}

/**
 * The page an endless Sender serves at `requested` (see PaginationQuirks.endlessObjects): `limit` objects from
 * position `offset` on, cycling through `served` (the real list's first page, non-empty) with fresh ids beyond it,
 * and a Link to the next offset, always; no X-Total-Count (there is no end to count).
 */
export function endlessPage(served: unknown[], requested: URL, headers: Record<string, string>): { items: unknown[]; headers: Record<string, string> } {
  const limit = Number(headers['X-Limit'] ?? served.length);
  const offset = Number(requested.searchParams.get('offset') ?? 0);
  const items = Array.from({ length: limit }, (_, i) => {
    const template = served[(offset + i) % served.length] as Record<string, unknown>;
    return { ...template, id: `${String(template.id)}-${offset + i}` };
  });
  const next = new URL(requested.toString());
  next.searchParams.set('offset', String(offset + limit));
  next.searchParams.set('limit', String(limit));
  const { 'X-Total-Count': _total, ...rest } = headers;
  return { items, headers: { ...rest, Link: `<${next.toString()}>; rel="next"` } };
}
