/**
 * What differs between OCPI versions, as seen by the simulator. One adapter per version
 * (versions/v2_1_1.ts, v2_2_1.ts, v2_3_0.ts) so that the transport code stays version-neutral.
 */
import type { TokenEncoding } from '../auth';
import type { Credentials, CredentialsRole, OcpiEndpoint, RawObject } from '../ocpi-types';

/** The simulator's own identity, as given in its options. */
export interface SimulatorParty {
  countryCode: string;
  partyId: string;
  businessName: string;
  /** Role in our credentials; default 'CPO'. */
  role?: 'CPO' | 'HUB';
}

/** The modules the simulator serves (version_information_endpoint §ModuleID enum). */
export type SimulatorModule = 'credentials' | 'locations' | 'tariffs' | 'sessions' | 'cdrs' | 'hubclientinfo' | 'invoicereconciliation' | 'commands' | 'tokens';

/** The result of validating a client's credentials body. */
export type ParsedClientCredentials = { ok: true; value: Credentials } | { ok: false; errors: string[] };

export interface SimulatorVersionAdapter {
  /** The version number as it appears in the versions list and URLs, e.g. '2.2.1'. */
  readonly version: string;

  /** transport_and_format §Authorization header: how this version carries the token. */
  readonly tokenEncoding: TokenEncoding;

  /** transport_and_format 2.2.1 §Message Routing Headers exist (2.2 and later). */
  readonly routingHeaders: boolean;

  /**
   * version_information_endpoint §Version details: the endpoints list. Takes the absolute URL
   * of each served module; returns the Endpoint objects in this version's shape.
   */
  endpoints(urls: Partial<Record<SimulatorModule, string>>): OcpiEndpoint[];

  /**
   * credentials §Credentials object: the simulator's own credentials. Takes the token the
   * client must use, our versions URL, our roles and (2.3.0) hub party id; returns the object in
   * this version's shape (2.1.1 has one flat party: the first role).
   */
  ownCredentials(token: string, versionsUrl: string, roles: CredentialsRole[], hubPartyId?: string): RawObject;

  /**
   * credentials §Credentials object: validate what a client POSTed/PUT (or answered). Returns
   * the credentials normalised to the 2.2+ shape (roles list), or the list of problems.
   */
  parseClientCredentials(body: unknown): ParsedClientCredentials;
}

/** The simulator's party as one CPO role in 2.2+ shape. */
export function cpoRole(party: SimulatorParty): CredentialsRole {
  return {
    role: party.role ?? 'CPO',
    party_id: party.partyId,
    country_code: party.countryCode,
    business_details: { name: party.businessName },
  };
}

/** The endpoints present in `urls`, in module order, built by `make`. */
export function presentEndpoints(urls: Partial<Record<SimulatorModule, string>>, make: (identifier: SimulatorModule, url: string) => OcpiEndpoint): OcpiEndpoint[] {
  return (['credentials', 'locations', 'tariffs', 'sessions', 'cdrs', 'hubclientinfo', 'invoicereconciliation', 'commands', 'tokens'] as const).flatMap((m) =>
    urls[m] ? [make(m, urls[m])] : [],
  );
}
