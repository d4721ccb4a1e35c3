import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertNever } from '../common/assert-never';
import { AppConfig } from '../config/app-config';
import { encryptToken, hashToken, newCredentialsToken } from '../common/crypto/token-vault';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { Credentials } from '../ocpi/adapter/ocpi-version-adapter';
import { pickVersion, SUPPORTED_VERSIONS } from '../ocpi/versions/version-registry';
import { ConnectionsService } from './connections.service';
import { CpoCaller, CpoTarget, isUnauthorized, targetOf } from './cpo-caller';
import { ConnectionColumns, CpoConnectionEntity, TheirEndpoint } from './cpo-connection.entity';
import { DiscoveredPlatform, DiscoveryError, EndpointDiscovery } from './endpoint-discovery';
import { writeDefaultModes } from './module-modes';
import { ConnectionCache } from './connection-cache';
import { claimParties } from './party-claims';
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
    private readonly cache: ConnectionCache,
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
      // Token B works from here, on this instance at once: the CPO calls our versions with it while the POST is open.
      await this.cache.changed();
      const theirs = await this.exchange('POST', target, platform, tokenB);
      await this.store(connection.id, platform, theirs, target, { ourTokenHash: hashToken(tokenB), registeredAt: new Date() });
      await this.cache.changed();
      this.logger.log({ connectionId: connection.id, version: platform.adapter.version }, `Registered with CPO "${name}"`);
      return this.connections.get(connection.id);
    } catch (error) {
      const failure = asRegistrationError(error, connection.id);
      await repo.update(connection.id, { status: 'FAILED', lastError: failure.message, ourTokenHash: null });
      await this.cache.changed();
      this.logger.warn({ connectionId: connection.id, failure: failure.failure }, failure.message);
      throw failure;
    }
  }

  /**
   * Rotates the tokens of a REGISTERED connection, switching to the highest mutual version if the CPO now
   * offers a higher one. @throws RegistrationError. When the PUT fails after it was sent (an error answer, even in
   * HTTP 200, or no answer), the CPO may have applied it anyway: see {@link settleFailedPut}.
   */
  async rotate(connectionId: string): Promise<{ connection: CpoConnectionEntity; previousVersion: string }> {
    try {
      return await this.rotateTokens(connectionId);
    } finally {
      // Whatever happened, this instance authenticates with the tokens as stored from now on.
      await this.cache.changed();
    }
  }

  private async rotateTokens(connectionId: string): Promise<{ connection: CpoConnectionEntity; previousVersion: string }> {
    const session = await this.registered(connectionId);
    const { connection } = session;
    const repo = this.db.getRepository(CpoConnectionEntity);
    const newToken = newCredentialsToken();
    const target = targetOf(connection, session.adapter.version, session.adapter.tokenEncoding, session.token, session.fallbackToken);
    let platform: DiscoveredPlatform;
    try {
      platform = await this.discover(target, connection.theirVersionsUrl!);
    } catch (error) {
      // Nothing was sent: the tokens stay as they were.
      const failure = asRegistrationError(error, connectionId);
      await this.connections.recordError(connectionId, `Rotating credentials failed: ${failure.message}`);
      throw failure;
    }
    // From here the CPO may take our new token (it calls our versions with it while the PUT is open).
    const putAt = new Date();
    await repo.update(connectionId, { ourPendingTokenHash: hashToken(newToken), tokenRotation: 'OURS_OPEN', tokenRotationAt: putAt });
    await this.cache.changed();
    let answered: unknown;
    try {
      answered = await this.put(target, platform, newToken);
    } catch (error) {
      throw await this.settleFailedPut(connection, target, platform, putAt, error, carriedToken(error));
    }
    let theirs: Credentials;
    try {
      theirs = platform.adapter.parseCredentials(answered);
    } catch (error) {
      const malformed = new RegistrationError('CREDENTIALS_MALFORMED', `was answered with an invalid credentials object: ${(error as Error).message}`);
      throw await this.settleFailedPut(connection, target, platform, putAt, malformed, carriedTokenOf(answered));
    }
    try {
      await this.store(connectionId, platform, theirs, target, { ourTokenHash: hashToken(newToken) });
    } catch (error) {
      // The CPO applied it (it answered its new credentials) but we could not store them (e.g. the database went away):
      // our new token must keep working, so the update stays unsettled.
      const failure = asRegistrationError(error, connectionId);
      await repo.update(connectionId, { tokenRotation: 'OURS_UNSETTLED', lastError: `Rotating credentials failed: ${failure.message}` });
      throw failure;
    }
    this.logger.log({ connectionId, version: platform.adapter.version }, `Rotated credentials tokens with CPO "${connection.name}"`);
    return { connection: await this.connections.get(connectionId), previousVersion: session.adapter.version };
  }

  /**
   * Our credentials PUT failed after it was sent: an error answer (even in HTTP 200), an answer we cannot read, or
   * none at all. The CPO may have applied it (taken our new token, issued a new one for us) or not, so:
   * - both our previous and our new token keep working until the CPO uses one of them (ConnectionsService.noteOurTokenUsed);
   * - a token the answer carried anyway (in an error envelope, or in credentials we could not read) is taken as the
   *   CPO's new token, with the one we held as fallback;
   * - we ask with a credentials GET (credentials §GET Method: the answer holds the token to use) with each token we
   *   may use: one that works settles which token is the CPO's, and one the CPO answers in it is used from then on;
   * - when the CPO refuses every token we hold (HTTP 401), the connection needs attention: nothing we can send works.
   * @returns the RegistrationError for operations, with what was found.
   */
  private async settleFailedPut(
    connection: CpoConnectionEntity,
    target: CpoTarget,
    platform: DiscoveredPlatform,
    putAt: Date,
    error: unknown,
    carried: string | null,
  ): Promise<RegistrationError> {
    const url = credentialsUrlOf(platform);
    const answer = describePutFailure(error);
    const held = target.token;
    const candidates = [...new Set([carried, held, target.fallback].filter((t): t is string => !!t))];
    const check = await this.askCredentials(target, platform, candidates);
    const key = this.config.tokenEncryptionKey;
    const base = { tokenRotation: 'OURS_UNSETTLED' as const, tokenRotationAt: putAt };
    let finding: string;
    switch (check.outcome) {
      case 'ANSWERED': {
        // The token the CPO says we must use now; the one it accepted stays as fallback until one works for a pull.
        const current = check.theirToken ?? check.accepted;
        const applied = current !== held;
        await this.db.transaction(async (m) => {
          await m.getRepository(CpoConnectionEntity).update(connection.id, {
            ...base,
            theirTokenEncrypted: encryptToken(current, key),
            theirFallbackTokenEncrypted: current === check.accepted ? null : encryptToken(check.accepted, key),
            theirTokenEncoding: target.preferred,
            needsAttention: null,
            ...(applied ? { ocpiVersion: platform.adapter.version, theirEndpoints: platform.endpoints } : {}),
          });
          if (applied) await writeDefaultModes(m, connection.id, platform.adapter, platform.endpoints);
        });
        finding = !applied
          ? `We asked (GET ${url}): the CPO still accepts the token we hold, so it most likely did not apply the PUT; we keep using it.`
          : check.accepted === carried
            ? `But its answer carried a new token, which works (GET ${url}): the CPO applied the PUT, and we use its new token now.`
            : `We asked (GET ${url}) with the token we held: the CPO answered a new token, so it applied the PUT; we use the new one now.`;
        break;
      }
      case 'REFUSED': {
        // The CPO knows none of our tokens: it most likely applied the PUT and issued a token we never received.
        const attention = await this.connections.needsAttention(
          connection,
          `Our credentials PUT to ${url} at ${putAt.toISOString()} ${answer}; ` +
            `since then the CPO answers HTTP 401 to every token we hold for it (GET ${url}), so it most likely applied the PUT and issued a new token for us that never reached us.`,
        );
        await this.db.getRepository(CpoConnectionEntity).update(connection.id, { ...base, needsAttention: attention });
        finding = `The CPO now refuses every token we hold: the connection needs attention (see the connection's needs_attention).`;
        break;
      }
      case 'UNKNOWN': {
        await this.db.getRepository(CpoConnectionEntity).update(connection.id, {
          ...base,
          ...(carried ? { theirTokenEncrypted: encryptToken(carried, key), theirFallbackTokenEncrypted: encryptToken(held, key) } : {}),
        });
        finding = `We could not ask the CPO which token is current (GET ${url}: ${check.reason}); ${carried ? 'the next calls try the token its answer carried, then the one we held' : 'the next calls try the token we hold'}.`;
        break;
      }
      default:
        return assertNever(check, 'credentials check');
    }
    const message = `PUT ${url} ${answer}. ${finding} Both our previous and our new token keep working until the CPO uses one of them.`;
    await this.db.getRepository(CpoConnectionEntity).update(connection.id, { lastError: `Rotating credentials failed: ${message}` });
    this.logger.warn({ connectionId: connection.id, outcome: check.outcome }, `Rotating credentials with CPO "${connection.name}" failed: ${message}`);
    return new RegistrationError(error instanceof RegistrationError ? error.failure : 'CREDENTIALS_REJECTED', message, connection.id);
  }

  /**
   * GET on the CPO's credentials endpoint with each candidate token in turn (each in both encodings, see CpoCaller):
   * ANSWERED with the first that works and the token the CPO's answer holds for us (null when unreadable); REFUSED
   * when every one got HTTP 401; UNKNOWN when a call failed otherwise.
   */
  private async askCredentials(target: CpoTarget, platform: DiscoveredPlatform, candidates: string[]): Promise<CredentialsCheck> {
    const url = credentialsUrlOf(platform);
    for (const token of candidates) {
      const attempt: CpoTarget = { ...target, token, fallback: null, unsettled: false };
      try {
        const reply = await this.caller.request(attempt, { method: 'GET', url });
        target.preferred = attempt.preferred;
        return { outcome: 'ANSWERED', accepted: token, theirToken: carriedTokenOf(reply.data) };
      } catch (error) {
        if (isUnauthorized(error)) continue;
        return { outcome: 'UNKNOWN', reason: error instanceof OcpiCallError ? error.explanation : (error as Error).message };
      }
    }
    return { outcome: 'REFUSED' };
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
        await this.caller.request(targetOf(connection, session.adapter.version, session.adapter.tokenEncoding, session.token, session.fallbackToken), { method: 'DELETE', url });
        cpoNotified = true;
      } catch (error) {
        cpoError = `The CPO was not told: DELETE credentials failed: ${error instanceof OcpiCallError ? error.explanation : (error as Error).message}`;
      }
    }
    await markUnregistered(this.db, connectionId, cpoError);
    await this.cache.changed();
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
      const target = targetOf(connection, adapter.version, adapter.tokenEncoding, session.token, session.fallbackToken);
      const platform = await this.discover(target, connection.theirVersionsUrl!, adapter.version);
      const endpointsChanged = endpointKeys(platform.endpoints) !== endpointKeys(connection.theirEndpoints);
      await this.db.transaction(async (m) => {
        await m.getRepository(CpoConnectionEntity).update(connectionId, { theirEndpoints: platform.endpoints, lastError: null });
        // Modes operations chose stay; the defaults follow the endpoints the CPO lists now.
        await writeDefaultModes(m, connectionId, platform.adapter, platform.endpoints);
      });
      await this.cache.changed();
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
    const url = credentialsUrlOf(platform);
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

  /**
   * PUTs our credentials with `ourToken`; returns the `data` of the CPO's answer.
   * @throws OcpiCallError as the call failed (settleFailedPut reads it).
   */
  private async put(target: CpoTarget, platform: DiscoveredPlatform, ourToken: string): Promise<unknown> {
    const body = platform.adapter.serialiseCredentials(ourCredentials(this.config, ourToken));
    return (await this.caller.request(target, { method: 'PUT', url: credentialsUrlOf(platform), body })).data;
  }

  /**
   * Stores a successful exchange in one transaction: parties (those we refuse are kept apart, and the connection needs
   * attention for them: see claimParties), version, endpoints and the modes they default to, the CPO's token, our token.
   */
  private async store(connectionId: string, platform: DiscoveredPlatform, theirs: Credentials, target: CpoTarget, ours: ConnectionColumns): Promise<void> {
    await this.db.transaction(async (m) => {
      const refusedParties = await claimParties(m, connectionId, theirs.roles, this.config.ourParty);
      if (refusedParties.length > 0) this.logger.warn({ connectionId }, `Refused parties the CPO claimed: ${refusedParties.map((r) => r.message).join(' ')}`);
      await writeDefaultModes(m, connectionId, platform.adapter, platform.endpoints);
      await m.getRepository(CpoConnectionEntity).update(connectionId, {
        ...ours,
        refusedParties,
        status: 'REGISTERED',
        ocpiVersion: platform.adapter.version,
        theirVersionsUrl: theirs.url,
        theirEndpoints: platform.endpoints,
        theirTokenEncrypted: encryptToken(theirs.token, this.config.tokenEncryptionKey),
        // What the CPO accepted from us on this version (the new token comes from the same platform).
        theirTokenEncoding: target.preferred,
        theirFallbackTokenEncrypted: null,
        ourPendingTokenHash: null,
        tokenRotation: null,
        tokenRotationAt: null,
        needsAttention: null,
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
    theirFallbackTokenEncrypted: null,
    tokenRotation: null,
    tokenRotationAt: null,
    needsAttention: null,
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
  const failure: RegistrationFailure = 'CREDENTIALS_MALFORMED';
  return new RegistrationError(failure, `Registration failed: ${(error as Error).message}`, connectionId);
}

/** What a credentials GET after a failed PUT found (see settleFailedPut). */
type CredentialsCheck = { outcome: 'ANSWERED'; accepted: string; theirToken: string | null } | { outcome: 'REFUSED' } | { outcome: 'UNKNOWN'; reason: string };

function credentialsUrlOf(platform: DiscoveredPlatform): string {
  return platform.endpoints.find((e) => e.identifier === 'credentials')!.url;
}

/** How a PUT failed, in words that complete "Our credentials PUT … at <time> …". */
function describePutFailure(error: unknown): string {
  if (error instanceof OcpiCallError) {
    const { httpStatus, ocpiStatus, transportCause } = error.details;
    switch (error.kind) {
      case 'TRANSPORT':
        return `got no answer (${transportCause ?? 'network failure'}: ${error.explanation})`;
      case 'OCPI_STATUS':
      case 'HTTP_STATUS':
        return ocpiStatus !== undefined ? `was answered with OCPI status ${ocpiStatus} in HTTP ${httpStatus}` : `was answered with HTTP ${httpStatus}`;
      case 'UNPARSEABLE':
      case 'SCHEMA_VIOLATION':
      case 'PAGINATION':
        return `got an answer we could not read (${error.explanation})`;
      case 'RESPONSE_TOO_LARGE':
        return `got an answer larger than we read (${error.explanation})`;
      case 'CIRCUIT_OPEN':
        return `was not sent (${error.explanation})`;
      default:
        return assertNever(error.kind, 'failure kind');
    }
  }
  if (error instanceof RegistrationError) return error.message;
  return `got an answer we could not use (${(error as Error).message})`;
}

/** A credentials token the failed PUT's answer carried anyway: in the data of an error envelope, or in credentials we could not read. */
function carriedToken(error: unknown): string | null {
  if (!(error instanceof OcpiCallError) || !error.responseBody) return null;
  try {
    const envelope: unknown = JSON.parse(error.responseBody);
    return carriedTokenOf(isRecord(envelope) ? envelope.data : null);
  } catch {
    return null;
  }
}

/** `data.token` when it can be a credentials token (credentials §Credentials object: string(64), printable ASCII). */
function carriedTokenOf(data: unknown): string | null {
  const token = isRecord(data) ? data.token : undefined;
  return typeof token === 'string' && /^[\x21-\x7e]{1,64}$/.test(token) ? token : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
