/**
 * The credentials module, server side (credentials 2.2.1 §Interfaces and endpoints:
 * GET/POST/PUT/DELETE; §Registration; §Errors during registration).
 * Authentication has already happened: `token` is 'A' or the token we issued ('B' or 'C').
 */
import { fetchClientVersionDetails } from './client-api';
import { fail, ok, OcpiStatus, type OcpiReply } from './http-envelope';
import type { JsonBody } from './http-request';
import { ownCredentials, type SimulatorContext } from './simulator-context';
import type { TokenKind } from './simulator-types';

/** POST and PUT share this: validate, call the client back with its token, issue a new token for it. */
async function exchange(readBody: () => Promise<JsonBody>, ctx: SimulatorContext, method: 'POST' | 'PUT'): Promise<OcpiReply> {
  const body = await readBody();
  if (!body.ok) return fail(400, OcpiStatus.INVALID_PARAMETERS, body.message);
  const parsed = ctx.adapter.parseClientCredentials(body.value);
  // status_codes 2.2.1: valid JSON from an authorised client reached the OCPI layer → HTTP 200.
  if (!parsed.ok) return fail(200, OcpiStatus.INVALID_PARAMETERS, `Invalid credentials: ${parsed.errors.join('; ')}`);
  if (ctx.registration.busy) return fail(405, OcpiStatus.CLIENT_ERROR, 'A registration is already in progress');
  ctx.registration.busy = true;
  try {
    const client = await fetchClientVersionDetails(parsed.value.url, parsed.value.token, ctx);
    if (!client.ok) return fail(200, client.statusCode, client.message);
    const issued = ctx.registration.register(parsed.value, client.details, { keepPrevious: method === 'PUT' && ctx.quirks.putAfterApplying?.keepOldToken });
    return ok(ownCredentials(ctx, issued));
  } finally {
    ctx.registration.busy = false;
  }
}

/**
 * Takes the method, which token authorised the request, a body reader and the context;
 * returns the reply.
 * - GET: our credentials, with the token the client is using now (A, B or C).
 * - POST: register; HTTP 405 when already registered (i.e. called with the token we issued).
 * - PUT: re-register (refetch the client's endpoints, new token); HTTP 405 if not registered.
 * - DELETE: unregister; HTTP 405 if not registered.
 */
export async function handleCredentials(method: string, token: TokenKind, readBody: () => Promise<JsonBody>, ctx: SimulatorContext): Promise<OcpiReply> {
  const registered = token === 'B' || token === 'C';
  switch (method) {
    case 'GET':
      return ok(ownCredentials(ctx, registered ? ctx.registration.snapshot().tokenForUs! : ctx.registration.tokenA));
    case 'POST':
      if (registered) return fail(405, OcpiStatus.CLIENT_ERROR, 'Client is already registered; use PUT to update');
      return exchange(readBody, ctx, 'POST');
    case 'PUT':
      if (!registered) return fail(405, OcpiStatus.CLIENT_ERROR, 'Client is not registered; use POST');
      return exchange(readBody, ctx, 'PUT');
    case 'DELETE':
      if (!registered) return fail(405, OcpiStatus.CLIENT_ERROR, 'Client is not registered');
      ctx.registration.unregister();
      return ok();
    default:
      return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on credentials`);
  }
}
