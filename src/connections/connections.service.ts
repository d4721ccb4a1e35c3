import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { decryptWithAnyKey, hashToken, newCredentialsToken } from '../common/crypto/token-vault';
import { TokenEncoding } from '../ocpi/wire/authorization-header';
import { OcpiVersionAdapter } from '../ocpi/adapter/ocpi-version-adapter';
import { adapterFor } from '../ocpi/versions/version-registry';
import { CpoConnectionEntity } from './cpo-connection.entity';

/** What calling a registered CPO takes: its version adapter, our token for it (clear) and how to encode it. */
export interface CpoSession {
  connection: CpoConnectionEntity;
  adapter: OcpiVersionAdapter;
  token: string;
  /** The encoding the CPO accepts: its version's, unless it turned out to want the other one. */
  encoding: TokenEncoding;
}

/** An invitation for a CPO to register with us: token A is returned here once and only kept hashed. */
export interface Invitation {
  connection: CpoConnectionEntity;
  tokenA: string;
  versionsUrl: string;
  expiresAt: Date;
}

/**
 * CPO connections: reading them, finding the one a presented token belongs to, the session to call one,
 * and invitations (token A) for CPO-initiated registration. The credentials handshakes themselves live in
 * CredentialsSenderService (we register with the CPO) and CredentialsReceiverService (it registers with us).
 */
@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger(ConnectionsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Creates an INVITED connection with a new CREDENTIALS_TOKEN_A (credentials 2.2.1 §Registration: the
   * Receiver creates token A and hands it, with its versions URL, to the Sender outside OCPI). Token A works
   * on our versions and credentials endpoints only, until the CPO registers or `validDays` pass.
   */
  async invite(name: string, validDays: number): Promise<Invitation> {
    const tokenA = newCredentialsToken();
    const expiresAt = new Date(Date.now() + validDays * 24 * 3600 * 1000);
    const saved = await this.db.getRepository(CpoConnectionEntity).save({
      name,
      status: 'INVITED',
      initiatedBy: 'CPO',
      theirVersionsUrl: null,
      theirEndpoints: [],
      theirTokenEncrypted: null,
      theirTokenEncoding: null,
      ourTokenHash: hashToken(tokenA),
      ourPendingTokenHash: null,
      ourTokenExpiresAt: expiresAt,
      ocpiVersion: null,
      lastError: null,
      registeredAt: null,
      unregisteredAt: null,
    });
    this.logger.log({ connectionId: saved.id }, `Invited CPO "${name}" to register (token A valid until ${expiresAt.toISOString()})`);
    return { connection: await this.get(saved.id), tokenA, versionsUrl: this.config.ourVersionsUrl, expiresAt };
  }

  /** Every connection with its parties and Authorization observations, newest first. */
  list(): Promise<CpoConnectionEntity[]> {
    return this.db.getRepository(CpoConnectionEntity).find({ relations: { parties: true, authObservations: true }, order: { createdAt: 'DESC' } });
  }

  /** Ids of the connections REGISTERED before `registeredBefore` that no pull has ever started on, oldest first. */
  async neverPulled(registeredBefore: Date): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT c.id FROM cpo_connection c
       WHERE c.status = 'REGISTERED' AND c.registered_at < $1 AND NOT EXISTS (SELECT 1 FROM sync_run r WHERE r.connection_id = c.id)
       ORDER BY c.registered_at`,
      [registeredBefore],
    );
    return rows.map((r) => r.id);
  }

  /** The names operations gave these connections, by id (unknown ids are left out). */
  async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; name: string }> = await this.db.query(`SELECT id, name FROM cpo_connection WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** One connection with its parties and Authorization observations. @throws NotFoundException */
  async get(id: string): Promise<CpoConnectionEntity> {
    const found = await this.db.getRepository(CpoConnectionEntity).findOne({ where: { id }, relations: { parties: true, authObservations: true } });
    if (!found) throw new NotFoundException(`No CPO connection ${id}`);
    return found;
  }

  /**
   * The connection a CPO identifies with `token`: our current token for it (A while INVITED, then B or C),
   * or the new one we are offering in an open PUT of ours. Null when unknown.
   */
  findByOurToken(token: string): Promise<CpoConnectionEntity | null> {
    const hash = hashToken(token);
    return this.db.getRepository(CpoConnectionEntity).findOne({
      where: [{ ourTokenHash: hash }, { ourPendingTokenHash: hash }],
      relations: { parties: true },
    });
  }

  /** What it takes to call a REGISTERED connection. @throws Error when it is not registered. */
  async session(connectionId: string): Promise<CpoSession> {
    const connection = await this.get(connectionId);
    const adapter = adapterFor(connection.ocpiVersion);
    if (connection.status !== 'REGISTERED' || !adapter || !connection.theirTokenEncrypted) {
      throw new Error(`CPO connection "${connection.name}" is ${connection.status}, not registered`);
    }
    return {
      connection,
      adapter,
      token: decryptWithAnyKey(connection.theirTokenEncrypted, this.config.tokenDecryptionKeys).token,
      encoding: connection.theirTokenEncoding ?? adapter.tokenEncoding,
    };
  }

  /** Records a failure in plain words on the connection, for operations. */
  async recordError(connectionId: string, message: string | null): Promise<void> {
    await this.db.getRepository(CpoConnectionEntity).update(connectionId, { lastError: message });
  }
}
