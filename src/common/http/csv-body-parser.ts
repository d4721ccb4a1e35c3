import type { FastifyInstance } from 'fastify';

/**
 * Takes `text/csv` request bodies (any charset parameter) as text: the route reads them (e.g. POST /api/v1/tokens/import
 * with a CSV of Tokens, parsed with csv-parse there). The size limit is Fastify's bodyLimit, as for JSON. Registered
 * once: a second call (another feature taking CSV) finds it present and leaves it.
 */
export function acceptCsvBodies(fastify: FastifyInstance): void {
  if (fastify.hasContentTypeParser('text/csv')) return;
  fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}
