import { CanonicalCdr } from '../../cdrs/cdr.model';
import { CommandRequest, CommandResponse, CommandResult, CommandType, WireReading } from './command-wire';
import { ClientInfo } from '../../hubs/client-info';
import { CanonicalLocation } from '../../locations/location.model';
import { CanonicalSession } from '../../sessions/session.model';
import { CanonicalTariff } from '../../tariffs/tariff.model';
import { AuthorizationInfo, CanonicalToken, TokenType } from '../../tokens/token.model';
import { TokenEncoding } from '../wire/authorization-header';
import { LocationReferencesReading } from '../wire/location-references';
import { MappingResult } from '../wire/mapping-result';
import { OcpiStatusCode } from '../wire/ocpi-status';
import { TransportRules } from '../wire/transport-rules';

/** Module identifiers we pull from a CPO's Sender interfaces. */
export type PulledModule = 'locations' | 'tariffs' | 'sessions' | 'cdrs';

/**
 * Sender interfaces we read: the pulled modules, a Hub's hubclientinfo (mod_hub_client_info §Sender Interface), and a
 * 2.3.0 CPO's invoicereconciliation (mod_invoice_reconciliation §Sender Interface, pulled by finance).
 */
export type SenderModule = PulledModule | 'hubclientinfo' | 'invoicereconciliation';

/**
 * The HubClientInfo module of a version (mod_hub_client_info 2.2.1 §ClientInfo Object; 2.3.0 the same). 2.1.1 has no
 * Hubs and no such module.
 */
export interface HubClientInfoWire {
  /** Reads one ClientInfo object; never throws (a malformed one comes back rejected, the field named). */
  map(raw: unknown): MappingResult<ClientInfo>;
  /** A ClientInfo on the wire, as our Receiver interface's GET answers it. */
  serialise(info: ClientInfo): unknown;
}

/** Receiver interfaces of a CPO we call: its Commands Receiver (we send commands) and Tokens Receiver (we push Tokens). */
export type ReceiverModule = 'commands' | 'tokens';

/** An endpoint from version details, version-neutral (2.1.1 has no role: null). */
export interface OcpiEndpoint {
  identifier: string;
  role: 'SENDER' | 'RECEIVER' | null;
  url: string;
}

/** A CredentialsRole, version-neutral (2.1.1's single party becomes one role 'CPO'). */
export interface PartyRole {
  role: string;
  country_code: string;
  party_id: string;
  business_details: Record<string, unknown> | null;
}

/** A Credentials object, version-neutral (credentials module of each version). */
export interface Credentials {
  token: string;
  url: string;
  roles: PartyRole[];
  /** 2.3.0 `hub_party_id` (country code and party id of the platform's Hub, 5 characters); null otherwise. */
  hub_party_id?: string | null;
}

/**
 * What a mapper needs to know about the connection an object came through. 2.1.1 objects carry no
 * country_code / party_id: they belong to the connection's single party, given here.
 */
export interface MappingContext {
  owner: { country_code: string; party_id: string } | null;
}

/**
 * Everything that differs between OCPI versions, in one place per version. The transport, handshake and
 * sync code is written once against this interface; `if (version === …)` belongs nowhere else.
 */
