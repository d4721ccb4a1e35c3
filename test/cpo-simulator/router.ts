/**
 * Maps a request to its endpoint and applies the access rules of
 * transport_and_format 2.2.1 §Authorization header:
 * - missing header or unknown token → HTTP 401;
 * - token A is accepted only on versions, version details and credentials; the token we issued
 *   (C when the eMSP registered with us, B when we registered with it) everywhere;
 * - unknown path → HTTP 404. Every answer is an OCPI envelope.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { handleCredentials } from './credentials';
import { fail, ok, OcpiStatus, type OcpiReply } from './http-envelope';
import type { JsonBody } from './http-request';
import { handleLocations } from './locations-module';
import type { SimulatorContext } from './simulator-context';
import type { TokenKind } from './simulator-types';
import type { SimulatorModule } from './versions';
import { handleTariffs } from './tariffs-module';
import { handleCdrs } from './cdrs-module';
import { handleInvoiceReconciliation } from './invoice-reconciliation-module';
import { handleSessions } from './sessions-module';
import { handleHubClientInfo } from './hub-mode';
import { handleCommands, handleTokensReceiver } from './receivers-module';

/** What the router needs from one request. */
export interface RoutedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  token: TokenKind;
  readBody: () => Promise<JsonBody>;
}

type Target = 'versions' | 'details' | 'credentials' | 'locations' | 'tariffs' | 'sessions' | 'cdrs' | 'hubclientinfo' | 'invoicereconciliation' | 'commands' | 'tokens';

