import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertNever } from '../common/assert-never';
import { AppConfig } from '../config/app-config';
import { decryptWithAnyKey, hashToken, newCredentialsToken } from '../common/crypto/token-vault';
import { TokenEncoding } from '../ocpi/wire/authorization-header';
import { OcpiVersionAdapter } from '../ocpi/adapter/ocpi-version-adapter';
import { adapterFor } from '../ocpi/versions/version-registry';
import {
  AuthObservationEntity,
  ConnectionModule,
  ConnectionModuleModeEntity,
  ConnectionPartyEntity,
  CpoCircuitEntity,
  CpoConnectionEntity,
  ModuleMode,
  NeedsAttention,
  TokenRotation,
} from './cpo-connection.entity';
import { ConnectionCache } from './connection-cache';
import { includesPull, modesOf, writeChosenInterval, writeChosenMode } from './module-modes';

/** After this long an OURS_OPEN update is taken for one whose instance died mid-PUT: it settles like an unsettled one. */
const OPEN_PUT_GIVEN_UP_MS = 10 * 60 * 1000;

/** What calling a registered CPO takes: its version adapter, our token for it (clear) and how to encode it. */
export interface CpoSession {
  connection: CpoConnectionEntity;
  adapter: OcpiVersionAdapter;
  token: string;
  /** After an unsettled credentials update: the other token the CPO may accept from us, tried on HTTP 401. */
  fallbackToken: string | null;
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
    private readonly cache: ConnectionCache,
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
    await this.cache.changed();
    this.logger.log({ connectionId: saved.id }, `Invited CPO "${name}" to register (token A valid until ${expiresAt.toISOString()})`);
    return { connection: await this.get(saved.id), tokenA, versionsUrl: this.config.ourVersionsUrl, expiresAt };
  }

  /**
   * Every connection with its parties, Authorization observations, module modes and circuit, newest first. Five
   * set-based queries (the connections, then each relation whole) assembled here: TypeORM's one joined query multiplies
   * the rows and its hydration of them cost ~40 ms at 500 connections, its per-relation strategy ~300 ms (issue 18).
   */
  async list(): Promise<CpoConnectionEntity[]> {
    const [connections, parties, observations, modes, circuits] = await Promise.all([
      this.db.getRepository(CpoConnectionEntity).find({ order: { createdAt: 'DESC' } }),
      this.db.getRepository(ConnectionPartyEntity).find(),
      this.db.getRepository(AuthObservationEntity).find(),
      this.db.getRepository(ConnectionModuleModeEntity).find(),
      this.db.getRepository(CpoCircuitEntity).find(),
    ]);
    const byId = new Map(connections.map((c) => [c.id, c]));
    for (const c of connections) Object.assign(c, { parties: [], authObservations: [], moduleModes: [], circuit: null });
    // A row whose connection was inserted after the first query read them is left out (same as the joined query).
    for (const p of parties) byId.get(p.connectionId)?.parties.push(p);
    for (const o of observations) byId.get(o.connectionId)?.authObservations.push(o);
    for (const m of modes) byId.get(m.connectionId)?.moduleModes.push(m);
    for (const circuit of circuits) {
      const c = byId.get(circuit.connectionId);
      if (c) c.circuit = circuit;
    }
    return connections;
  }

  /** The names operations gave these connections, by id (unknown ids are left out). */
  async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; name: string }> = await this.db.query(`SELECT id, name FROM cpo_connection WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** One connection with its parties, Authorization observations, module modes and circuit. @throws NotFoundException */
  async get(id: string): Promise<CpoConnectionEntity> {
    const found = await this.db
      .getRepository(CpoConnectionEntity)
      .findOne({ where: { id }, relations: { parties: true, authObservations: true, moduleModes: true, circuit: true } });
    if (!found) throw new NotFoundException(`No CPO connection ${id}`);
    return found;
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
      fallbackToken: connection.theirFallbackTokenEncrypted ? decryptWithAnyKey(connection.theirFallbackTokenEncrypted, this.config.tokenDecryptionKeys).token : null,
      encoding: connection.theirTokenEncoding ?? adapter.tokenEncoding,
    };
  }

  /**
   * The CPO called us with `token` (found on `connection`). After an unsettled credentials update we accept two tokens
   * of ours; the first one the CPO uses shows which it holds, and the other stops working (credentials §PUT: the
   * token in the answer replaces the old one, once we know the answer arrived). `connection` is updated to match.
   */
  async noteOurTokenUsed(connection: CpoConnectionEntity, token: string): Promise<void> {
    if (!connection.ourPendingTokenHash || !settlesOnUse(connection.tokenRotation, connection.tokenRotationAt)) return;
    const hash = hashToken(token);
    const usedPending = hash === connection.ourPendingTokenHash;
    if (!usedPending && hash !== connection.ourTokenHash) return;
    const result: unknown = await this.db.query(
      `UPDATE cpo_connection SET our_token_hash = CASE WHEN $2 THEN our_pending_token_hash ELSE our_token_hash END, our_pending_token_hash = NULL,
         token_rotation = CASE WHEN their_fallback_token_encrypted IS NULL THEN NULL ELSE token_rotation END,
         token_rotation_at = CASE WHEN their_fallback_token_encrypted IS NULL THEN NULL ELSE token_rotation_at END
       WHERE id = $1 AND our_pending_token_hash = $3 AND our_token_hash = $4`,
      [connection.id, usedPending, connection.ourPendingTokenHash, connection.ourTokenHash],
    );
    if (affectedRows(result) === 0) return; // settled meanwhile by another request
    await this.cache.changed();
    if (usedPending) connection.ourTokenHash = connection.ourPendingTokenHash;
    connection.ourPendingTokenHash = null;
    if (!connection.theirFallbackTokenEncrypted) {
      connection.tokenRotation = null;
      connection.tokenRotationAt = null;
    }
    this.logger.log(
      { connectionId: connection.id },
      `CPO "${connection.name}" used our ${usedPending ? 'new' : 'previous'} token after an unsettled credentials update; the other one no longer works`,
    );
  }

  /**
   * A call with our `current` token for the CPO, or with the `fallback` one, worked: that one is the CPO's token from
   * now on, the other is dropped, and the connection no longer needs attention.
   */
  async theirTokenWorked(connectionId: string, which: 'current' | 'fallback'): Promise<void> {
    await this.db.query(
      `UPDATE cpo_connection SET
         their_token_encrypted = CASE WHEN $2 AND their_fallback_token_encrypted IS NOT NULL THEN their_fallback_token_encrypted ELSE their_token_encrypted END,
         their_fallback_token_encrypted = NULL, needs_attention = NULL,
         token_rotation = CASE WHEN our_pending_token_hash IS NULL AND token_rotation <> 'OURS_OPEN' THEN NULL ELSE token_rotation END,
         token_rotation_at = CASE WHEN our_pending_token_hash IS NULL AND token_rotation <> 'OURS_OPEN' THEN NULL ELSE token_rotation_at END
       WHERE id = $1 AND status = 'REGISTERED'`,
      [connectionId, which === 'fallback'],
    );
    await this.cache.changed();
    if (which === 'fallback') this.logger.log({ connectionId }, 'The CPO accepts our previous token, not the new one: using it again');
  }

  /**
   * Every token we hold for the CPO got HTTP 401 (`where`: the call, in words) after a credentials update that is not
   * settled: no call can work until the CPO or operations act. Holds the connection as needing attention, saying what
   * happened and what to do (pulls pause meanwhile). Does nothing when no update is unsettled (a plain 401 is reported
   * by the call that met it) or when attention is already asked for.
   */
  async noTokenWorks(connectionId: string, where: string): Promise<void> {
    const connection = await this.get(connectionId);
    if (!connection.tokenRotation || connection.needsAttention) return;
    const since = connection.tokenRotationAt?.toISOString() ?? 'an unknown time';
    const update = describeRotation(connection.tokenRotation, since);
    await this.needsAttention(connection, `${update}; since then the CPO answers HTTP 401 to every token we hold for it (${where}).`);
  }

  /**
   * Holds the connection as needing attention: `whatHappened` in plain words; what operations must do is added here
   * (the CPO can still reach us with either token of ours, and its credentials PUT to us restores the connection).
   */
  async needsAttention(connection: CpoConnectionEntity, whatHappened: string): Promise<NeedsAttention> {
    const version = connection.ocpiVersion ?? 'its version';
    const attention: NeedsAttention = {
      since: new Date().toISOString(),
      what_happened: whatHappened,
      what_to_do:
        `Pulls from this CPO are paused. We accept both our previous and our new token from it, so it can still reach us. ` +
        `Ask the CPO to send us its current credentials with a PUT on our credentials endpoint (${this.config.publicUrl}/ocpi/emsp/${version}/credentials), ` +
        `authenticated with either token; that gives us a token that works and resumes the pulls. If it cannot, get a new token A from the CPO and ` +
        `register again (DELETE /api/v1/operations/connections/${connection.id}, then POST /api/v1/operations/connections).`,
    };
    await this.db.getRepository(CpoConnectionEntity).update(connection.id, { needsAttention: attention, lastError: `Needs attention: ${whatHappened}` });
    await this.cache.changed();
    this.logger.warn({ connectionId: connection.id }, `CPO "${connection.name}" needs attention: ${whatHappened}`);
    return attention;
  }

  /**
   * Sets how we get one module's objects from a REGISTERED connection: `mode` PULL, RECEIVE or BOTH, kept through
   * re-discoveries and credentials updates; null goes back to the default from the CPO's endpoints (BOTH when it offers
   * the module's Sender interface, else RECEIVE). Returns the connection.
   * @throws NotFoundException; ConflictException when the connection is not registered, or when `mode` includes pulling
   *   and the CPO lists no Sender interface of the module (naming the module and version).
   */
  async setModuleMode(id: string, module: ConnectionModule, mode: ModuleMode | null): Promise<CpoConnectionEntity> {
    const connection = await this.get(id);
    const adapter = adapterFor(connection.ocpiVersion);
    if (connection.status !== 'REGISTERED' || !adapter)
      throw new ConflictException(`Connection "${connection.name}" is ${connection.status}, not registered: its modes are set once it is.`);
    if (mode !== null && includesPull(mode) && !adapter.senderUrl(connection.theirEndpoints, module)) {
      throw new ConflictException(
        `Cannot set ${module} to ${mode}: the CPO's ${adapter.version} endpoints list no ${module} SENDER interface to pull from. ` +
          `Choose RECEIVE, or re-discover its endpoints (POST /api/v1/operations/connections/${id}/rediscover) once it offers one.`,
      );
    }
    await writeChosenMode(this.db.manager, id, module, mode, adapter, connection.theirEndpoints);
    await this.cache.changed();
    this.logger.log({ connectionId: id, module, mode }, `Mode of ${module} for CPO "${connection.name}" set to ${mode ?? 'the default'}`);
    return this.get(id);
  }

  /**
   * Stores operations' choice of the interval between scheduled pulls of one module (minutes; 0: off; null: back to the
   * default). Its schedule counts from the last scheduled pull, so a shorter interval may make it due at once.
   * @throws NotFoundException; ConflictException when the connection is not registered.
   */
  async setModuleInterval(id: string, module: ConnectionModule, intervalMinutes: number | null): Promise<CpoConnectionEntity> {
    const connection = await this.get(id);
    const adapter = adapterFor(connection.ocpiVersion);
    if (connection.status !== 'REGISTERED' || !adapter)
      throw new ConflictException(`Connection "${connection.name}" is ${connection.status}, not registered: its schedules are set once it is.`);
    await writeChosenInterval(this.db.manager, id, module, intervalMinutes, adapter, connection.theirEndpoints);
    const chosen = intervalMinutes === null ? 'the default' : intervalMinutes === 0 ? 'off' : `${intervalMinutes} minutes`;
    this.logger.log({ connectionId: id, module, intervalMinutes }, `Schedule of ${module} for CPO "${connection.name}" set to ${chosen}`);
    return this.get(id);
  }

  /**
   * Whether this connection's pushes of `module` are to be taken (its mode is RECEIVE or BOTH): the question a Receiver
   * interface asks. @throws NotFoundException
   */
  async receives(id: string, module: ConnectionModule): Promise<boolean> {
    const found = await this.db.getRepository(CpoConnectionEntity).findOne({ where: { id }, relations: { moduleModes: true } });
    if (!found) throw new NotFoundException(`No CPO connection ${id}`);
    return modesOf(found)[module].received;
  }

  /** Records a failure in plain words on the connection, for operations. */
  async recordError(connectionId: string, message: string | null): Promise<void> {
    await this.db.getRepository(CpoConnectionEntity).update(connectionId, { lastError: message });
  }
}

