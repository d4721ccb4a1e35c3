/** Public types of the CPO simulator: its options, its handle, and what it records. */
import type { TokenEncoding } from './auth';
import type { Credentials, OcpiRole, OcpiVersionDetails, SimulatorVersionId } from './ocpi-types';

import type { IncomingHttpHeaders } from 'node:http';
import type { SimulatorQuirks } from './quirks/simulator-quirks';

/** Deliberate deviations from the specification that real CPOs show: see quirks/simulator-quirks.ts. */
export type { SimulatorQuirks };
/** One party the simulator presents in its credentials (credentials 2.2.1 §CredentialsRole). */
export interface SimulatorRole {
  role: OcpiRole;
  countryCode: string;
  partyId: string;
  businessName?: string;
}

/** The modules a CPO may offer as Sender interface (mod_* §Sender Interface; 2.1.1 §CPO Interface). */
export type SenderModule = 'locations' | 'tariffs' | 'sessions' | 'cdrs';

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
  /**
   * The roles in its credentials (2.2+: a CPO group, a HUB …). Default: one CPO role of
   * countryCode / partyId. 2.1.1 credentials carry the first one only.
   */
  roles?: SimulatorRole[];
  /** 2.3.0 `hub_party_id` in its credentials, e.g. 'NLHUB'. */
  hubPartyId?: string;
  /** OCPI version served: '2.1.1', '2.2.1' (default) or '2.3.0'. One per instance. */
  version?: SimulatorVersionId;
  /** CREDENTIALS_TOKEN_A. Default: 32 random hex characters. */
  tokenA?: string;
  /** Location objects served as they are (may include invalid ones on purpose). */
  locations?: unknown[];
  /** Tariff objects served as they are (may include invalid ones on purpose). */
  tariffs?: unknown[];
  /** CDR objects served as they are (see generateCdrs); absent: no CDRs module in the version details. */
  cdrs?: unknown[];
  /**
   * 2.3.0: the InvoiceReconciliationRecords its invoicereconciliation Sender interface serves (mod_invoice_reconciliation
   * §Sender Interface); absent: no such module in the version details.
   */
  invoiceReconciliation?: unknown[];
  /** Session objects served as they are (see generateSessions); absent: no Sessions module in the version details. */
  sessions?: unknown[];
  /**
   * The Sender interfaces it offers (listed in its version details and served); default: every module it serves. []
   * plays a CPO (or Hub) that only pushes: its version details list credentials alone.
   */
  senders?: SenderModule[];
  /**
   * Receiver interfaces it offers for what an eMSP sends a CPO (listed in its version details with role RECEIVER in
   * 2.2+): commands (answered as `commandAnswers` says) and tokens (pushed Tokens kept). Default: none.
   */
  receivers?: Array<'commands' | 'tokens'>;
  /** How each command is answered (see receivers-module.ts CommandAnswer); default ACCEPTED with result ACCEPTED. */
  commandAnswers?: Partial<Record<import('./receivers-module').SimulatedCommand, import('./receivers-module').CommandAnswer>>;
  /**
   * Playing a Hub: the ClientInfo objects its hubclientinfo Sender interface serves (mod_hub_client_info §Sender
   * Interface; see hub-mode.ts); absent: no hubclientinfo module in the version details.
   */
  hubClientInfo?: unknown[];
  /** Largest page the server returns (X-Limit). Default 50. */
  maxPageLimit?: number;
  /** Path prefix of every endpoint. Default '/ocpi/cpo'. */
  basePath?: string;
  /** Non-spec behaviour to imitate; see SimulatorQuirks. */
  quirks?: SimulatorQuirks;
}

/** Which credentials token a request carried (by the handshake's names). */
export type TokenKind = 'A' | 'B' | 'C' | 'unknown' | 'none';

/** One line of the request log. */
export interface SimulatorRequestLogEntry {
  method: string;
  /** Path and query as received. */
  url: string;
  /** HTTP status answered. */
  status: number;
  /** OCPI status_code answered. */
  ocpiStatus: number;
  /** True when the Authorization header was in the encoding the served version prescribes. */
  authorizationSchemeOk: boolean;
  /** The encoding the token was read in, or null when none was accepted. */
  authorizationEncoding: TokenEncoding | null;
  token: TokenKind;
  /** Request headers as received (names lower-case). */
  headers: IncomingHttpHeaders;
  /** Epoch ms when the request arrived. */
  receivedAt: number;
}

