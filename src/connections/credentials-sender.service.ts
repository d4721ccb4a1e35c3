import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { encryptToken, hashToken, newCredentialsToken } from '../common/crypto/token-vault';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { Credentials } from '../ocpi/adapter/ocpi-version-adapter';
import { pickVersion, SUPPORTED_VERSIONS } from '../ocpi/versions/version-registry';
import { ConnectionsService } from './connections.service';
import { CpoCaller, CpoTarget, targetOf } from './cpo-caller';
import { ConnectionColumns, CpoConnectionEntity, TheirEndpoint } from './cpo-connection.entity';
import { DiscoveredPlatform, DiscoveryError, EndpointDiscovery } from './endpoint-discovery';
import { claimParties, PartyConflictError } from './party-claims';
import { ourCredentials } from './our-credentials';
import { RegistrationError, RegistrationFailure } from './registration.error';

/** What a re-discovery found. */
export interface Rediscovery {
  connection: CpoConnectionEntity;
  endpointsChanged: boolean;
  /** A higher version both sides speak than the one in use: a rotation (PUT on that version) switches to it. */
  newerMutualVersion: string | null;
}

/** What unregistering did: the connection, and whether the CPO took our DELETE. */
export interface Unregistration {
  connection: CpoConnectionEntity;
  cpoNotified: boolean;
  cpoError: string | null;
}

/**
 * Our side as the client of a CPO's credentials module (credentials §Interfaces and endpoints):
 * - register: eMSP-initiated registration (credentials 2.2.1 §Registration with us as Sender): with the CPO's
 *   token A we read its versions and endpoints, POST our credentials with a new token B (stored hashed before
 *   the POST, since the CPO calls our versions with it while the POST is open), and keep its token C;
 * - rotate: PUT new credentials on the highest mutual version (§Updating the credentials and resetting the
 *   token, §Updating to a newer version): our new token is accepted while the PUT is open, the old one stops
 *   when it succeeds, and we keep the CPO's new token;
 * - unregister: DELETE (§DELETE), then no token of the connection works any more;
 * - rediscover: read the CPO's endpoints of the current version again (§Changing endpoints).
 * Tokens are never logged; tokens we send are stored encrypted.
 */
@Injectable()
export class CredentialsSenderService {
  private readonly logger = new Logger(CredentialsSenderService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connections: ConnectionsService,
    private readonly discovery: EndpointDiscovery,
    private readonly caller: CpoCaller,
    private readonly config: AppConfig,
  ) {}

  /**
   * Registers with a CPO from its versions URL and token A. Returns the REGISTERED connection.
   * @throws RegistrationError (the connection is kept as FAILED with the reason in `last_error`).
   */
  async register(name: string, theirVersionsUrl: string, tokenA: string): Promise<CpoConnectionEntity> {
    const repo = this.db.getRepository(CpoConnectionEntity);
    const connection = await repo.save({
      name,
      status: 'PENDING',
      initiatedBy: 'EMSP',
      theirVersionsUrl,
      theirEndpoints: [],
      theirTokenEncrypted: encryptToken(tokenA, this.config.tokenEncryptionKey),
      theirTokenEncoding: null,
      ourTokenHash: null,
      ourPendingTokenHash: null,
      ourTokenExpiresAt: null,
      ocpiVersion: null,
      lastError: null,
      registeredAt: null,
      unregisteredAt: null,
    });
    try {
      const target: CpoTarget = { connectionId: connection.id, version: null, prescribed: SUPPORTED_VERSIONS[0].tokenEncoding, preferred: null, token: tokenA };
      const platform = await this.discover(target, theirVersionsUrl);
      const tokenB = newCredentialsToken();
      await repo.update(connection.id, { ourTokenHash: hashToken(tokenB), ocpiVersion: platform.adapter.version, theirEndpoints: platform.endpoints });
      const theirs = await this.exchange('POST', target, platform, tokenB);
      await this.store(connection.id, platform, theirs, target, { ourTokenHash: hashToken(tokenB), registeredAt: new Date() });
      this.logger.log({ connectionId: connection.id, version: platform.adapter.version }, `Registered with CPO "${name}"`);
      return this.connections.get(connection.id);
    } catch (error) {
      const failure = asRegistrationError(error, connection.id);
      await repo.update(connection.id, { status: 'FAILED', lastError: failure.message, ourTokenHash: null });
      this.logger.warn({ connectionId: connection.id, failure: failure.failure }, failure.message);
      throw failure;
    }
  }