export interface OcpiVersionAdapter {
  /** Version id as the spec spells it, e.g. "2.2.1". */
  readonly version: string;
  /** How the credentials token travels in the Authorization header (transport_and_format §Authorization header). */
  readonly tokenEncoding: TokenEncoding;
  /** Message ids and routing headers: which the version has (transport_and_format §Unique message IDs, §Message Routing). */
  readonly transport: TransportRules;
  /**
   * Whether a PATCH to a Receiver interface must carry last_updated: "Any request to the PATCH method SHALL contain the
   * last_updated field" (mod_locations / mod_sessions 2.2.1 §PATCH Method, 2.3.0 alike); 2.1.1 says no such thing (its
   * own status example, mod_locations 2.1.1 §2.2.3, has none).
   */
  readonly patchRequiresLastUpdated: boolean;
  /** Reads version details `data` (version_information_endpoint §Version details). @throws Error when malformed. */
  parseEndpoints(data: unknown): OcpiEndpoint[];
  /** The URL of the CPO's (or Hub's) Sender interface of `module`, or null when it offers none or the version has no such module. */
  senderUrl(endpoints: OcpiEndpoint[], module: SenderModule): string | null;
  /**
   * The URL of the CPO's Receiver interface of `module` (2.2+: role RECEIVER; 2.1.1: its CPO interface, endpoints
   * having no role), or null when it offers none.
   */
  receiverUrl(endpoints: OcpiEndpoint[], module: ReceiverModule): string | null;
  /** Commands on the wire (mod_commands; we are the Sender, the CPO the Receiver). */
  readonly commands: CommandsWire;
  /** The HubClientInfo module's objects (mod_hub_client_info); null when the version has no Hubs (2.1.1). */
  readonly hubClientInfo: HubClientInfoWire | null;
  /** Our credentials object on the wire (credentials §Credentials object). */
  serialiseCredentials(credentials: Credentials): unknown;
  /** Reads a CPO's credentials object. @throws Error naming the missing or malformed field. */
  parseCredentials(data: unknown): Credentials;
  /** Our own version details endpoints, under `baseUrl` (e.g. https://host/ocpi/emsp/2.2.1). */
  ourEndpoints(baseUrl: string): unknown[];
  /**
   * Whether the Tariffs Receiver interface has PATCH (mod_tariffs 2.1.1 §2.2.3: yes; 2.2.1 and 2.3.0 §Receiver
   * Interface: "PATCH n/a", a changed Tariff is PUT whole).
   */
  readonly tariffsReceiverPatch: boolean;
  /** Maps one wire Location; never throws. */
  mapLocation(raw: unknown, context: MappingContext): MappingResult<CanonicalLocation>;
  /** Maps one wire Tariff; never throws. */
  mapTariff(raw: unknown, context: MappingContext): MappingResult<CanonicalTariff>;
  /** Maps one wire CDR (mod_cdrs), its tariffs through mapTariff's mapper; never throws. */
  mapCdr(raw: unknown, context: MappingContext): MappingResult<CanonicalCdr>;
  /** Maps one whole wire Session (mod_sessions §Session object); never throws. */
  mapSession(raw: unknown, context: MappingContext): MappingResult<CanonicalSession>;
  /** Our Tokens on the wire (mod_tokens, we are the Sender). */
  readonly tokens: TokensWire;
}

/**
 * The Tokens module of a version, where we are its Sender (mod_tokens 2.2.1 §Sender Interface, 2.1.1 §2.2 eMSP
 * Interface, 2.3.0 §Sender Interface): our Tokens and authorization answers on the wire, the request body read.
 */
export interface TokensWire {
  /** The TokenTypes the version has (2.1.1: OTHER, RFID; 2.2.1: + AD_HOC_USER, APP_USER; 2.3.0: + EMAID). */
  readonly types: readonly TokenType[];
  /** One of our Tokens, owned by `owner` (our party; 2.1.1 Tokens carry no owner). */
  serialiseToken(token: CanonicalToken, owner: { country_code: string; party_id: string }): unknown;
  /** An AuthorizationInfo. */
  serialiseAuthorization(info: AuthorizationInfo, owner: { country_code: string; party_id: string }): unknown;
  /** The optional LocationReferences body of POST …/authorize (null when none was given), or why it is malformed. */
  readLocationReferences(raw: unknown): LocationReferencesReading;
  /**
   * What an authorization of a Token we do not know is answered with: HTTP 404 and, from 2.2 on, status 2004 "Unknown
   * Token" (mod_tokens 2.2.1 §POST Method); 2.1.1 has neither rule nor code (status_codes 2.1.1 ends at 2003): 2000.
   */
  readonly unknownTokenStatus: OcpiStatusCode;
  /** Whether AuthorizationInfo has authorization_reference (2.2+). */
  readonly authorizationReference: boolean;
  /**
   * Where one of our Tokens is PUT or PATCHed at a CPO's Tokens Receiver (mod_tokens 2.2.1 §Receiver Interface:
   * {tokens_endpoint_url}/{country_code}/{party_id}/{token_uid}[?type=]; 2.1.1 §2.1 CPO Interface, no type).
   */
  pushUrl(tokensUrl: string, owner: { country_code: string; party_id: string }, token: CanonicalToken): string;
}

/**
 * The Commands module of a version (mod_commands 2.2.1 / 2.3.0 §Receiver Interface, 2.1.1 §2.1 CPO Interface): our
 * requests on the wire, the CPO's CommandResponse and the CommandResult it posts to our response_url.
 */
export interface CommandsWire {
  /** The CommandTypes the version has (2.1.1: no CANCEL_RESERVATION). */
  readonly types: readonly CommandType[];
  /** Why this version cannot carry `request` (e.g. 2.1.1's int reservation_id), or null. */
  refuse(request: CommandRequest): string | null;
  /** The request body, with our `responseUrl` and Tokens owned by `owner` (our party). */
  serialise(request: CommandRequest, responseUrl: string, owner: { country_code: string; party_id: string }): unknown;
  /** The CPO's immediate answer (the `data` of its response). */
  readResponse(raw: unknown): WireReading<CommandResponse>;
  /** The body the CPO posts to our response_url. */
  readResult(raw: unknown): WireReading<CommandResult>;
}
