import { TokenEncoding } from '../wire/authorization-header';

/**
 * What the OCPI server side needs to know about the partner (a CPO platform or a Hub) whose request it serves. The
 * connections domain owns partners; the server reaches them only through {@link OcpiPartners}, so the transport
 * never imports the domain that uses it.
 */
export interface OcpiPartner {
  /** Our id of the connection with this partner. */
  id: string;
  /** INVITED: only token A works, on versions and credentials; REGISTERED: every module; others: nothing works. */
  status: 'INVITED' | 'PENDING' | 'REGISTERED' | 'FAILED' | 'UNREGISTERED';
  /** The agreed OCPI version, e.g. "2.2.1"; null before the credentials handshake agreed one. */
  ocpiVersion: string | null;
  /** When the token the partner presents (a token A) stops working; null for tokens B and C. */
  ourTokenExpiresAt: Date | null;
  /** The partner's parties (credentials 2.2.1 §CredentialsRole): the only owners of objects it may send. */
  parties: Array<{ role: string; countryCode: string; partyId: string }>;
}

/** A partner found by the credentials token of an Authorization header, and how that token was encoded. */
export interface PartnerByToken<P extends OcpiPartner = OcpiPartner> {
  partner: P;
  /** The credentials token as presented (needed to answer GET credentials); never logged. */
  token: string;
  encoding: TokenEncoding;
}

/** The port through which the OCPI server side finds partners; the connections domain implements it. */
export interface OcpiPartners<P extends OcpiPartner = OcpiPartner> {
  /**
   * The partner whose token the Authorization header carries (transport_and_format 2.2.1 §Authorization header),
   * trying `expected` encoding first, then the other; among matches, the first that `accept` allows. Null when none.
   */
  findByAuthorization(header: string | undefined, expected: TokenEncoding, accept?: (partner: P) => boolean): Promise<PartnerByToken<P> | null>;
  /** Counts a partner's token sent in the encoding its version does not prescribe, for operations. */
  noteTheySend(partnerId: string, version: string, encoding: TokenEncoding): Promise<void>;
}

/** Injection token of {@link OcpiPartners}. */
export const OCPI_PARTNERS = Symbol('OCPI_PARTNERS');
