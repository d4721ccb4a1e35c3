import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/**
 * Takes `application/x-www-form-urlencoded` bodies (an HTML form's POST) on paths under `pathPrefix` only, as a plain
 * object of strings (the last value of a repeated name wins), parsed with URLSearchParams. Elsewhere (OCPI, the JSON
 * APIs) such a body stays what it was before this parser existed: 415, answered in the caller's protocol by the global
 * filter. The size limit is Fastify's bodyLimit, as for JSON.
 */
export function acceptFormBodies(fastify: FastifyInstance, pathPrefix: string): void {
  if (fastify.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    if (!request.url.startsWith(pathPrefix)) {
      done(new UnsupportedMediaTypeException('application/x-www-form-urlencoded is read by the console only'), undefined);
      return;
    }
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}
