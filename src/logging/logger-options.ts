import { RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream, Level } from 'pino';
import { REDACTED_LOG_PATHS, redactLogObject, redactLogText } from './log-redaction';

/** Longest X-Request-ID taken over as the request id of the log lines; a longer one is replaced by a UUID. */
const MAX_REQUEST_ID_LENGTH = 128;

/**
 * nestjs-pino's settings: JSON lines (pino) to stdout or `destination`, at `level`. Every line written while handling
 * a request carries `request_id` (Fastify's request id: see requestIdOf) and, once the caller is known as a CPO, `connection_id` and `party`
 * (CpoLogContextInterceptor). Credentials tokens and API keys are redacted from headers, logged objects and messages
 * (log-redaction.ts).
 * The real-time authorization route (POST …/tokens/{uid}/authorize) gets no per-request logger: it logs nothing when it
 * succeeds (authorization_latency_seconds counts every answer), and a child logger per request was a tenth of its cost;
 * its error lines get request_id, connection_id and party from the route itself (ocpi/server/senders/authorize-route.ts).
 * So with LOG_LEVEL debug it has no "request completed" line either.
 */
export function loggerOptions(level: string, destination?: DestinationStream): Params {
  const options = {
    level,
    redact: REDACTED_LOG_PATHS,
    autoLogging: level === 'debug' || level === 'trace',
    // Each line of a request carries its id only, not the whole request (which the "request completed" line has).
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'request_id' },
    formatters: { log: redactLogObject },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void, _level: Level | number) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? redactLogText(a) : a)),
        );
      },
    },
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    assignResponse: true,
    exclude: [{ method: RequestMethod.POST, path: 'ocpi/emsp/:version/tokens/:uid/authorize' }],
  };
}

/**
 * The id of a request, for Fastify's `genReqId` (which pino-http then takes over as `request_id`): the request's own
 * X-Request-ID (transport_and_format 2.2.1 §Unique message IDs) when it sends one of at most 128 characters, else a new
 * UUID, which is then written into the request's headers so that the answer echoes the same id (message-id-headers.ts
 * reads them after this).
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const first = Array.isArray(given) ? given[0] : given;
  if (first && first.length <= MAX_REQUEST_ID_LENGTH) return first;
  const id = randomUUID();
  if (!first) req.headers['x-request-id'] = id;
  return id;
}
