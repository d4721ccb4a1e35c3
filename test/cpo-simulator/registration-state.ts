/**
 * The simulator's side of the credentials handshake (credentials 2.2.1 §Registration):
 * token A until the first registration, then token C; token B to call the client.
 */
import { randomUUID } from 'node:crypto';
import type { Credentials, OcpiVersionDetails } from './ocpi-types';
import type { SimulatorRegistration, TokenKind } from './simulator-types';

export class RegistrationState {
  private tokenAValid = true;
  private tokenC?: string;
  private clientCredentials?: Credentials;
  private clientVersionDetails?: OcpiVersionDetails;
  /** True while a POST/PUT is talking to the client, so a concurrent one is refused. */
  busy = false;

  constructor(readonly tokenA: string) {}

  get registered(): boolean {
    return this.tokenC !== undefined;
  }

  /**
   * Takes the token from an Authorization header (or null); returns which of our tokens it is.
   * Token A counts only until the first successful registration ("MAY no longer be used").
   */
  identify(token: string | null): TokenKind {
    if (token === null) return 'none';
    if (this.tokenC !== undefined && token === this.tokenC) return 'C';
    if (this.tokenAValid && token === this.tokenA) return 'A';
    return 'unknown';
  }

  /**
   * Records a successful POST or PUT: the client's credentials (token B) and version details.
   * Generates and returns a new token C (string(64) limit: a UUID). Token A stops working.
   */
  register(client: Credentials, details: OcpiVersionDetails): string {
    this.clientCredentials = client;
    this.clientVersionDetails = details;
    this.tokenC = randomUUID();
    this.tokenAValid = false;
    return this.tokenC;
  }

  /** credentials 2.2.1 §DELETE: forget the client; token C stops working, token A stays spent. */
  unregister(): void {
    this.tokenC = undefined;
    this.clientCredentials = undefined;
    this.clientVersionDetails = undefined;
  }

  /** A copy of the current state for the simulator handle. */
  snapshot(): SimulatorRegistration {
    return {
      registered: this.registered,
      clientCredentials: this.clientCredentials && structuredClone(this.clientCredentials),
      tokenB: this.clientCredentials?.token,
      tokenC: this.tokenC,
      clientVersionDetails: this.clientVersionDetails && structuredClone(this.clientVersionDetails),
      tokenAValid: this.tokenAValid,
    };
  }
}
