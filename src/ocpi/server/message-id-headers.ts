import { randomUUID } from 'node:crypto';
import { FastifyReply, FastifyRequest } from 'fastify';
import { adapterFor } from '../versions/version-registry';

/**
 * X-Request-ID and X-Correlation-ID on our OCPI responses (transport_and_format 2.2.1 §Unique message IDs:
 * "the response to this request SHALL contain the same ID"): the request's values, or new UUIDs when it
 * carries none. Set before the route runs, so errors (401, 404 …) carry them too. Not on 2.1.1 routes, which
 * know no such headers; on the version-neutral versions endpoint, always.
 */
export function messageIdHeadersHook(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const match = /^\/ocpi\/emsp(?:\/([^/?]+))?/.exec(request.url);
  if (match && (adapterFor(match[1])?.transport.messageIds ?? true)) {
    reply.header('X-Request-ID', firstValue(request.headers['x-request-id']) ?? randomUUID());
    reply.header('X-Correlation-ID', firstValue(request.headers['x-correlation-id']) ?? randomUUID());
  }
  done();
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length > 0 ? first : undefined;
}
