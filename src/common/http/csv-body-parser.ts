import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';
import type { IncomingMessage } from 'node:http';

/**
 * Fastify route config (set with `@RouteConfig(STREAMED_CSV_BODY)` from @nestjs/platform-fastify) of a route that reads
 * its text/csv body as a stream (request.body is the request's own Readable of bytes), with no size limit of Fastify's:
 * the route counts what it reads and sets its own limit (an invoice file can be far larger than a pushed OCPI object).
 */
export const STREAMED_CSV_BODY = { csvBody: 'stream' } as const;

/** Whether a Content-Type names CSV (text/csv, with or without parameters such as charset). */
export function isCsv(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'text/csv';
}

/**
 * Takes `text/csv` request bodies (any charset parameter). A route configured with STREAMED_CSV_BODY gets the body as
 * the request's stream, unread; every other route gets it as text, read whole up to Fastify's bodyLimit
 * (OCPI_MAX_BODY_BYTES, refused beyond with Fastify's own 413, as for JSON) (e.g. POST /api/v1/tokens/import with a
 * CSV of Tokens, parsed with csv-parse there). Registered once: a second call finds it present and leaves it.
 */
export function acceptCsvBodies(fastify: FastifyInstance): void {
  if (fastify.hasContentTypeParser('text/csv')) return;
  fastify.addContentTypeParser('text/csv', (request: FastifyRequest, payload: IncomingMessage, done: (error: Error | null, body?: unknown) => void) => {
    if ((request.routeOptions.config as { csvBody?: string }).csvBody === STREAMED_CSV_BODY.csvBody) {
      done(null, payload);
      return;
    }
    readWhole(payload, request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY, done);
  });
}

/** The body as UTF-8 text, refused (FST_ERR_CTP_BODY_TOO_LARGE, 413) as soon as it passes `limit` bytes. */
function readWhole(payload: IncomingMessage, limit: number, done: (error: Error | null, body?: unknown) => void): void {
  const declared = Number(payload.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let finished = false;
  const finish = (error: Error | null, body?: unknown) => {
    if (finished) return;
    finished = true;
    payload.removeAllListeners('data');
    done(error, body);
  };
  payload.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) {
      payload.pause();
      finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    chunks.push(chunk);
  });
  payload.on('end', () => finish(null, Buffer.concat(chunks, received).toString('utf8')));
  payload.on('error', (error) => finish(error));
}