/** Splits the path below basePath into decoded segments, or null when it is not ours. */
function segmentsOf(pathname: string, basePath: string): string[] | null {
  if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return null;
  try {
    return pathname.slice(basePath.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
}

/** The endpoint addressed and the segments below it, or null. Version details live under ctx.prefix + version. */
function targetOf(segments: string[], ctx: SimulatorContext): { target: Target; rest: string[] } | null {
  if (segments.length === 1 && segments[0] === 'versions') return { target: 'versions', rest: [] };
  const base = [...ctx.prefix, ctx.adapter.version];
  if (!base.every((segment, i) => segments[i] === segment)) return null;
  const [module, ...rest] = segments.slice(base.length);
  if (module === undefined) return { target: 'details', rest };
  const served =
    module === 'credentials' ||
    ((module === 'commands' || module === 'tokens') && ctx.receivers.modules.has(module)) ||
    (module === 'hubclientinfo' && ctx.store.hubClientInfo !== null) ||
    (module === 'invoicereconciliation' && ctx.store.invoiceReconciliation !== null && ctx.adapter.version === '2.3.0') ||
    ((module === 'locations' || module === 'tariffs' || (module === 'sessions' && ctx.store.sessions !== null) || (module === 'cdrs' && ctx.store.cdrs !== null)) &&
      !ctx.quirks.omitModules?.includes(module) &&
      (ctx.senders === null || ctx.senders.has(module)));
  if (!served || (module === 'credentials' && rest.length > 0)) return null;
  return { target: module, rest };
}

/**
 * transport_and_format 2.2.1 §Message Routing Headers, party to party: functional-module
 * responses carry OCPI-from-* (us) and OCPI-to-* (the requesting party: its OCPI-from-*
 * headers, else its first registered role).
 */
function routingHeaders(headers: IncomingHttpHeaders, ctx: SimulatorContext): Record<string, string> {
  const client = ctx.registration.snapshot().clientCredentials?.roles[0];
  const header = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const toCountry = header('ocpi-from-country-code') ?? client?.country_code;
  const toParty = header('ocpi-from-party-id') ?? client?.party_id;
  return {
    'OCPI-from-country-code': ctx.party.countryCode,
    'OCPI-from-party-id': ctx.party.partyId,
    ...(toCountry ? { 'OCPI-to-country-code': toCountry } : {}),
    ...(toParty ? { 'OCPI-to-party-id': toParty } : {}),
  };
}

/** The module URLs listed in version details: all but the ones a quirk leaves out. */
function servedUrls(ctx: SimulatorContext): Partial<Record<SimulatorModule, string>> {
  const omitted = new Set<string>(ctx.quirks.omitModules ?? []);
  if (ctx.store.sessions === null) omitted.add('sessions');
  if (ctx.store.cdrs === null) omitted.add('cdrs');
  for (const m of ['locations', 'tariffs', 'sessions', 'cdrs'] as const) if (ctx.senders !== null && !ctx.senders.has(m)) omitted.add(m);
  if (ctx.store.hubClientInfo === null) omitted.add('hubclientinfo');
  // mod_invoice_reconciliation is new in 2.3.0.
  if (ctx.store.invoiceReconciliation === null || ctx.adapter.version !== '2.3.0') omitted.add('invoicereconciliation');
  for (const m of ['commands', 'tokens'] as const) if (!ctx.receivers.modules.has(m)) omitted.add(m);
  return Object.fromEntries(
    (['credentials', 'locations', 'tariffs', 'sessions', 'cdrs', 'hubclientinfo', 'invoicereconciliation', 'commands', 'tokens'] as const)
      .filter((m) => !omitted.has(m))
      .map((m) => [m, ctx.urls[m]]),
  );
}

/** The version details object, or what the versionDetails quirk makes of it. */
function versionDetails(ctx: SimulatorContext): unknown {
  const quirk = ctx.quirks.versionDetails;
  const details = { version: quirk?.version ?? ctx.adapter.version, endpoints: ctx.adapter.endpoints(servedUrls(ctx)) };
  return quirk?.asList === undefined ? details : Array.from({ length: quirk.asList }, () => details);
}

/** Takes the request and the simulator context; resolves to the reply to send. */
export async function routeRequest(request: RoutedRequest, basePath: string, ctx: SimulatorContext): Promise<OcpiReply> {
  const segments = segmentsOf(request.url.pathname, basePath);
  const found = segments && targetOf(segments, ctx);
  if (!found) return fail(404, OcpiStatus.CLIENT_ERROR, `Unknown path ${request.url.pathname}`);
  const { target, rest } = found;

  const configurationModule = target === 'versions' || target === 'details' || target === 'credentials';
  const issued = request.token === 'B' || request.token === 'C';
  const authorised = issued || (request.token === 'A' && configurationModule);
  if (!authorised) {
    const why =
      request.token === 'none'
        ? 'Missing or malformed Authorization header'
        : request.token === 'A'
          ? 'Token A may only be used for versions and credentials'
          : 'Unknown credentials token';
    return fail(401, OcpiStatus.CLIENT_ERROR, why);
  }

  const { method } = request;
  const params = request.url.searchParams;
  switch (target) {
    case 'versions':
      if (method !== 'GET') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on versions`);
      return ok([{ version: ctx.adapter.version, url: ctx.urls.details }]);
    case 'details':
      if (method !== 'GET') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on version details`);
      return ok(versionDetails(ctx));
    case 'credentials':
      return handleCredentials(method, request.token, request.readBody, ctx);
    case 'hubclientinfo':
      // A configuration module: never routed (transport_and_format 2.2.1 §Message Routing Headers).
      return handleHubClientInfo(method, rest, params, ctx);
    case 'invoicereconciliation': {
      const reply = handleInvoiceReconciliation(method, rest, params, ctx);
      return { ...reply, headers: { ...routingHeaders(request.headers, ctx), ...(reply.headers ?? {}) } };
    }
    case 'commands':
      return handleCommands(method, rest, request.readBody, ctx);
    case 'tokens':
      return handleTokensReceiver(method, rest, params, request.readBody, ctx);
    case 'locations':
    case 'tariffs':
    case 'sessions':
    case 'cdrs': {
      const handler = target === 'locations' ? handleLocations : target === 'tariffs' ? handleTariffs : target === 'sessions' ? handleSessions : handleCdrs;
      const reply = handler(method, rest, params, ctx);
      if (!ctx.adapter.routingHeaders) return reply;
      return { ...reply, headers: { ...routingHeaders(request.headers, ctx), ...(reply.headers ?? {}) } };
    }
  }
}
