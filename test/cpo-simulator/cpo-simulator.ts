/**
 * A CPO that speaks OCPI 2.1.1, 2.2.1 or 2.3.0 (one per instance) from the specification alone, on
 * loopback, for tests and demos: versions + version details, credentials handshake in both directions,
 * Locations, Tariffs and (when given Sessions / CDRs) Sessions and CDRs Sender interfaces, and quirks that imitate real CPOs bending the spec.
 * Never imports from src/ and never reads the specification at run time.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readingsOf } from './auth';
import { registerWithClient, unregisterFromClient, updateClientCredentials } from './client-registration';
import { fail, OcpiStatus, type OcpiReply } from './http-envelope';
import { messageIdHeaders, readJsonBody } from './http-request';
import { RegistrationState } from './registration-state';
import { QuirkEngine } from './quirks/quirk-engine';
import { routeRequest } from './router';
import { pushCdr } from './cdr-push';
import { authorizeToken, getTokens } from './tokens-client';
import { sendInvoiceReconciliation } from './invoice-reconciliation-module';
import { callEmsp, getClientInfo, pushClientInfo } from './hub-mode';
import type { SimulatorContext, SimulatorUrls } from './simulator-context';
import type { CredentialsRole } from './ocpi-types';
import type { CpoSimulator, CpoSimulatorOptions, SimulatorClientCall, SimulatorRequestLogEntry, TokenKind } from './simulator-types';
import { VERSION_ADAPTERS } from './versions';
import { newReceiversState, postResult } from './receivers-module';

const DEFAULT_BASE_PATH = '/ocpi/cpo';
const DEFAULT_MAX_PAGE_LIMIT = 50;

function urlsFor(baseUrl: string, prefix: string[], version: string): SimulatorUrls {
  const details = [baseUrl, ...prefix, version].join('/');
  return {
    versions: `${baseUrl}/versions`,
    details,
    credentials: `${details}/credentials`,
    locations: `${details}/locations`,
    tariffs: `${details}/tariffs`,
    sessions: `${details}/sessions`,
    cdrs: `${details}/cdrs`,
    hubclientinfo: `${details}/hubclientinfo`,
    invoicereconciliation: `${details}/invoicereconciliation`,
    commands: `${details}/commands`,
    tokens: `${details}/tokens`,
  };
}

/** Host to put in URLs: a wildcard listen address is not reachable as such. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a simulator. Takes the options (country code and party id required); resolves once it
 * listens, to a handle with its URLs, token A, registration state, request log, setters for
 * the served objects, and close().
 */
