import { Environment } from './env.validation';

/**
 * The validated configuration as the service uses it, with derived values computed once.
 * Provided to every module by ConfigurationModule; secrets are held here and nowhere else.
 */
export class AppConfig {
  constructor(readonly env: Environment) {}

  /** Base URL CPOs use to reach us, without trailing slash. */
  get publicUrl(): string {
    const configured = this.env.PUBLIC_URL ?? `http://${this.env.HOST}:${this.env.PORT}`;
    return configured.replace(/\/+$/, '');
  }

  /** Our OCPI versions endpoint (version_information_endpoint), the `url` we send in our credentials. */
  get ourVersionsUrl(): string {
    return `${this.publicUrl}/ocpi/emsp/versions`;
  }

  /** The 32-byte key encrypting tokens we send (token C). */
  get tokenEncryptionKey(): Buffer {
    return Buffer.from(this.env.TOKEN_ENCRYPTION_KEY, 'hex');
  }

  /** The keys a stored token may be encrypted under: the current one first, then the one it replaces (rotation). */
  get tokenDecryptionKeys(): Buffer[] {
    const previous = this.env.TOKEN_ENCRYPTION_KEY_PREVIOUS;
    return previous ? [this.tokenEncryptionKey, Buffer.from(previous, 'hex')] : [this.tokenEncryptionKey];
  }

  /** Our own identity as an eMSP party. */
  get ourParty(): { countryCode: string; partyId: string; businessName: string } {
    return {
      countryCode: this.env.OCPI_COUNTRY_CODE,
      partyId: this.env.OCPI_PARTY_ID,
      businessName: this.env.OCPI_BUSINESS_NAME,
    };
  }
}
