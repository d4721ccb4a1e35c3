/**
 * A CPO that speaks OCPI from the specification alone, on loopback, for tests and demos:
 * versions + version details, credentials handshake, Locations and Tariffs Sender interfaces.
 * Never imports from src/ and never reads the specification at run time.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fail, OcpiStatus, writeReply, type OcpiReply } from './http-envelope';
import { messageIdHeaders, readJsonBody } from './http-request';
import { RegistrationState } from './registration-state';
import { routeRequest } from './router';
import type { SimulatorContext, SimulatorUrls } from './simulator-context';
import type { CpoSimulator, CpoSimulatorOptions, SimulatorRequestLogEntry } from './simulator-types';
import { VERSION_ADAPTERS } from './versions';

const DEFAULT_BASE_PATH = '/ocpi/cpo';
const DEFAULT_MAX_PAGE_LIMIT = 50;

function urlsFor(baseUrl: string, version: string): SimulatorUrls {
  const details = `${baseUrl}/${version}`;
  return {
    versions: `${baseUrl}/versions`,
    details,
    credentials: `${details}/credentials`,
    locations: `${details}/locations`,
    tariffs: `${details}/tariffs`,
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
  const version = options.version ?? '2.2.1';
  const adapter = VERSION_ADAPTERS[version];
  if (!adapter) throw new Error(`CPO simulator: OCPI ${version} is not implemented`);
  const host = options.host ?? '127.0.0.1';
  const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  const registration = new RegistrationState(options.tokenA ?? randomBytes(16).toString('hex'));
  const requests: SimulatorRequestLogEntry[] = [];

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
    party: {
      countryCode: options.countryCode,
      partyId: options.partyId,
      businessName: options.businessName ?? `${options.partyId} Charging (simulator)`,
      role: options.role,
    },
    registration,
    urls: urlsFor(baseUrl, adapter.version),
    maxPageLimit: options.maxPageLimit ?? DEFAULT_MAX_PAGE_LIMIT,
    store: { locations: [...(options.locations ?? [])], tariffs: [...(options.tariffs ?? [])] },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ids = messageIdHeaders(req);
    const auth = adapter.parseAuthorization(req.headers.authorization);
    const token = registration.identify(auth.token);
    const method = req.method ?? 'GET';
    let reply: OcpiReply;
    try {
      const url = new URL(req.url ?? '/', origin);
      reply = await routeRequest({ method, url, headers: req.headers, token, readBody: () => readJsonBody(req) }, basePath, ctx);
    } catch (error) {
      reply = fail(500, OcpiStatus.SERVER_ERROR, `Simulator error: ${(error as Error).message}`);
    }
    if (!req.readableEnded) req.resume();
    writeReply(res, reply, ids);
    requests.push({
      method,
      url: req.url ?? '',
      status: reply.httpStatus,
      ocpiStatus: reply.body.status_code,
      authorizationSchemeOk: auth.schemeOk,
      token,
    });
  };
  server.on('request', (req, res) => void handle(req, res));

  return {
    baseUrl,
    versionsUrl: ctx.urls.versions,
    tokenA: registration.tokenA,
    countryCode: options.countryCode,
    partyId: options.partyId,
    get registration() {
      return registration.snapshot();
    },
    requests,
    setLocations(objects) {
      ctx.store.locations = [...objects];
    },
    setTariffs(objects) {
      ctx.store.tariffs = [...objects];
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
