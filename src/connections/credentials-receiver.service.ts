import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { encryptToken, hashToken, newCredentialsToken } from '../common/crypto/token-vault';
import { OcpiError } from '../ocpi/wire/ocpi-error';
import { OcpiStatus, OcpiStatusCode } from '../ocpi/wire/ocpi-status';
import { Credentials, OcpiVersionAdapter } from '../ocpi/adapter/ocpi-version-adapter';
import { CpoTarget } from './cpo-caller';
import { ConnectionColumns, CpoConnectionEntity } from './cpo-connection.entity';
import { markUnregistered } from './credentials-sender.service';
import { DiscoveredPlatform, DiscoveryError, DiscoveryFailure, EndpointDiscovery } from './endpoint-discovery';
import { writeDefaultModes } from './module-modes';
import { ConnectionCache } from './connection-cache';
import { claimParties } from './party-claims';
import { ourCredentials } from './our-credentials';

/** OCPI status for each discovery failure while calling the CPO back (credentials §Errors during registration). */
const DISCOVERY_STATUS: Record<DiscoveryFailure, OcpiStatusCode> = {
  VERSIONS_UNREACHABLE: OcpiStatus.UNABLE_TO_USE_CLIENT_API,
  VERSION_DETAILS_UNREACHABLE: OcpiStatus.UNABLE_TO_USE_CLIENT_API,
  NO_MUTUAL_VERSION: OcpiStatus.UNSUPPORTED_VERSION,
  VERSION_NOT_OFFERED: OcpiStatus.UNSUPPORTED_VERSION,
  REQUIRED_ENDPOINTS_MISSING: OcpiStatus.NO_MATCHING_ENDPOINTS,
};

/**
 * Our credentials endpoint as server (credentials §Interfaces and endpoints), the CPO being the client:
 * - POST (§POST, §Registration with the CPO as Sender): the CPO authenticates with the CREDENTIALS_TOKEN_A
 *   operations gave it, sends its token B; we call its versions and this version's details back with token B,
 *   store its endpoints and parties, and answer our credentials with a new token C; token A stops working;
 * - PUT (§PUT): the same with its new token, on a registered connection; switches to this endpoint's version;
 *   a new token of ours replaces the one it used;
 * - DELETE (§DELETE): unregisters; no token of the connection works any more.
 * Errors in OCPI terms: HTTP 405 for POST when registered and PUT / DELETE when not; 2001 for an invalid
 * credentials object; 3001 when we cannot use its API, 3002 when it does not offer this version, 3003 when
 * endpoints we need are missing (HTTP 200: the request reached the OCPI layer, status_codes §2).
 */
@Injectable()
export class CredentialsReceiverService {
  private readonly logger = new Logger(CredentialsReceiverService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly discovery: EndpointDiscovery,
    private readonly config: AppConfig,
    private readonly cache: ConnectionCache,
  ) {}

  /** POST: registers a CPO that authenticated with token A. @returns our credentials (token C) in `adapter`'s shape. */
  async register(connection: CpoConnectionEntity, presentedToken: string, adapter: OcpiVersionAdapter, body: unknown): Promise<unknown> {
    if (connection.status !== 'INVITED') throw OcpiError.methodNotAllowed('Already registered (or registering): use PUT to update the credentials.');
    return this.exchange(connection, presentedToken, adapter, body, {
      status: 'REGISTERED',
      registeredAt: new Date(),
      ourTokenExpiresAt: null,
      ourPendingTokenHash: null,
      theirFallbackTokenEncrypted: null,
      tokenRotation: null,
      tokenRotationAt: null,
    });
  }

  /**
   * PUT: new credentials from a registered CPO. @returns our credentials with a new token in `adapter`'s shape.
   * Our answer may never reach the CPO (a dropped connection, its timeout), and we cannot tell: until the CPO uses one
   * of them, the token it authenticated with keeps working next to the new one, and its previous token stays our
   * fallback should its new one be refused (it may have given up on the update). See ConnectionsService.noteOurTokenUsed
   * and CpoCaller.
   */
  async update(connection: CpoConnectionEntity, presentedToken: string, adapter: OcpiVersionAdapter, body: unknown): Promise<unknown> {
    if (connection.status !== 'REGISTERED') throw OcpiError.methodNotAllowed('Not registered: use POST to register.');
    return this.exchange(connection, presentedToken, adapter, body, {
      ourPendingTokenHash: hashToken(presentedToken),
      theirFallbackTokenEncrypted: connection.theirTokenEncrypted,
      tokenRotation: 'THEIRS_UNSETTLED',
      tokenRotationAt: new Date(),
    });
  }