  /**
   * Rotates the tokens of a REGISTERED connection, switching to the highest mutual version if the CPO now
   * offers a higher one. @throws RegistrationError; on failure the old tokens stay in force.
   */
  async rotate(connectionId: string): Promise<{ connection: CpoConnectionEntity; previousVersion: string }> {
    const session = await this.registered(connectionId);
    const { connection } = session;
    const repo = this.db.getRepository(CpoConnectionEntity);
    const newToken = newCredentialsToken();
    try {
      const target = targetOf(connection, session.adapter.version, session.adapter.tokenEncoding, session.token);
      const platform = await this.discover(target, connection.theirVersionsUrl!);
      await repo.update(connectionId, { ourPendingTokenHash: hashToken(newToken) });
      const theirs = await this.exchange('PUT', target, platform, newToken);
      await this.store(connectionId, platform, theirs, target, { ourTokenHash: hashToken(newToken) });
      this.logger.log({ connectionId, version: platform.adapter.version }, `Rotated credentials tokens with CPO "${connection.name}"`);
      return { connection: await this.connections.get(connectionId), previousVersion: session.adapter.version };
    } catch (error) {
      const failure = asRegistrationError(error, connectionId);
      await repo.update(connectionId, { ourPendingTokenHash: null, lastError: `Rotating credentials failed: ${failure.message}` });
      throw failure;
    }
  }

  /**
   * Unregisters: DELETE on the CPO's credentials endpoint when registered, then UNREGISTERED here whatever the
   * CPO answered (operations asked to cut it off; the answer is reported). An invitation not yet used is
   * simply revoked. @throws RegistrationError NOT_REGISTERED when already unregistered.
   */
  async unregister(connectionId: string): Promise<Unregistration> {
    const connection = await this.connections.get(connectionId);
    if (connection.status === 'UNREGISTERED') throw new RegistrationError('NOT_REGISTERED', `Connection "${connection.name}" is already unregistered.`, connectionId);
    let cpoNotified = false;
    let cpoError: string | null = null;
    if (connection.status === 'REGISTERED') {
      const session = await this.connections.session(connectionId);
      const url = connection.theirEndpoints.find((e) => e.identifier === 'credentials')?.url;
      try {
        if (!url) throw new Error('its endpoints list no credentials endpoint');
        await this.caller.request(targetOf(connection, session.adapter.version, session.adapter.tokenEncoding, session.token), { method: 'DELETE', url });
        cpoNotified = true;
      } catch (error) {
        cpoError = `The CPO was not told: DELETE credentials failed: ${error instanceof OcpiCallError ? error.explanation : (error as Error).message}`;
      }
    }
    await markUnregistered(this.db, connectionId, cpoError);
    this.logger.log({ connectionId, cpoNotified }, `Unregistered CPO "${connection.name}"`);
    return { connection: await this.connections.get(connectionId), cpoNotified, cpoError };
  }

  /**
   * Reads the CPO's versions and the endpoints of the version in use again and stores them.
   * @throws RegistrationError (VERSION_NOT_OFFERED when the CPO dropped the version: rotate to switch).
   */
  async rediscover(connectionId: string): Promise<Rediscovery> {
    const session = await this.registered(connectionId);
    const { connection, adapter } = session;
    try {
      const target = targetOf(connection, adapter.version, adapter.tokenEncoding, session.token);
      const platform = await this.discover(target, connection.theirVersionsUrl!, adapter.version);
      const endpointsChanged = endpointKeys(platform.endpoints) !== endpointKeys(connection.theirEndpoints);
      await this.db.getRepository(CpoConnectionEntity).update(connectionId, { theirEndpoints: platform.endpoints, lastError: null });
      const best = pickVersion(platform.offered.map((version) => ({ version, url: '' })))?.adapter.version ?? adapter.version;
      return { connection: await this.connections.get(connectionId), endpointsChanged, newerMutualVersion: best !== adapter.version ? best : null };
    } catch (error) {
      const failure = asRegistrationError(error, connectionId);
      await this.connections.recordError(connectionId, `Re-discovering endpoints failed: ${failure.message}`);
      throw failure;
    }
  }

