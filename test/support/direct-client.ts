/**
 * The service's OcpiClient built on its own (no database, no HTTP server), with an in-memory call log, for
 * transport tests that talk to the CPO simulator directly; plus a simulator registered through the simulator's own
 * fake eMSP, so its functional modules can be called with token C.
 */
import { Logger } from '@nestjs/common';
import { AppConfig } from '../../src/config/app-config';
import { loadEnvironment } from '../../src/config/env.validation';
import { OcpiCallRecord, OcpiCallRecorder } from '../../src/ocpi/wire/ocpi-call-recorder';
import { OcpiClient, OcpiClientTuning, OcpiRequest } from '../../src/ocpi/client/ocpi-client';
import { OcpiCallError } from '../../src/ocpi/client/ocpi-call.error';
import { CpoSimulator, CpoSimulatorOptions, generateLocations, startCpoSimulator } from '../cpo-simulator';
import { register, startFakeEmsp } from '../cpo-simulator/spec-helpers';

export interface DirectClient {
  client: OcpiClient;
  /** Every failed call the client recorded, in order. */
  recorded: OcpiCallRecord[];
  config: AppConfig;
}

/** Settings of one client: per-attempt deadlines (ms), the size cap (bytes), retries and the page cap. */
export interface DirectClientOptions {
  /** OCPI_RESPONSE_TIMEOUT_MS: connected → first byte of the answer (default here 2000). */
  timeoutMs?: number;
  /** OCPI_CONNECT_TIMEOUT_MS (default here 2000). */
  connectTimeoutMs?: number;
  /** OCPI_BODY_TIMEOUT_MS: first byte → last byte (default here 2000). */
  bodyTimeoutMs?: number;
  /** OCPI_MAX_RESPONSE_BYTES (default: the service's). */
  maxResponseBytes?: number;
  tuning?: Partial<OcpiClientTuning>;
}

/** An OcpiClient as the service builds it, with the settings of `options`. */
export function directClient(options: DirectClientOptions = {}): DirectClient {
  // The service logs through pino at LOG_LEVEL; here Nest's console logger would print every expected failure.
  Logger.overrideLogger(false);
  const env = loadEnvironment({
    TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
    OPERATIONS_API_KEY: 'ops-key-for-transport-tests',
    INTERNAL_API_KEY: 'internal-key-for-transport-tests',
    FINANCE_API_KEY: 'finance-key-for-transport-tests',
    OCPI_COUNTRY_CODE: 'NL',
    OCPI_PARTY_ID: 'EMS',
    OCPI_RESPONSE_TIMEOUT_MS: String(options.timeoutMs ?? 2000),
    OCPI_CONNECT_TIMEOUT_MS: String(options.connectTimeoutMs ?? 2000),
    OCPI_BODY_TIMEOUT_MS: String(options.bodyTimeoutMs ?? 2000),
    OCPI_MAX_RESPONSE_BYTES: options.maxResponseBytes === undefined ? undefined : String(options.maxResponseBytes),
  });
  const config = new AppConfig(env);
  const recorded: OcpiCallRecord[] = [];
  const recorder: OcpiCallRecorder = { record: (entry) => Promise.resolve(void recorded.push(entry)) };
  return { client: new OcpiClient(config, recorder, { baseDelayMs: 50, ...options.tuning }), recorded, config };
}

export interface RegisteredSimulator {
  simulator: CpoSimulator;
  tokenC: string;
  /** A GET/POST/… request to the simulator's 2.2.1 `module` endpoint with token C, Base64 (2.2.1 rules). */
  call(module: string, extra?: Partial<OcpiRequest>): OcpiRequest;
  close(): Promise<void>;
}

/** Starts a simulator and registers a fake eMSP with it (credentials 2.2.1 §Registration), so token C works. */
export async function registeredSimulator(options: Partial<CpoSimulatorOptions> = {}): Promise<RegisteredSimulator> {
  const simulator = await startCpoSimulator({ countryCode: 'NL', partyId: 'TRN', ...options });
  const emsp = await startFakeEmsp();
  const tokenC = await register(simulator, emsp);
  await emsp.close();
  return {
    simulator,
    tokenC,
    call: (module, extra = {}) => ({ method: 'GET', url: `${simulator.baseUrl}/2.2.1/${module}`, token: tokenC, encoding: 'base64', ...extra }),
    close: () => simulator.close(),
  };
}

/** Awaits `promise`, expecting an OcpiCallError; returns it. */
export async function callError(promise: Promise<unknown>): Promise<OcpiCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OcpiCallError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with an OcpiCallError');
}

/** Every page's items of a paginated GET, or the error that stopped it (with the items received before). */
export async function collectPages(client: OcpiClient, req: Omit<OcpiRequest, 'method' | 'body'>): Promise<{ items: any[]; pages: number; error: OcpiCallError | null }> {
  const items: any[] = [];
  let pages = 0;
  try {
    for await (const page of client.pages(req)) {
      pages += 1;
      items.push(...page.items);
    }
    return { items, pages, error: null };
  } catch (error) {
    if (error instanceof OcpiCallError) return { items, pages, error };
    throw error;
  }
}

/** `count` generated Locations of NL*TRN around Utrecht (deterministic for a seed). */
export function someLocations(count: number, seed = 3, owner = { countryCode: 'NL', partyId: 'TRN' }) {
  return generateLocations({ count, seed, center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 5, ...owner });
}
