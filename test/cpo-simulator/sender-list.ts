/** The GET List of a Sender interface: pagination query → page reply (shared by modules). */
import { fail, ok, OcpiStatus, type OcpiReply } from './http-envelope';
import { lastUpdatedOf } from './guards';
import { paginate, parsePaginationQuery } from './pagination';

/**
 * Takes the full served list, the request's query parameters, the server's max page size and
 * the module's absolute endpoint URL; returns the page with the pagination headers, or 2001 when
 * a query parameter is invalid (HTTP 200: the request reached the OCPI layer).
 */
export function senderList(all: readonly unknown[], params: URLSearchParams, maxPageLimit: number, endpointUrl: string): OcpiReply {
  const query = parsePaginationQuery(params, maxPageLimit);
  if (typeof query === 'string') return fail(200, OcpiStatus.INVALID_PARAMETERS, query);
  const page = paginate(all, query, lastUpdatedOf, endpointUrl);
  return ok(page.items, page.headers);
}
