/**
 * What differs between OCPI versions, as seen by the simulator. One adapter per version
 * (versions/v2_2_1.ts now; 2.1.1 and 2.3.0 slot in later) so that the transport code stays
 * version-neutral.
 */
import type { ParsedAuthorization } from '../auth';
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
export type SimulatorModule = 'credentials' | 'locations' | 'tariffs';

/** The result of validating a client's credentials body. */
export type ParsedClientCredentials =
  | { ok: true; value: Credentials }
  | { ok: false; errors: string[] };

export interface SimulatorVersionAdapter {
  /** The version number as it appears in the versions list and URLs, e.g. '2.2.1'. */
  readonly version: string;

  /** transport_and_format §Authorization header: header value for an outgoing request. */
  encodeAuthorization(token: string): string;

  /** transport_and_format §Authorization header: read the incoming header. */
  parseAuthorization(header: string | undefined): ParsedAuthorization;

  /**
   * version_information_endpoint §Version details: the endpoints list. Takes the absolute URL
   * of each served module; returns the Endpoint objects in this version's shape.
   */
  endpoints(urls: Record<SimulatorModule, string>): OcpiEndpoint[];

  /**
   * credentials §Credentials object: the simulator's own credentials. Takes the token the
   * client must use, our versions URL and our party; returns the object in this version's shape
   * (2.1.1 has a flat party, 2.2+ has roles).
   */
  ownCredentials(token: string, versionsUrl: string, party: SimulatorParty): RawObject;

  /**
   * credentials §Credentials object: validate what a client POSTed/PUT. Returns the credentials
   * normalised to the 2.2+ shape (roles list), or the list of problems.
   */
  parseClientCredentials(body: unknown): ParsedClientCredentials;
}

/** Convenience for adapters: the role list in 2.2+ shape. */
export function cpoRole(party: SimulatorParty): CredentialsRole {
  return {
    role: party.role ?? 'CPO',
    party_id: party.partyId,
    country_code: party.countryCode,
    business_details: { name: party.businessName },
  };
}