  /** DELETE: unregisters a registered CPO. */
  async unregister(connection: CpoConnectionEntity): Promise<void> {
    if (connection.status !== 'REGISTERED') throw OcpiError.methodNotAllowed('Not registered: nothing to unregister.');
    await markUnregistered(this.db, connection.id, null);
    // Its token stops working on this instance at once (on the others within CONNECTION_REFRESH_MS).
    await this.cache.changed();
    this.logger.log({ connectionId: connection.id }, `CPO "${connection.name}" unregistered itself`);
  }

  private async exchange(connection: CpoConnectionEntity, presentedToken: string, adapter: OcpiVersionAdapter, body: unknown, extra: ConnectionColumns): Promise<unknown> {
    const theirs = readCredentials(adapter, body);
    const target: CpoTarget = {
      connectionId: connection.id,
      version: adapter.version,
      prescribed: adapter.tokenEncoding,
      preferred: connection.ocpiVersion === adapter.version ? connection.theirTokenEncoding : null,
      token: theirs.token,
    };
    const platform = await this.callBack(connection, target, theirs.url, adapter);
    const ourToken = newCredentialsToken();
    const refusedParties = await this.db.transaction(async (m) => {
      // A party we refuse (our own, another live connection's) does not fail the exchange: the CPO gets its token, the
      // refused party none of its objects, and operations a connection that needs attention saying which and why.
      const refused = await claimParties(m, connection.id, theirs.roles, this.config.ourParty);
      await writeDefaultModes(m, connection.id, adapter, platform.endpoints);
      // Only the token it authenticated with may be replaced: a concurrent POST or PUT with it loses here.
      const updated = await m.getRepository(CpoConnectionEntity).update(
        { id: connection.id, ourTokenHash: hashToken(presentedToken) },
        {
          ocpiVersion: adapter.version,
          theirVersionsUrl: theirs.url,
          theirEndpoints: platform.endpoints,
          theirTokenEncrypted: encryptToken(theirs.token, this.config.tokenEncryptionKey),
          theirTokenEncoding: target.preferred,
          ourTokenHash: hashToken(ourToken),
          needsAttention: null,
          refusedParties: refused,
          lastError: null,
          ...extra,
        },
      );
      if (!updated.affected) throw OcpiError.methodNotAllowed('These credentials were changed by another request meanwhile.');
      return refused;
    });
    // The new token works on this instance before the CPO gets our answer holding it.
    await this.cache.changed();
    if (refusedParties.length > 0) this.logger.warn({ connectionId: connection.id }, `Refused parties the CPO claimed: ${refusedParties.map((r) => r.message).join(' ')}`);
    this.logger.log(
      { connectionId: connection.id, version: adapter.version },
      `CPO "${connection.name}" sent its credentials (${connection.status === 'INVITED' ? 'registered' : 'updated'})`,
    );
    return adapter.serialiseCredentials(ourCredentials(this.config, ourToken));
  }

  /** GET its versions and this version's details with its token; failures become 3001 / 3002 / 3003 and are kept for operations. */
  private async callBack(connection: CpoConnectionEntity, target: CpoTarget, versionsUrl: string, adapter: OcpiVersionAdapter): Promise<DiscoveredPlatform> {
    try {
      return await this.discovery.discover(target, versionsUrl, adapter.version);
    } catch (error) {
      if (!(error instanceof DiscoveryError)) throw error;
      await this.db
        .getRepository(CpoConnectionEntity)
        .update(connection.id, { lastError: `The CPO's credentials ${connection.status === 'INVITED' ? 'POST' : 'PUT'} failed: ${error.message}` });
      throw new OcpiError(DISCOVERY_STATUS[error.failure], error.message, HttpStatus.OK);
    }
  }
}

function readCredentials(adapter: OcpiVersionAdapter, body: unknown): Credentials {
  try {
    return adapter.parseCredentials(body);
  } catch (error) {
    throw new OcpiError(OcpiStatus.INVALID_OR_MISSING_PARAMETERS, `Invalid ${adapter.version} credentials object: ${(error as Error).message}`, HttpStatus.OK);
  }
}
