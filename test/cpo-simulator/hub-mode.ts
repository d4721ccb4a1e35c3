/**
 * The simulator playing a Hub (OCPI 2.2.1 / 2.3.0): the HubClientInfo Sender interface (mod_hub_client_info §Sender
 * Interface: GET the list of ClientInfo, paginated, date_from / date_to on last_updated), ClientInfo pushed to the
 * eMSP's Receiver interface (§Receiver Interface §PUT Method), and pushes to the eMSP's functional modules carrying
 * the message routing headers a test chooses (transport_and_format 2.2.1 §Message Routing Headers), as a Hub relays
 * them. Hubclientinfo is a configuration module: no routing headers on it either way.
 */
import { randomUUID } from 'node:crypto';
import { encodeAuthorization } from './auth';
import { fail, OcpiStatus, type OcpiReply } from './http-envelope';
import { isRecord } from './guards';
import { senderList } from './sender-list';
import { sendingEncoding, type SimulatorContext } from './simulator-context';

/** mod_hub_client_info 2.2.1 §ClientInfo Object, as the simulator serves and pushes it. */
export interface ClientInfoObject {
  party_id: string;
  country_code: string;
  role: string;
  /** §ConnectionStatus enum: CONNECTED, OFFLINE, PLANNED, SUSPENDED (anything else to test refusals). */
  status: string;
  last_updated: string;
}

/** The four routing headers of a push, each optional (a test leaves some out on purpose). */
export interface RoutingHeaders {
  from?: { countryCode?: string; partyId?: string };
  to?: { countryCode?: string; partyId?: string };
}

/** What the eMSP answered to a push: statuses, message, Location header and every response header (lower-case names). */
export interface HubPushResult {
  httpStatus: number;
  ocpiStatus: number | null;
  message: string | null;
  location: string | null;
  headers: Record<string, string>;
  data: unknown;
}

/** GET on our hubclientinfo Sender interface; anything else is "n/a" (405). */
export function handleHubClientInfo(method: string, segments: string[], params: URLSearchParams, ctx: SimulatorContext): OcpiReply {
  if (method !== 'GET') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on the hubclientinfo Sender interface`);
  if (segments.length > 0) return fail(404, OcpiStatus.CLIENT_ERROR, 'Unknown path');
  return senderList(ctx.store.hubClientInfo ?? [], params, ctx.maxPageLimit, ctx.urls.hubclientinfo);
}

/** PUT one ClientInfo to the eMSP's hubclientinfo Receiver at {country_code}/{party_id} (the object's, unless `at` says otherwise). */
export function pushClientInfo(ctx: SimulatorContext, info: unknown, at?: { countryCode: string; partyId: string }): Promise<HubPushResult> {
  const o = isRecord(info) ? info : {};
  const path = `/${at?.countryCode ?? String(o.country_code)}/${at?.partyId ?? String(o.party_id)}`;
  return callEmsp(ctx, { identifier: 'hubclientinfo', method: 'PUT', path, body: info });
}

/** GET one ClientInfo back from the eMSP's hubclientinfo Receiver (§Receiver Interface §GET Method). */
export function getClientInfo(ctx: SimulatorContext, countryCode: string, partyId: string): Promise<HubPushResult> {
  return callEmsp(ctx, { identifier: 'hubclientinfo', method: 'GET', path: `/${countryCode}/${partyId}` });
}

/**
 * A request to the eMSP's Receiver interface `identifier` (e.g. POST cdrs) at `path` below its URL, carrying the
 * routing headers given (none when `routing` is absent).
 * @throws Error when not registered or the eMSP lists no such Receiver endpoint.
 */
export async function callEmsp(
  ctx: SimulatorContext,
  request: { identifier: string; method: string; path?: string; body?: unknown; routing?: RoutingHeaders },
): Promise<HubPushResult> {
  const state = ctx.registration.snapshot();
  const endpoint = state.clientVersionDetails?.endpoints.find((e) => e.identifier === request.identifier && (e.role === undefined || e.role === 'RECEIVER'));
  if (!state.tokenForClient || !endpoint) throw new Error(`not registered, or the eMSP lists no ${request.identifier} Receiver endpoint`);
  const routing = request.routing ?? {};
  const headers: Record<string, string> = {
    Authorization: encodeAuthorization(state.tokenForClient, sendingEncoding(ctx)),
    'X-Request-ID': randomUUID(),
    'X-Correlation-ID': randomUUID(),
    ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...(routing.from?.countryCode !== undefined ? { 'OCPI-from-country-code': routing.from.countryCode } : {}),
    ...(routing.from?.partyId !== undefined ? { 'OCPI-from-party-id': routing.from.partyId } : {}),
    ...(routing.to?.countryCode !== undefined ? { 'OCPI-to-country-code': routing.to.countryCode } : {}),
    ...(routing.to?.partyId !== undefined ? { 'OCPI-to-party-id': routing.to.partyId } : {}),
  };
  const response = await fetch(`${endpoint.url}${request.path ?? ''}`, {
    method: request.method,
    headers,
    body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
    signal: AbortSignal.timeout(5000),
  });
  let body: unknown = null;
  try {
    body = JSON.parse(await response.text());
  } catch {
    // not JSON: reported through the status alone
  }
  return {
    httpStatus: response.status,
    ocpiStatus: isRecord(body) && typeof body.status_code === 'number' ? body.status_code : null,
    message: isRecord(body) && typeof body.status_message === 'string' ? body.status_message : null,
    location: response.headers.get('location'),
    headers: Object.fromEntries([...response.headers.entries()]),
    data: isRecord(body) ? body.data : undefined,
  };
}
