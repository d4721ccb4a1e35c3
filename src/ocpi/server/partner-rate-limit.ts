import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { HttpStatus, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OcpiError } from '../wire/ocpi-error';
import { OcpiStatus } from '../wire/ocpi-status';

const logger = new Logger('PartnerRateLimit');

/**
 * A rate limit per CPO on our OCPI endpoints (@fastify/rate-limit): a CPO that floods us (a retry loop, a bulk push
 * gone wrong) is answered HTTP 429 with Retry-After, before any database work, so that it cannot slow the others.
 * The key is the credentials token (hashed: the limiter's keys are never the token itself), so every CPO has its own
 * budget; requests without one share the budget of their IP address. OCPI defines no rate limiting: a 429 is an error
 * of the HTTP layer, answered "including the response format" (transport_and_format 2.2.1 §Response format) as an
 * envelope with status_code 2000. The count is kept per instance (in memory): N instances allow N times the limit.
 * Refused requests are not call-logged (a flood must not become database writes); the service log says it once per
 * CPO and minute.
 * @param perMinute requests per minute per CPO; 0 registers nothing.
 */
export async function limitRequestsPerPartner(fastify: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute <= 0) return;
  await fastify.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    // Only our OCPI endpoints: the internal and operations APIs have their own clients and keys.
    allowList: (request: FastifyRequest) => !request.url.startsWith('/ocpi/'),
    keyGenerator: (request: FastifyRequest) => {
      const authorization = request.headers.authorization;
      return authorization ? keyOfAuthorization(authorization) : `ip:${request.ip}`;
    },
    // Thrown, so the OCPI exception filter answers it as an envelope like every other error.
    errorResponseBuilder: (_request, context) =>
      new OcpiError(OcpiStatus.CLIENT_ERROR, `Rate limit exceeded: at most ${context.max} requests per minute per CPO; retry after ${context.after}`, HttpStatus.TOO_MANY_REQUESTS),
    onExceeded: (request: FastifyRequest, key: string) => {
      const now = Date.now();
      if ((warned.get(key) ?? 0) > now - 60_000) return;
      warned.set(key, now);
      logger.warn(`OCPI requests refused with 429: more than ${perMinute} per minute from one CPO (${request.method} ${request.url.slice(0, 200)})`);
    },
  });
}

/**
 * Authorization header → its limiter key (the header's SHA-256): a CPO sends the same header on every request, and
 * hashing it was half of the limiter's cost on a real-time authorization. Bounded (the oldest entry goes first) so that
 * a caller trying many tokens cannot grow it; held in memory only, like the headers themselves, never logged.
 */
const keys = new Map<string, string>();
const MAX_KEYS = 1000;
/** Longer headers are hashed every time rather than kept (no credentials token is this long). */
const MAX_KEPT_HEADER_LENGTH = 1024;

function keyOfAuthorization(authorization: string): string {
  const known = keys.get(authorization);
  if (known !== undefined) return known;
  const key = `token:${createHash('sha256').update(authorization).digest('hex')}`;
  if (authorization.length > MAX_KEPT_HEADER_LENGTH) return key;
  if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
  keys.set(authorization, key);
  return key;
}

/** When each limiter key was last warned about (one line per CPO and minute); as many entries as CPOs that flooded. */
const warned = new Map<string, number>();
