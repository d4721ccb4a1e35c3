import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizationResult, observeAuthorizationLatency } from './process-metrics';

const ALLOWED = /"allowed"\s*:\s*"([A-Z_]+)"/;
const RESULTS: readonly AuthorizationResult[] = ['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED'];

/**
 * Fastify onSend hook of our real-time authorization route (mod_tokens 2.2.1 §POST Method on the Tokens Sender
 * interface; added to that route alone, see service.ts): observes authorization_latency_seconds for every answer, from
 * the request's arrival (Fastify's elapsed time, guard and body parsing included) to the answer leaving, labelled with
 * the AuthorizationInfo's `allowed`, UNKNOWN for an unknown Token (HTTP 404), ERROR for any other answer (an invalid
 * request, our failure). Measured here, at the edge, so the tokens code needs no timing of its own. Passes the answer on
 * unchanged.
 */
export function timeAuthorizations(_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void {
  observeAuthorizationLatency(reply.elapsedTime / 1000, resultOf(reply.statusCode, payload));
  done(null, payload);
}

function resultOf(httpStatus: number, payload: unknown): AuthorizationResult {
  if (httpStatus === 404) return 'UNKNOWN';
  const allowed = typeof payload === 'string' ? ALLOWED.exec(payload)?.[1] : undefined;
  return httpStatus < 300 && allowed !== undefined && (RESULTS as readonly string[]).includes(allowed) ? (allowed as AuthorizationResult) : 'ERROR';
}
