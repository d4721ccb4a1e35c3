/** Public types of the CPO simulator: its options, its handle, and what it records. */
import type { Credentials, OcpiVersionDetails, SimulatorVersionId } from './ocpi-types';

/**
 * Deliberate deviations from the specification that real CPOs show, switched on per test.
 * Empty for now: later work adds e.g. raw (non-Base64) Authorization tokens, 2.1.1-style
 * pagination quirks, wrong envelopes. Every quirk defaults to off (= spec behaviour).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SimulatorQuirks {}

export interface CpoSimulatorOptions {
  /** Interface to listen on. Default '127.0.0.1'. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** The CPO's ISO-3166 alpha-2 country code, used in credentials and in served objects. */
  countryCode: string;
  /** The CPO's party id (CiString(3)). */
  partyId: string;
  /** Role in our credentials (credentials 2.2.1 §CredentialsRole): 'HUB' to play a hub relaying other CPOs' objects. Default 'CPO'. */
  role?: 'CPO' | 'HUB';
  /** business_details.name in our credentials. Default `<partyId> Charging (simulator)`. */
  businessName?: string;
  /** OCPI version served. Only '2.2.1' for now. */
  version?: SimulatorVersionId;
  /** CREDENTIALS_TOKEN_A. Default: 32 random hex characters. */
  tokenA?: string;
  /** Location objects served as they are (may include invalid ones on purpose). */
  locations?: unknown[];
  /** Tariff objects served as they are (may include invalid ones on purpose). */
  tariffs?: unknown[];
  /** Largest page the server returns (X-Limit). Default 50. */
  maxPageLimit?: number;
  /** Path prefix of every endpoint. Default '/ocpi/cpo'. */
  basePath?: string;
  /** Non-spec behaviour to imitate; see SimulatorQuirks. */
  quirks?: SimulatorQuirks;
}

/** Which credentials token a request carried. */
export type TokenKind = 'A' | 'C' | 'unknown' | 'none';

/** One line of the request log. */
export interface SimulatorRequestLogEntry {
  method: string;
  /** Path and query as received. */
  url: string;
  /** HTTP status answered. */
  status: number;
  /** OCPI status_code answered. */
  ocpiStatus: number;
  /** True when the Authorization header was `Token <base64 of a valid token>` (2.2.1). */
  authorizationSchemeOk: boolean;
  token: TokenKind;
}

/** Snapshot of the credentials handshake state (credentials 2.2.1 §Registration). */
export interface SimulatorRegistration {
  registered: boolean;
  /** The credentials the eMSP last POSTed/PUT (its token B, versions URL, roles). */
  clientCredentials?: Credentials;
  /** CREDENTIALS_TOKEN_B: what we use to call the eMSP. */
  tokenB?: string;
  /** CREDENTIALS_TOKEN_C: what the eMSP must use to call us. */
  tokenC?: string;
  /** The eMSP's version details we fetched during the handshake. */
  clientVersionDetails?: OcpiVersionDetails;
  /** False once token A has been consumed by a successful registration. */
  tokenAValid: boolean;
}

export interface CpoSimulator {
  /** e.g. http://127.0.0.1:40123/ocpi/cpo */
  readonly baseUrl: string;
  /** The versions endpoint to hand to the eMSP together with token A. */
  readonly versionsUrl: string;
  readonly tokenA: string;
  readonly countryCode: string;
  readonly partyId: string;
  /** Current handshake state (a fresh snapshot on each read). */
  readonly registration: SimulatorRegistration;
  /** Every request received, in order (live array). */
  readonly requests: readonly SimulatorRequestLogEntry[];
  /** Replaces the served Location list (order = page order). */
  setLocations(objects: unknown[]): void;
  /** Replaces the served Tariff list (order = page order). */
  setTariffs(objects: unknown[]): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}
