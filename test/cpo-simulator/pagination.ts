/**
 * Paginated GET on a Sender interface (transport_and_format 2.2.1 §Pagination, §Paginated
 * Request, §Paginated Response; mod_locations/mod_tariffs 2.2.1 §GET List).
 */
import { parseOcpiDateTime } from './ocpi-datetime';

/** The pagination query of one request, validated. Raw date strings are kept for the Link. */
export interface PaginationQuery {
  offset: number;
  /** The limit applied: the requested one capped at the server maximum (the X-Limit value). */
  limit: number;
  dateFrom?: { raw: string; ms: number };
  dateTo?: { raw: string; ms: number };
}

/** One page: the objects plus the headers §Paginated Response requires. */
export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

const NON_NEGATIVE_INT = /^\d+$/;

/**
 * Reads offset/limit/date_from/date_to from a URL's query. Takes the URLSearchParams and the
 * server maximum; returns the query, or an error message (answered as OCPI 2001).
 * Missing offset → 0; missing limit → maxLimit; limit above maxLimit → maxLimit.
 */
export function parsePaginationQuery(params: URLSearchParams, maxLimit: number): PaginationQuery | string {
  const offsetRaw = params.get('offset');
  const limitRaw = params.get('limit');
  if (offsetRaw !== null && !NON_NEGATIVE_INT.test(offsetRaw)) return `offset must be a non-negative integer, got "${offsetRaw}"`;
  if (limitRaw !== null && !NON_NEGATIVE_INT.test(limitRaw)) return `limit must be a non-negative integer, got "${limitRaw}"`;
  const query: PaginationQuery = {
    offset: offsetRaw === null ? 0 : Number(offsetRaw),
    limit: limitRaw === null ? maxLimit : Math.min(Number(limitRaw), maxLimit),
  };
  for (const [name, key] of [
    ['date_from', 'dateFrom'],
    ['date_to', 'dateTo'],
  ] as const) {
    const raw = params.get(name);
    if (raw === null) continue;
    const ms = parseOcpiDateTime(raw);
    if (ms === null) return `${name} is not an OCPI DateTime: "${raw}"`;
    query[key] = { raw, ms };
  }
  return query;
}

/**
 * Applies a query to the full, stably ordered list. Takes the objects, the query, a function
 * reading an object's `last_updated` (epoch ms or null when absent/invalid) and the absolute
 * endpoint URL; returns the page and the headers: `X-Total-Count` (matches after date
 * filtering), `X-Limit` (limit applied) and `Link: <next>; rel="next"` unless this is the last
 * page. The next URL carries offset, limit and the original date_from/date_to.
 * date_from is inclusive, date_to exclusive; with a date filter, objects whose last_updated is
 * missing or invalid never match.
 */
export function paginate<T>(all: readonly T[], query: PaginationQuery, lastUpdated: (item: T) => number | null, endpointUrl: string): Page<T> {
  const { dateFrom, dateTo } = query;
  const matching =
    dateFrom || dateTo
      ? all.filter((item) => {
          const ms = lastUpdated(item);
          if (ms === null) return false;
          return (!dateFrom || ms >= dateFrom.ms) && (!dateTo || ms < dateTo.ms);
        })
      : all.slice();
  const items = matching.slice(query.offset, query.offset + query.limit);
  const headers: Record<string, string> = {
    'X-Total-Count': String(matching.length),
    'X-Limit': String(query.limit),
  };
  const nextOffset = query.offset + items.length;
  if (query.limit > 0 && nextOffset < matching.length) {
    const next = new URL(endpointUrl);
    next.searchParams.set('offset', String(nextOffset));
    next.searchParams.set('limit', String(query.limit));
    if (dateFrom) next.searchParams.set('date_from', dateFrom.raw);
    if (dateTo) next.searchParams.set('date_to', dateTo.raw);
    headers['Link'] = `<${next.toString()}>; rel="next"`;
  }
  return { items, headers };
}
