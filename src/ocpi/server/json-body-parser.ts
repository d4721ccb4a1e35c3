import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jsonTextNestsDeeperThan, MAX_JSON_DEPTH } from '../../common/json/json-depth';

/** The first bytes of a JSON body that could not be parsed, kept on the request for the call log. */
export interface RequestWithUnparsedBody extends FastifyRequest {
  unparsedBody?: string;
}

/** What we keep of an unparseable body: enough to see what the CPO sent, never a whole upload. */
const KEPT_CHARACTERS = 16 * 1024;

/**
 * Fastify's own JSON parser (prototype-poisoning protection included), behind two guards, which on failure also keeps
 * the body on the request: when a CPO sends broken JSON, operations should see what it sent, not only that it failed.
 * - The body's size: Fastify reads at most its bodyLimit (OCPI_MAX_BODY_BYTES) and refuses a larger body with 413
 *   before reading it whole.
 * - Nesting deeper than {@link MAX_JSON_DEPTH} levels is refused before JSON.parse (a scan of the text, no parse), so
 *   no recursive reader after it ever meets JSON nested thousands deep: HTTP 400 "JSON nested deeper than 64 levels".
 * An empty body labelled JSON is read as no body. Errors are HTTP 400s, answered in the caller's protocol by {@link ProtocolExceptionFilter} (OCPI 2001 under /ocpi/).
 */
export function keepUnparseableJsonBodies(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    // No body at all, though labelled JSON (CPOs do so on a POST whose body is optional, e.g. mod_tokens §POST Method
    // authorize): read as no body, as without the label; a route that needs one refuses it as it refuses a missing one.
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (jsonTextNestsDeeperThan(text, MAX_JSON_DEPTH)) {
      (request as RequestWithUnparsedBody).unparsedBody = text.slice(0, KEPT_CHARACTERS);
      done(new BadRequestException(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    // Callback style: the parser answers through `done`; its return value (typed as a possible promise) carries nothing.
    void parse(request, text, (error, value) => {
      if (error) (request as RequestWithUnparsedBody).unparsedBody = text.slice(0, KEPT_CHARACTERS);
      done(error, value);
    });
  });
}
