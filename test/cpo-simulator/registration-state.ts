/**
 * The simulator's side of the credentials handshake (credentials 2.2.1 §Registration), in both directions:
 * - the eMSP initiates: it uses our token A, POSTs its token B, gets our token C;
 * - we initiate: we use the eMSP's token A, POST our token B, get its token C.
 * "Issued" is the token we gave the eMSP (C or B), "client" the one it gave us (B or C).
 */
import { randomUUID } from 'node:crypto';
import type { Credentials, OcpiVersionDetails } from './ocpi-types';
import type { SimulatorRegistration, TokenKind } from './simulator-types';

export class RegistrationState {
  private tokenAValid = true;
  private initiatedBy: 'EMSP' | 'CPO' | null = null;
  private issued?: string;
  /** Offered in an open POST/PUT of ours: the eMSP calls our versions with it before the call returns. */
  private pendingIssued?: string;
  /** The token issued before the last PUT, still accepted (quirk putAfterApplying.keepOldToken). */
  private graceIssued?: string;
  private clientCredentials?: Credentials;
  private clientVersionDetails?: OcpiVersionDetails;
  /** True while a POST/PUT is talking to the client, so a concurrent one is refused. */
  busy = false;

  constructor(readonly tokenA: string) {}

  get registered(): boolean {
    return this.issued !== undefined;
  }

  /** The eMSP's credentials (its token, versions URL, roles), when registered. */
  get client(): Credentials | undefined {
    return this.clientCredentials;
  }

  /** The eMSP's version details from the last handshake. */
  get clientDetails(): OcpiVersionDetails | undefined {
    return this.clientVersionDetails;
  }

  /**
   * Takes the token from an Authorization header (or null); returns which of our tokens it is.
   * Token A counts only until the first successful registration ("MAY no longer be used").
   */
  identify(token: string | null): TokenKind {
    if (token === null) return 'none';
    if (token === this.issued || token === this.pendingIssued || token === this.graceIssued) return this.initiatedBy === 'CPO' || (!this.issued && this.pendingIssued) ? 'B' : 'C';
    if (this.tokenAValid && token === this.tokenA) return 'A';
    return 'unknown';
  }

  /**
   * The eMSP POSTed or PUT its credentials (token B) and we fetched its version details: returns
   * a new token for it (string(64) limit: a UUID). Token A stops working.
   */
  register(client: Credentials, details: OcpiVersionDetails, options: { keepPrevious?: boolean } = {}): string {
    this.initiatedBy ??= 'EMSP';
    this.graceIssued = options.keepPrevious ? this.issued : undefined;
    this.clientCredentials = client;
    this.clientVersionDetails = details;
    this.issued = randomUUID();
    this.tokenAValid = false;
    return this.issued;
  }

  /** We are about to POST or PUT our credentials: a new token for the eMSP, accepted from now on. */
  offer(): string {
    this.pendingIssued = randomUUID();
    return this.pendingIssued;
  }

  /** Our POST or PUT succeeded: the offered token replaces the old one; the eMSP's answer is kept. */
  confirm(client: Credentials, details: OcpiVersionDetails): void {
    this.initiatedBy ??= 'CPO';
    this.issued = this.pendingIssued;
    this.pendingIssued = undefined;
    this.clientCredentials = client;
    this.clientVersionDetails = details;
    this.tokenAValid = false;
  }

  /** True when `token` is the one offered in our open POST or PUT. */
  isOffered(token: string | null): boolean {
    return token !== null && token === this.pendingIssued;
  }

  /**
   * Our PUT's answer never arrived, and we switch to the token we offered anyway: the eMSP must use it from now on,
   * while we keep calling the eMSP with its previous token (we never received a new one).
   */
  commitOffered(): void {
    this.issued = this.pendingIssued;
    this.pendingIssued = undefined;
  }

  /** Our POST or PUT failed: the offered token never becomes valid. */
  abandon(): void {
    this.pendingIssued = undefined;
  }

  /** credentials 2.2.1 §DELETE: forget the client; our token for it stops working, token A stays spent. */
  unregister(): void {
    this.issued = undefined;
    this.graceIssued = undefined;
    this.pendingIssued = undefined;
    this.clientCredentials = undefined;
    this.clientVersionDetails = undefined;
    this.initiatedBy = null;
  }

  /** A copy of the current state for the simulator handle. */
  snapshot(): SimulatorRegistration {
    const clientToken = this.clientCredentials?.token;
    const weInitiated = this.initiatedBy === 'CPO';
    return {
      registered: this.registered,
      initiatedBy: this.initiatedBy,
      clientCredentials: this.clientCredentials && structuredClone(this.clientCredentials),
      tokenB: weInitiated ? this.issued : clientToken,
      tokenC: weInitiated ? clientToken : this.issued,
      tokenForUs: this.issued,
      tokenForClient: clientToken,
      clientVersionDetails: this.clientVersionDetails && structuredClone(this.clientVersionDetails),
      tokenAValid: this.tokenAValid,
    };
  }
}
