import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { decryptToken, encryptToken, hashToken, newCredentialsToken } from '../common/crypto/token-vault';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { OcpiClient } from '../ocpi/client/ocpi-client';
import { Credentials, OcpiVersionAdapter } from '../ocpi/versions/ocpi-version-adapter';
import { adapterFor, pickVersion, SUPPORTED_VERSIONS } from '../ocpi/versions/version-registry';
import { ConnectionPartyEntity } from './connection-party.entity';
import { CpoConnectionEntity, TheirEndpoint } from './cpo-connection.entity';
import { RegistrationError } from './registration.error';

/** What calling a registered CPO takes: its version adapter, our token for it (clear) and its endpoints. */
export interface CpoSession {
  connection: CpoConnectionEntity;
  adapter: OcpiVersionAdapter;
  token: string;
}

/**
 * CPO connections and the credentials handshake, eMSP-initiated (credentials 2.2.1 §Registration):
 * we receive the CPO's versions URL and token A out of band, fetch its versions and endpoints with token A,
 * POST our credentials (token B, our versions URL, our EMSP role) and keep its token C for every later call.
 * Token B is stored hashed before the POST, because the CPO calls our versions endpoint with it while the
 * POST is open; token A and C are stored encrypted. No token is ever logged.
 */
@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger(ConnectionsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly client: OcpiClient,
    private readonly config: AppConfig,
  ) {}

  /**
   * Registers with a CPO. Returns the REGISTERED connection with its parties.
   * @throws RegistrationError (the connection is kept as FAILED with the reason in `last_error`).
   */
  async register(name: string, theirVersionsUrl: string, tokenA: string): Promise<CpoConnectionEntity> {
    const connection = await this.db.getRepository(CpoConnectionEntity).save({
      name,
      status: 'PENDING',
      theirVersionsUrl,
      theirEndpoints: [],
      theirTokenEncrypted: encryptToken(tokenA, this.config.tokenEncryptionKey),
      ourTokenHash: null,
      ocpiVersion: null,
      lastError: null,
      registeredAt: null,
    });
    try {
      await this.handshake(connection, tokenA);
      this.logger.log({ connectionId: connection.id, version: connection.ocpiVersion }, `Registered with CPO "${name}"`);
      return this.get(connection.id);
    } catch (error) {
      const failure = this.toRegistrationError(error, connection.id);
      await this.db.getRepository(CpoConnectionEntity).update(connection.id, { status: 'FAILED', lastError: failure.message, ourTokenHash: null });
      this.logger.warn({ connectionId: connection.id, failure: failure.failure }, failure.message);
      throw failure;
    }
  }

  /** Every connection with its parties, newest first. */
  list(): Promise<CpoConnectionEntity[]> {
    return this.db.getRepository(CpoConnectionEntity).find({ relations: { parties: true }, order: { createdAt: 'DESC' } });
  }

  /** One connection with its parties. @throws NotFoundException */
  async get(id: string): Promise<CpoConnectionEntity> {
    const found = await this.db.getRepository(CpoConnectionEntity).findOne({ where: { id }, relations: { parties: true } });
    if (!found) throw new NotFoundException(`No CPO connection ${id}`);
    return found;
  }

  /** The connection a CPO identifies with `token` (our token B or A), or null. */
  findByOurToken(token: string): Promise<CpoConnectionEntity | null> {
    return this.db.getRepository(CpoConnectionEntity).findOne({ where: { ourTokenHash: hashToken(token) }, relations: { parties: true } });
  }

  /** What it takes to call a REGISTERED connection. @throws Error when it is not registered. */
  async session(connectionId: string): Promise<CpoSession> {
    const connection = await this.get(connectionId);
    const adapter = adapterFor(connection.ocpiVersion);
    if (connection.status !== 'REGISTERED' || !adapter || !connection.theirTokenEncrypted) {
      throw new Error(`CPO connection "${connection.name}" is ${connection.status}, not registered`);
    }
    return { connection, adapter, token: decryptToken(connection.theirTokenEncrypted, this.config.tokenEncryptionKey) };
  }

  /** Records a failure in plain words on the connection, for operations. */
  async recordError(connectionId: string, message: string | null): Promise<void> {
    await this.db.getRepository(CpoConnectionEntity).update(connectionId, { lastError: message });
  }

  private async handshake(connection: CpoConnectionEntity, tokenA: string): Promise<void> {
    const encoding = SUPPORTED_VERSIONS[0].tokenEncoding;
    const context = (module: string) => ({ connectionId: connection.id, module });
    const versions = await this.fetch('VERSIONS_UNREACHABLE', { method: 'GET', url: connection.theirVersionsUrl, token: tokenA, encoding, context: context('versions') });
    const chosen = pickVersion(readVersionList(versions));
    if (!chosen) {
      const theirs = readVersionList(versions).map((v) => v.version).join(', ') || 'none';
      throw new RegistrationError('NO_MUTUAL_VERSION', `No OCPI version in common: the CPO offers ${theirs}; we speak ${SUPPORTED_VERSIONS.map((a) => a.version).join(', ')}.`);
    }
    const { adapter } = chosen;
    const details = await this.fetch('VERSION_DETAILS_UNREACHABLE', {
      method: 'GET', url: chosen.url, token: tokenA, encoding: adapter.tokenEncoding, transport: adapter.transport, context: context('versions'),
    });
    const endpoints = adapter.parseEndpoints(details);
    const credentialsUrl = endpoints.find((e) => e.identifier === 'credentials')?.url;
    if (!credentialsUrl) throw new RegistrationError('NO_CREDENTIALS_ENDPOINT', `The CPO's ${adapter.version} version details list no credentials endpoint.`);

    const tokenB = newCredentialsToken();
    await this.db.getRepository(CpoConnectionEntity).update(connection.id, { ourTokenHash: hashToken(tokenB), ocpiVersion: adapter.version, theirEndpoints: endpoints });
    const reply = await this.fetch('CREDENTIALS_REJECTED', {
      method: 'POST',
      url: credentialsUrl,
      token: tokenA,
      encoding: adapter.tokenEncoding,
      transport: adapter.transport,
      context: context('credentials'),
      body: adapter.serialiseCredentials(this.ourCredentials(tokenB)),
    });
    let theirs: Credentials;
    try {
      theirs = adapter.parseCredentials(reply);
    } catch (error) {
      throw new RegistrationError('CREDENTIALS_MALFORMED', `The CPO answered our credentials POST with an invalid credentials object: ${(error as Error).message}.`);
    }
    await this.db.transaction((m) => this.storeRegistration(m, connection, adapter, endpoints, theirs));
    connection.ocpiVersion = adapter.version;
  }

  private async storeRegistration(m: EntityManager, connection: CpoConnectionEntity, adapter: OcpiVersionAdapter, endpoints: TheirEndpoint[], theirs: Credentials) {
    const parties = m.getRepository(ConnectionPartyEntity);
    for (const role of theirs.roles) {
      const taken = await parties.findOne({ where: { countryCode: role.country_code, partyId: role.party_id, role: role.role } });
      if (taken && taken.connectionId !== connection.id) {
        throw new RegistrationError('PARTY_ALREADY_CONNECTED', `Party ${role.country_code}*${role.party_id} (${role.role}) already belongs to another connection (${taken.connectionId}); unregister that one first.`);
      }
    }
    await parties.delete({ connectionId: connection.id });
    await parties.save(theirs.roles.map((r) => parties.create({ connectionId: connection.id, role: r.role, countryCode: r.country_code, partyId: r.party_id, businessDetails: r.business_details })));
    await m.getRepository(CpoConnectionEntity).update(connection.id, {
      status: 'REGISTERED',
      ocpiVersion: adapter.version,
      theirVersionsUrl: theirs.url,
      theirEndpoints: endpoints,
      theirTokenEncrypted: encryptToken(theirs.token, this.config.tokenEncryptionKey),
      registeredAt: new Date(),
      lastError: null,
    });
  }

  private ourCredentials(token: string): Credentials {
    const us = this.config.ourParty;
    return {
      token,
      url: this.config.ourVersionsUrl,
      roles: [{ role: 'EMSP', country_code: us.countryCode, party_id: us.partyId, business_details: { name: us.businessName } }],
    };
  }

  private async fetch(failure: RegistrationError['failure'], req: Parameters<OcpiClient['request']>[0]): Promise<unknown> {
    try {
      return (await this.client.request(req)).data;
    } catch (error) {
      if (error instanceof OcpiCallError) throw new RegistrationError(failure, `${req.method} ${req.url} failed: ${error.explanation}`);
      throw error;
    }
  }

  private toRegistrationError(error: unknown, connectionId: string): RegistrationError {
    if (error instanceof RegistrationError) return new RegistrationError(error.failure, error.message, connectionId);
    return new RegistrationError('CREDENTIALS_MALFORMED', `Registration failed: ${(error as Error).message}`, connectionId);
  }
}

function readVersionList(data: unknown): Array<{ version: string; url: string }> {
  if (!Array.isArray(data)) return [];
  return data.filter((v): v is { version: string; url: string } => typeof v?.version === 'string' && typeof v?.url === 'string');
}