/** One call the simulator made to the eMSP (credentials handshakes it takes part in). */
export interface SimulatorClientCall {
  method: string;
  url: string;
  /** HTTP status received, or 0 when nothing came back. */
  status: number;
  /** The envelope's status_code, when there was one. */
  ocpiStatus: number | null;
  /** The encoding the token was sent in. */
  authorizationEncoding: TokenEncoding;
  /** transport_and_format 2.2.1 §Unique message IDs: the response carried the request's X-Request-ID / X-Correlation-ID. */
  requestIdEchoed: boolean;
  correlationIdEchoed: boolean;
}

/** Snapshot of the credentials handshake state (credentials §Registration). */
export interface SimulatorRegistration {
  registered: boolean;
  /** EMSP: the eMSP registered with the simulator (its token A); CPO: the simulator registered with the eMSP. */
  initiatedBy: 'EMSP' | 'CPO' | null;
  /** The eMSP's credentials: what it last POSTed/PUT to us, or answered to our POST/PUT. */
  clientCredentials?: Credentials;
  /** CREDENTIALS_TOKEN_B: the Sender's token (the eMSP's when it initiated, ours when we did). */
  tokenB?: string;
  /** CREDENTIALS_TOKEN_C: the Receiver's token (ours when the eMSP initiated, the eMSP's when we did). */
  tokenC?: string;
  /** The token the eMSP must use to call us now. */
  tokenForUs?: string;
  /** The token we use to call the eMSP now. */
  tokenForClient?: string;
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
  /** The version served now. */
  readonly version: string;
  /** Current handshake state (a fresh snapshot on each read). */
  readonly registration: SimulatorRegistration;
  /** Every request received, in order (live array). */
  readonly requests: readonly SimulatorRequestLogEntry[];
  /** The most requests it has had open at the same moment (received, not yet answered or dropped) since it started. */
  readonly peakConcurrentRequests: number;
  /** Every call made to the eMSP, in order (live array). */
  readonly clientCalls: readonly SimulatorClientCall[];
  /** Replaces the served Location list (order = page order). */
  setLocations(objects: unknown[]): void;
  /** Replaces the served Tariff list (order = page order). */
  setTariffs(objects: unknown[]): void;
  /** Replaces the served CDR list (order = page order); null removes the CDRs module. */
  setCdrs(objects: unknown[] | null): void;
  /** Replaces the served Session list (order = page order); null removes the Sessions module. */
  setSessions(objects: unknown[] | null): void;
  /**
   * CPO-initiated registration (credentials §Registration, the simulator as Sender): with the eMSP's
   * versions URL and token A, reads its versions and details, POSTs its credentials with a new token B and
   * keeps the eMSP's token C. Resolves to the new state; rejects with the eMSP's answer when it fails.
   */
  registerWith(versionsUrl: string, tokenA: string): Promise<SimulatorRegistration>;
  /**
   * credentials §PUT towards the eMSP: new token for the eMSP, keeps the eMSP's new token. With `answerLost`, the
   * connection is closed once the eMSP has read our version details with the new token (so it applies the PUT, and
   * its answer is lost), and then we either keep our old state ('keep-old': we call with its old token and accept
   * only our old one) or switch to the token we offered ('keep-new') while still calling with its old token; resolves
   * to the state then.
   */
  updateCredentials(options?: { answerLost?: 'keep-old' | 'keep-new' }): Promise<SimulatorRegistration>;
  /** credentials §DELETE towards the eMSP: unregisters. */
  unregisterFromClient(): Promise<void>;
  /**
   * mod_cdrs 2.2.1 §Receiver Interface §POST Method: POSTs `cdr` to the eMSP's cdrs endpoint; resolves to the HTTP and
   * OCPI status, message and Location header (never rejects on an error answer).
   */
  pushCdr(cdr: unknown): Promise<import('./cdr-push').PushResult>;
  /** mod_tokens 2.2.1 §Sender Interface §GET Method: one page of the eMSP's Tokens (or the page a Link named). */
  getTokens(query?: import('./tokens-client').TokensQuery): Promise<import('./tokens-client').TokensAnswer>;
  /** mod_tokens 2.2.1 §POST Method: a real-time authorization of `uid`, with an optional LocationReferences body. */
  authorizeToken(uid: string, options?: { type?: string; location?: unknown }): Promise<import('./tokens-client').TokensAnswer>;
  /** 2.3.0: the InvoiceReconciliationRecords served from now on (null: no such module). */
  setInvoiceReconciliation(objects: unknown[] | null): void;
  /**
   * 2.3.0, direct billing: POST a new record, PUT an updated one, GET or DELETE one at the eMSP's invoicereconciliation
   * Receiver (mod_invoice_reconciliation §Receiver Interface); the record names its own country_code, party_id and id.
   */
  sendInvoiceReconciliation(
    method: 'POST' | 'PUT' | 'GET' | 'DELETE',
    record: { country_code: string; party_id: string; id: string } & Record<string, unknown>,
  ): Promise<import('./invoice-reconciliation-module').ReceiverReply>;
  /** The roles of its credentials from its next credentials exchange on (undefined: back to the options' roles). */
  setRoles(roles: SimulatorRole[] | undefined): void;
  /** Offers these Sender interfaces from now on (undefined: every module it serves; []: none, it only pushes). */
  setSenders(modules: SenderModule[] | undefined): void;
  /** Commands received (live array), each with its body and what posting its result got back. */
  readonly receivedCommands: import('./receivers-module').ReceivedCommand[];
  /** Token PUTs and PATCHes received, in arrival order (live array). */
  readonly tokenPushes: import('./receivers-module').ReceivedTokenPush[];
  /** The Tokens held from pushes, by "country/party/uid/type". */
  readonly heldTokens: ReadonlyMap<string, Record<string, unknown>>;
  /** Answers commands so from now on. */
  setCommandAnswers(answers: Partial<Record<import('./receivers-module').SimulatedCommand, import('./receivers-module').CommandAnswer>>): void;
  /** POSTs a CommandResult (any body) to a received command's response_url, or to any { url }: a late result, or a forged one. */
  postCommandResult(to: import('./receivers-module').ReceivedCommand | { url: string }, body: unknown): Promise<{ httpStatus: number; ocpiStatus: number | null }>;
  /** The Tokens Receiver answers HTTP 503 while down. */
  setTokensReceiverDown(down: boolean): void;
  /** The Tokens Receiver takes `ms` over each PUT or PATCH before taking it in (0: at once). */
  setTokensReceiverDelay(ms: number): void;
  /** The Tokens Receiver refuses the PUT or PATCH of these uids with OCPI 2001 (HTTP 400); an empty list: none. */
  setTokensRefused(uids: readonly string[]): void;
  /** Playing a Hub: the ClientInfo list its hubclientinfo Sender interface serves from now on (null: none). */
  setHubClientInfo(objects: unknown[] | null): void;
  /** Playing a Hub: PUT one ClientInfo to the eMSP's hubclientinfo Receiver (at the object's party, or `at`). */
  pushClientInfo(info: unknown, at?: { countryCode: string; partyId: string }): Promise<import('./hub-mode').HubPushResult>;
  /** Playing a Hub: GET one ClientInfo back from the eMSP's hubclientinfo Receiver. */
  getClientInfo(countryCode: string, partyId: string): Promise<import('./hub-mode').HubPushResult>;
  /** A request to one of the eMSP's Receiver interfaces with the routing headers given (see hub-mode.ts callEmsp). */
  callEmsp(request: Parameters<typeof import('./hub-mode').callEmsp>[1]): Promise<import('./hub-mode').HubPushResult>;
  /** Serves another version from now on (the CPO upgraded), keeping its registration. */
  switchVersion(version: SimulatorVersionId): void;
  /** Moves the version details and module endpoints to new URLs (the old ones answer 404); the versions URL stays. */
  relocateEndpoints(): void;
  /** Replaces the quirks (undefined: none) and restarts their counters. */
  setQuirks(quirks: SimulatorQuirks | undefined): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}