export async function startCpoSimulator(options: CpoSimulatorOptions): Promise<CpoSimulator> {
  const adapter = adapterOf(options.version ?? '2.2.1');
  const host = options.host ?? '127.0.0.1';
  const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  const registration = new RegistrationState(options.tokenA ?? randomBytes(16).toString('hex'));
  const requests: SimulatorRequestLogEntry[] = [];
  const clientCalls: SimulatorClientCall[] = [];

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${urlHost(host)}:${port}`;
  const baseUrl = `${origin}${basePath}`;

  const ctx: SimulatorContext = {
    adapter,
    party: { countryCode: options.countryCode, partyId: options.partyId },
    roles: rolesOf(options),
    hubPartyId: options.hubPartyId,
    registration,
    urls: urlsFor(baseUrl, [], adapter.version),
    prefix: [],
    maxPageLimit: options.maxPageLimit ?? DEFAULT_MAX_PAGE_LIMIT,
    quirks: { ...(options.quirks ?? {}) },
    store: {
      locations: [...(options.locations ?? [])],
      tariffs: [...(options.tariffs ?? [])],
      sessions: options.sessions ? [...options.sessions] : null,
      cdrs: options.cdrs ? [...options.cdrs] : null,
      hubClientInfo: options.hubClientInfo ? [...options.hubClientInfo] : null,
      invoiceReconciliation: options.invoiceReconciliation ? [...options.invoiceReconciliation] : null,
    },
    senders: options.senders ? new Set(options.senders) : null,
    receivers: newReceiversState(options.receivers, options.commandAnswers),
    clientCalls,
  };

  const quirks = new QuirkEngine(options.quirks);
  let open = 0;
  let peakConcurrentRequests = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = Date.now();
    open += 1;
    peakConcurrentRequests = Math.max(peakConcurrentRequests, open);
    res.once('close', () => (open -= 1));
    const ids = messageIdHeaders(req);
    const { auth, token } = authenticate(req.headers.authorization, ctx);
    const offered = registration.isOffered(auth.token);
    const method = req.method ?? 'GET';
    const asked = new URL(req.url ?? '/', origin);
    const log = (status: number, ocpiStatus: number) =>
      requests.push({
        method,
        url: req.url ?? '',
        status,
        ocpiStatus,
        authorizationSchemeOk: auth.schemeOk,
        authorizationEncoding: auth.encoding,
        token,
        headers: { ...req.headers },
        receivedAt,
      });
    const early = quirks.intercept(method, asked);
    if (early && 'drop' in early) {
      req.socket.destroy();
      log(0, 0);
      return;
    }
    let reply: OcpiReply;
    try {
      const url = quirks.rewrite(asked);
      quirks.beforeRoute(method, url, ctx.store);
      reply = early?.reply ?? (await routeRequest({ method, url, headers: req.headers, token, readBody: () => readJsonBody(req) }, basePath, ctx));
      if (!early) reply = quirks.transform(asked, reply);
    } catch (error) {
      reply = fail(500, OcpiStatus.SERVER_ERROR, `Simulator error: ${(error as Error).message}`);
    }
    const applied = quirks.afterApplied(method, asked, reply);
    if (applied && 'drop' in applied) {
      req.socket.destroy();
      log(0, 0);
      return;
    }
    if (applied) reply = applied.reply;
    if (!req.readableEnded) req.resume();
    const sent = quirks.loggedStatus(asked, reply);
    log(sent.status, sent.ocpiStatus);
    // transport_and_format 2.2.1 §Unique message IDs: 2.1.1 has no such headers.
    await quirks.write(res, asked, reply, ctx.adapter.routingHeaders ? ids : {});
    if (offered) ctx.onOfferedTokenUse?.();
  };
  server.on('request', (req, res) => void handle(req, res));

  return {
    baseUrl,
    versionsUrl: ctx.urls.versions,
    tokenA: registration.tokenA,
    countryCode: options.countryCode,
    partyId: options.partyId,
    get version() {
      return ctx.adapter.version;
    },
    get registration() {
      return registration.snapshot();
    },
    requests,
    get peakConcurrentRequests() {
      return peakConcurrentRequests;
    },
    clientCalls,
    setLocations(objects) {
      ctx.store.locations = [...objects];
    },
    setTariffs(objects) {
      ctx.store.tariffs = [...objects];
    },
    setCdrs(objects) {
      ctx.store.cdrs = objects ? [...objects] : null;
    },
    setSessions(objects) {
      ctx.store.sessions = objects ? [...objects] : null;
    },
    async registerWith(versionsUrl, tokenA) {
      await registerWithClient(ctx, versionsUrl, tokenA);
      return registration.snapshot();
    },
    async updateCredentials(options = {}) {
      await updateClientCredentials(ctx, options);
      return registration.snapshot();
    },
    unregisterFromClient: () => unregisterFromClient(ctx),
    pushCdr: (cdr) => pushCdr(ctx, cdr),
    getTokens: (query) => getTokens(ctx, query),
    authorizeToken: (uid, options) => authorizeToken(ctx, uid, options),
    setInvoiceReconciliation(objects) {
      ctx.store.invoiceReconciliation = objects ? [...objects] : null;
    },
    sendInvoiceReconciliation: (method, record) => sendInvoiceReconciliation(ctx, method, record),
    receivedCommands: ctx.receivers.commands,
    tokenPushes: ctx.receivers.tokenPushes,
    heldTokens: ctx.receivers.tokens,
    setCommandAnswers(answers) {
      ctx.receivers.answers = { ...answers };
    },
    postCommandResult: (to, body) => postResult(ctx, to, body),
    setTokensReceiverDown(down) {
      ctx.receivers.tokensDown = down;
    },
    setTokensReceiverDelay(ms) {
      ctx.receivers.tokensDelayMs = ms;
    },
    setTokensRefused(uids) {
      ctx.receivers.tokensRefused = new Set(uids);
    },
    setHubClientInfo(objects) {
      ctx.store.hubClientInfo = objects ? [...objects] : null;
    },
    pushClientInfo: (info, at) => pushClientInfo(ctx, info, at),
    getClientInfo: (countryCode, partyId) => getClientInfo(ctx, countryCode, partyId),
    callEmsp: (request) => callEmsp(ctx, request),
    switchVersion(version) {
      ctx.adapter = adapterOf(version);
      ctx.urls = urlsFor(baseUrl, ctx.prefix, ctx.adapter.version);
    },
    relocateEndpoints() {
      ctx.prefix = [`moved-${ctx.prefix.length + 1}`];
      ctx.urls = urlsFor(baseUrl, ctx.prefix, ctx.adapter.version);
    },
    setRoles(roles) {
      ctx.roles = rolesOf(roles ? { ...options, roles } : options);
    },
    setSenders(modules) {
      ctx.senders = modules ? new Set(modules) : null;
    },
    setQuirks(next) {
      ctx.quirks = { ...(next ?? {}) };
      quirks.set(next);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function adapterOf(version: string) {
  const adapter = VERSION_ADAPTERS[version];
  if (!adapter) throw new Error(`CPO simulator: OCPI ${version} is not implemented`);
  return adapter;
}

/** The roles of our credentials: the options' roles, or one CPO role of countryCode / partyId. */
function rolesOf(options: CpoSimulatorOptions): CredentialsRole[] {
  const businessName = options.businessName ?? `${options.partyId} Charging (simulator)`;
  const roles = options.roles ?? [{ role: options.role ?? ('CPO' as const), countryCode: options.countryCode, partyId: options.partyId, businessName }];
  return roles.map((r) => ({ role: r.role, party_id: r.partyId, country_code: r.countryCode, business_details: { name: r.businessName ?? businessName } }));
}

/**
 * Reads the Authorization header in the encodings accepted (the served version's, or a quirk's) and
 * returns the first reading that is one of our tokens (transport_and_format §Authorization header).
 */
function authenticate(header: string | undefined, ctx: SimulatorContext) {
  const readings = readingsOf(header, ctx.quirks.acceptTokenEncoding ?? ctx.adapter.tokenEncoding, ctx.adapter.tokenEncoding);
  for (const auth of readings) {
    const token: TokenKind = ctx.registration.identify(auth.token);
    if (token !== 'unknown') return { auth, token };
  }
  const auth = readings[0] ?? { token: null, schemeOk: false, encoding: null };
  return { auth, token: ctx.registration.identify(auth.token) };
}