  private async registered(connectionId: string) {
    const connection = await this.connections.get(connectionId);
    if (connection.status !== 'REGISTERED') {
      throw new RegistrationError('NOT_REGISTERED', `Connection "${connection.name}" is ${connection.status}, not registered.`, connectionId);
    }
    return this.connections.session(connectionId);
  }

  private async discover(target: CpoTarget, versionsUrl: string, wanted?: string): Promise<DiscoveredPlatform> {
    try {
      return await this.discovery.discover(target, versionsUrl, wanted);
    } catch (error) {
      if (error instanceof DiscoveryError) throw new RegistrationError(error.failure, error.message);
      throw error;
    }
  }

  /** POSTs or PUTs our credentials with `ourToken` and reads the CPO's answer. */
  private async exchange(method: 'POST' | 'PUT', target: CpoTarget, platform: DiscoveredPlatform, ourToken: string): Promise<Credentials> {
    const url = platform.endpoints.find((e) => e.identifier === 'credentials')!.url;
    let reply: unknown;
    try {
      reply = (await this.caller.request(target, { method, url, body: platform.adapter.serialiseCredentials(ourCredentials(this.config, ourToken)) })).data;
    } catch (error) {
      if (error instanceof OcpiCallError) throw new RegistrationError('CREDENTIALS_REJECTED', `${method} ${url} failed: ${error.explanation}`);
      throw error;
    }
    try {
      return platform.adapter.parseCredentials(reply);
    } catch (error) {
      throw new RegistrationError('CREDENTIALS_MALFORMED', `The CPO answered our credentials ${method} with an invalid credentials object: ${(error as Error).message}.`);
    }
  }

  /** Stores a successful exchange in one transaction: parties, version, endpoints, the CPO's token, our token. */
  private async store(connectionId: string, platform: DiscoveredPlatform, theirs: Credentials, target: CpoTarget, ours: ConnectionColumns): Promise<void> {
    await this.db.transaction(async (m) => {
      await claimParties(m, connectionId, theirs.roles);
      await m.getRepository(CpoConnectionEntity).update(connectionId, {
        ...ours,
        status: 'REGISTERED',
        ocpiVersion: platform.adapter.version,
        theirVersionsUrl: theirs.url,
        theirEndpoints: platform.endpoints,
        theirTokenEncrypted: encryptToken(theirs.token, this.config.tokenEncryptionKey),
        // What the CPO accepted from us on this version (the new token comes from the same platform).
        theirTokenEncoding: target.preferred,
        ourPendingTokenHash: null,
        lastError: null,
      });
    });
  }
}

/** UNREGISTERED: no token of ours works any more and we keep no token of theirs (credentials §DELETE). */
export async function markUnregistered(db: DataSource, connectionId: string, lastError: string | null): Promise<void> {
  await db.getRepository(CpoConnectionEntity).update(connectionId, {
    status: 'UNREGISTERED',
    ourTokenHash: null,
    ourPendingTokenHash: null,
    ourTokenExpiresAt: null,
    theirTokenEncrypted: null,
    unregisteredAt: new Date(),
    lastError,
  });
}

/** The endpoints as one comparable string (jsonb does not keep key order, so objects are not compared as JSON). */
function endpointKeys(endpoints: TheirEndpoint[]): string {
  return endpoints
    .map((e) => `${e.identifier}|${e.role}|${e.url}`)
    .sort()
    .join('\n');
}

function asRegistrationError(error: unknown, connectionId: string): RegistrationError {
  if (error instanceof RegistrationError) return new RegistrationError(error.failure, error.message, connectionId);
  if (error instanceof PartyConflictError) return new RegistrationError('PARTY_ALREADY_CONNECTED', error.message, connectionId);
  const failure: RegistrationFailure = 'CREDENTIALS_MALFORMED';
  return new RegistrationError(failure, `Registration failed: ${(error as Error).message}`, connectionId);
}
