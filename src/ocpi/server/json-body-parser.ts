import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The first bytes of a JSON body that could not be parsed, kept on the request for the call log. */
export interface RequestWithUnparsedBody extends FastifyRequest {
  unparsedBody?: string;
}

/** What we keep of an unparseable body: enough to see what the CPO sent, never a whole upload. */
const KEPT_CHARACTERS = 16 * 1024;

/**
 * Fastify's own JSON parser (prototype-poisoning protection included), which on failure also keeps the body on the
 * request: when a CPO sends broken JSON, operations should see what it sent, not only that it failed. The parse
 * error itself is unchanged (HTTP 400), and answered in the caller's protocol by {@link ProtocolExceptionFilter}.
 */
export function keepUnparseableJsonBodies(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Callback style: the parser answers through `done`; its return value (typed as a possible promise) carries nothing.
    void parse(request, body as string, (error, value) => {
      if (error) (request as RequestWithUnparsedBody).unparsedBody = (body as string).slice(0, KEPT_CHARACTERS);
      done(error, value);
    });
  });
}