/** Whether a use of one of our two tokens settles `rotation`: not while our own PUT is still open (the CPO calls our versions with the new one then). */
function settlesOnUse(rotation: TokenRotation | null, since: Date | null): boolean {
  switch (rotation) {
    case null:
      return false;
    case 'OURS_OPEN':
      return since !== null && Date.now() - since.getTime() > OPEN_PUT_GIVEN_UP_MS;
    case 'OURS_UNSETTLED':
    case 'THEIRS_UNSETTLED':
      return true;
    default:
      return assertNever(rotation, 'token rotation');
  }
}

/** An unsettled credentials update in words, for operations. */
export function describeRotation(rotation: TokenRotation, since: string): string {
  switch (rotation) {
    case 'OURS_OPEN':
      return `Our credentials PUT to the CPO started at ${since} and did not finish`;
    case 'OURS_UNSETTLED':
      return `Our credentials PUT to the CPO at ${since} failed or got no answer, so the CPO may or may not have applied it`;
    case 'THEIRS_UNSETTLED':
      return `The CPO sent us new credentials (PUT) at ${since}; we applied them, but our answer may not have reached it`;
    default:
      return assertNever(rotation, 'token rotation');
  }
}

/** Rows changed by an UPDATE through DataSource.query (TypeORM's postgres driver answers [rows, count]). */
function affectedRows(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
