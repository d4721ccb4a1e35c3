import type { FastifyReply, FastifyRequest } from 'fastify';
import { countPush, PushResult } from './process-metrics';
import type { PushHourlyTally } from './push-hourly';

/** Methods by which a CPO changes something on our Receiver interfaces (GET is a read, not a push). */
const PUSH_METHODS = new Set(['PUT', 'PATCH', 'POST', 'DELETE']);

/** The envelope's status_code, read without parsing the whole answer (our own envelopes, small and well-formed). */
const STATUS_CODE = /"status_code"\s*:\s*(\d{4})/;

/**
 * Fastify onSend hook: counts every push of an authenticated CPO to a route under /ocpi/emsp/{version}/{module} in
 * ocpi_pushes_received_total, with the module of the route (a bounded set: our route templates, not the URL) and the
 * result by the HTTP status and the OCPI status_code we answer (see PushResult; OCPI errors such as 2001 may travel in
 * HTTP 200). Requests refused before the CPO was known (401) are not counted: they have no cpo. Passes the answer on
 * unchanged. Each push is also added to `tally` (push_hourly, the console's durable count per hour).
 */
export function countPushes(tally: PushHourlyTally) {
  return (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void =>
    countPushesInto(tally, request, reply, payload, done);
}

function countPushesInto(tally: PushHourlyTally, request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void {
  // Set by OcpiAuthGuard (ocpi/server), named here by shape only: the OCPI server layer sits above the metrics.
  const partner = (request as { ocpiPartner?: { id: string } }).ocpiPartner;
  if (partner && PUSH_METHODS.has(request.method)) {
    const route = request.routeOptions?.url;
    // A real-time authorization is a question, not a push: it has its own histogram (authorization-timing.ts).
    const module = route?.endsWith('/authorize') ? null : moduleOfRoute(route);
    if (module) {
      const ocpiStatus = typeof payload === 'string' ? Number(STATUS_CODE.exec(payload)?.[1] ?? 1000) : 1000;
      const result = resultOf(reply.statusCode, ocpiStatus);
      countPush(partner.id, module, result);
      tally.add(partner.id, module, result);
    }
  }
  done(null, payload);
}

/** `locations` of `/ocpi/emsp/:version/locations/…`; null for another route. */
function moduleOfRoute(route: string | undefined): string | null {
  const match = /^\/ocpi\/emsp\/:version\/([a-z_]+)/.exec(route ?? '');
  return match ? match[1] : null;
}

/** status_codes 2.2.1: 1xxx success, 2xxx client errors, 3xxx server errors (4xxx hub errors count as rejected). */
function resultOf(httpStatus: number, ocpiStatus: number): PushResult {
  if (httpStatus >= 500 || (ocpiStatus >= 3000 && ocpiStatus < 4000)) return 'FAILED';
  if (httpStatus >= 400 || ocpiStatus >= 2000) return 'REJECTED';
  return 'ACCEPTED';
}
