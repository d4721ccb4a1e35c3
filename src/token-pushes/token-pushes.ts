import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionsService } from '../connections/connections.service';
import { CpoCaller, targetOf } from '../connections/cpo-caller';
import { TheirEndpoint } from '../connections/cpo-connection.entity';
import { JobContext, JobQueue } from '../jobs/job-queue';
import { defineQueue } from '../jobs/queue-definition';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { ocpiTimestamp } from '../ocpi/wire/ocpi-response';
import { adapterFor } from '../ocpi/versions/version-registry';
import { TokenCache } from '../tokens/token-cache';
import { TokenChangeKind, TokenChanges } from '../tokens/token-changes';
import { inScope } from '../tokens/token-scope';
import { StoredToken, TokenScope, TokenStore } from '../tokens/token.store';
import { TokenType } from '../tokens/token.model';

/** One push job: the latest state of one Token to one connection's Tokens Receiver. */
export interface TokenPushJob {
  connectionId: string;
  tokenType: TokenType;
  /** The Token's uid, lower-cased (uids are case-insensitive). */
  uid: string;
}

/**
 * Token pushes: retried with backoff (1 s, 2 s, 4 s … with jitter; pg-boss caps the doubling at 2^16) for about a
 * week of a CPO being down; `short`: while one job of a (connection, Token) waits, another is not added (the waiting
 * one sends the latest state anyway). A change made later sends a new job, so a Token changed again is pushed again.
 */
export const TOKEN_PUSH_QUEUE = defineQueue<TokenPushJob>({
  name: 'token-push',
  policy: 'short',
  retryLimit: 25,
  retryDelaySeconds: 1,
  retryBackoff: true,
  expireInSeconds: 120,
});

/** Tokens read per query when a scope change brings Tokens to a CPO. */
const SCOPE_PAGE = 1000;

/** How long one attempt may hold a (connection, Token): longer than any call (the call budget), shorter than the job expiry. */
const LEASE_SECONDS = 90;

/**
 * Pushes one instance makes at a time: a block goes to several CPOs side by side rather than one after the other.
 * Order per (connection, Token) does not depend on it: the lease lets one attempt at a time send a Token to a CPO, and
 * each attempt sends the Token's latest state (a job that finds the lease taken is retried after it).
 */
const PUSH_CONCURRENCY = 4;

/** A change not yet delivered to a CPO, as operations see it. */
export interface PendingTokenPush {
  token_uid: string;
  token_type: string;
  /** PUT (the whole Token) or PATCH ({ valid: false, last_updated }: a block the CPO can apply to the Token it has). */
  kind: 'PUT' | 'PATCH';
  /** When the oldest undelivered change was made (ISO-8601 UTC), and how long ago in seconds. */
  pending_since: string;
  age_seconds: number;
  attempts: number;
  last_attempt_at: string | null;
  last_error: string | null;
  /** When this CPO last received a change of this Token; null: never. */
  delivered_at: string | null;
}

/**
 * Pushing our Token changes to the CPOs that hold them (mod_tokens 2.2.1 / 2.3.0 §Receiver Interface, 2.1.1 §2.1 CPO
 * Interface): a CPO holds our Tokens when its version details list a tokens Receiver (2.1.1: a tokens endpoint, its
 * CPO interface), for the Tokens of its version's types within its connection's token scope. A change is first
 * written to token_push (the state to deliver, per connection and Token), then a job sends the Token's latest state;
 * a later change supersedes one not yet sent. One attempt at a time per (connection, Token) (a lease in the row), so
 * the CPO sees a Token's changes in order; a failure is retried with backoff until it lands.
 */
@Injectable()
export class TokenPushes implements OnApplicationBootstrap {
  private readonly logger = new Logger(TokenPushes.name);
  /**
   * Attempts under way on this instance, by (connection, Token): a job for a Token whose push is still under way here
   * (a change made during the call) waits for it, then sends the state after it, instead of failing on the lease
   * and waiting for its retry.
   */
  private readonly underWay = new Map<string, Promise<void>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: JobQueue,
    private readonly store: TokenStore,
    private readonly cache: TokenCache,
    private readonly connections: ConnectionsService,
    private readonly caller: CpoCaller,
    private readonly config: AppConfig,
    changes: TokenChanges,
  ) {
    changes.listen((tokens, kind) => this.changed(tokens, kind));
    changes.listenScope((connectionId, before, after) => this.scopeChanged(connectionId, before, after));
  }

  /** Works the queue, and sends a job again for every change still pending (e.g. its job was lost with a crash). */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work(TOKEN_PUSH_QUEUE, (job, context) => this.push(job, context), { concurrency: PUSH_CONCURRENCY });
    const pending: Array<{ connection_id: string; token_type: TokenType; token_uid_lower: string }> = await this.db.query(
      `SELECT connection_id, token_type, token_uid_lower FROM token_push WHERE pending_seq IS NOT NULL`,
    );
    await this.jobs.sendMany(
      TOKEN_PUSH_QUEUE,
      pending.map((p) => jobOf({ connectionId: p.connection_id, tokenType: p.token_type, uid: p.token_uid_lower })),
    );
  }

  /**
   * Records that `tokens` changed (`kind`: a block alone may go as a PATCH, anything else is PUT whole) for every connection that holds them, and sends one push job each. Never
   * throws: a failure is logged, and what was recorded is sent again at the next start.
   */
  async changed(tokens: StoredToken[], kind: TokenChangeKind): Promise<void> {
    if (tokens.length === 0) return;
    try {
      await this.record(tokens, kind, await this.holders());
    } catch (error) {
      this.logger.warn(`Token changes not queued for pushing (sent at the next start if recorded): ${(error as Error).message}`);
    }
  }

  /**
   * A connection's token scope changed: the Tokens now in it that were not before are pushed to its CPO (PUT whole, as
   * new to it), in pages of SCOPE_PAGE. Tokens that left the scope are not pushed: OCPI has no way to take a Token
   * back from a CPO (mod_tokens 2.2.1 §Receiver Interface has PUT and PATCH, no DELETE), and a PATCH valid=false would
   * tell it the Token is blocked, which it is not (it stays valid with other CPOs); the CPO's real-time authorization
   * of such a Token is answered NOT_ALLOWED. Never throws: a failure is logged (the scope is set; pushing those Tokens
   * again takes setting the scope again).
   */
  async scopeChanged(connectionId: string, before: TokenScope, after: TokenScope): Promise<void> {
    try {
      const holders = (await this.holders()).filter((h) => h.connectionId === connectionId);
      if (holders.length === 0) return;
      for (let afterSeq = 0; ;) {
        const page = await this.store.enteringScope(before, after, afterSeq, SCOPE_PAGE);
        await this.record(page, 'CHANGE', holders);
        if (page.length < SCOPE_PAGE) break;
        afterSeq = page[page.length - 1].change_seq;
      }
    } catch (error) {
      this.logger.warn(`Tokens newly in the scope of connection ${connectionId} not all queued for pushing: ${(error as Error).message}`);
    }
  }

  /** Writes the pending change of `tokens` for each of `holders` that has them in scope, and sends their jobs. @throws on a database failure */
  private async record(tokens: StoredToken[], kind: TokenChangeKind, holders: Array<{ connectionId: string; types: readonly TokenType[] }>): Promise<void> {
    if (tokens.length === 0) return;
    const rows = tokens.flatMap((token) =>
      holders
        .filter((h) => h.types.includes(token.type) && inScope(token, this.cache.scopeOf(h.connectionId)))
        .map((h) => ({ connection_id: h.connectionId, token_type: token.type, token_uid_lower: token.uid.toLowerCase(), token_uid: token.uid, seq: token.change_seq })),
    );
    if (rows.length === 0) return;
    // A block goes as PATCH only to a CPO that already received this Token from us and has no whole PUT waiting.
    await this.db.query(
      `INSERT INTO token_push (connection_id, token_type, token_uid_lower, token_uid, pending_seq, pending_kind, pending_since)
         SELECT x.connection_id, x.token_type, x.token_uid_lower, x.token_uid, x.seq, 'PUT', now()
         FROM jsonb_to_recordset($1::jsonb) AS x(connection_id uuid, token_type text, token_uid_lower text, token_uid text, seq bigint)
         ON CONFLICT (connection_id, token_type, token_uid_lower) DO UPDATE SET
           token_uid = EXCLUDED.token_uid,
           pending_kind = CASE WHEN $2 AND token_push.delivered_seq IS NOT NULL AND (token_push.pending_seq IS NULL OR token_push.pending_kind = 'PATCH') THEN 'PATCH' ELSE 'PUT' END,
           pending_since = COALESCE(token_push.pending_since, now()),
           pending_seq = GREATEST(COALESCE(token_push.pending_seq, 0), EXCLUDED.pending_seq)`,
      [JSON.stringify(rows), kind === 'BLOCK'],
    );
    await this.jobs.sendMany(
      TOKEN_PUSH_QUEUE,
      rows.map((r) => jobOf({ connectionId: r.connection_id, tokenType: r.token_type, uid: r.token_uid_lower })),
    );
  }

  /** The changes a connection's CPO has not received yet, oldest first. */
  async pendingFor(connectionId: string): Promise<PendingTokenPush[]> {
    const rows: Array<{
      token_uid: string;
      token_type: string;
      pending_kind: 'PUT' | 'PATCH';
      pending_since: Date;
      attempts: number;
      last_attempt_at: Date | null;
      last_error: string | null;
      delivered_at: Date | null;
    }> = await this.db.query(
      `SELECT token_uid, token_type, pending_kind, pending_since, attempts, last_attempt_at, last_error, delivered_at
       FROM token_push WHERE connection_id = $1 AND pending_seq IS NOT NULL ORDER BY pending_since, token_uid`,
      [connectionId],
    );
    const now = Date.now();
    return rows.map((r) => ({
      token_uid: r.token_uid,
      token_type: r.token_type,
      kind: r.pending_kind,
      pending_since: r.pending_since.toISOString(),
      age_seconds: Math.max(0, Math.round((now - r.pending_since.getTime()) / 1000)),
      attempts: r.attempts,
      last_attempt_at: r.last_attempt_at?.toISOString() ?? null,
      last_error: r.last_error,
      delivered_at: r.delivered_at?.toISOString() ?? null,
    }));
  }

  /** Connections whose CPO holds our Tokens (a tokens Receiver listed), with their version's Token types. */
  private async holders(): Promise<Array<{ connectionId: string; types: readonly TokenType[] }>> {
    const rows: Array<{ id: string; ocpi_version: string | null; their_endpoints: TheirEndpoint[] }> = await this.db.query(
      `SELECT id, ocpi_version, their_endpoints FROM cpo_connection WHERE status = 'REGISTERED'`,
    );
    return rows.flatMap((r) => {
      const adapter = adapterFor(r.ocpi_version);
      return adapter && adapter.receiverUrl(r.their_endpoints, 'tokens') ? [{ connectionId: r.id, types: adapter.tokens.types }] : [];
    });
  }

  /** One job: after any attempt still under way here for the same (connection, Token), one attempt. @throws as attempt */
  private async push(job: TokenPushJob, context: JobContext): Promise<void> {
    const name = keyOf(job);
    for (let before = this.underWay.get(name); before; before = this.underWay.get(name)) await before;
    const attempt = this.attempt(job, context);
    const settled = attempt.then(
      () => undefined,
      () => undefined,
    );
    this.underWay.set(name, settled);
    try {
      await attempt;
    } finally {
      if (this.underWay.get(name) === settled) this.underWay.delete(name);
    }
  }

  /**
   * One attempt: takes the (connection, Token) lease, sends the Token's latest state, and marks what it sent delivered
   * (a change made meanwhile stays pending, for its own job). @throws to retry (the CPO failed, or another attempt holds it)
   */
  private async attempt(job: TokenPushJob, context: JobContext): Promise<void> {
    const key = [job.connectionId, job.tokenType, job.uid];
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [[claimed]]: [Array<{ pending_kind: 'PUT' | 'PATCH' }>, number] = await this.db.query(
      `UPDATE token_push SET lease_until = now() + interval '${LEASE_SECONDS} seconds', attempts = attempts + 1, last_attempt_at = now()
       WHERE connection_id = $1 AND token_type = $2 AND token_uid_lower = $3 AND pending_seq IS NOT NULL AND (lease_until IS NULL OR lease_until < now())
       RETURNING pending_kind`,
      key,
    );
    if (!claimed) {
      const [held]: unknown[] = await this.db.query(
        `SELECT 1 FROM token_push WHERE connection_id = $1 AND token_type = $2 AND token_uid_lower = $3 AND pending_seq IS NOT NULL`,
        key,
      );
      if (held) throw new Error('another attempt is pushing this Token now');
      return; // delivered already (by an attempt that sent the latest state)
    }
    try {
      const token = await this.store.get(job.tokenType, job.uid);
      const session = await this.connections.session(job.connectionId);
      const { adapter, connection } = session;
      const url = adapter.receiverUrl(connection.theirEndpoints, 'tokens');
      if (!token || !url || !adapter.tokens.types.includes(token.type)) {
        // Nothing to deliver there any more (the CPO dropped its Tokens Receiver): the change is dropped, not retried.
        await this.settle(key, null, 'the CPO no longer lists a Tokens Receiver, or the Token is gone: not pushed');
        return;
      }
      const { countryCode, partyId } = this.config.ourParty;
      const owner = { country_code: countryCode, party_id: partyId };
      // mod_tokens 2.2.1 §PATCH Method: last_updated is required; a block is { valid: false, last_updated }.
      const patch = claimed.pending_kind === 'PATCH' && !token.valid;
      const body = patch ? { valid: false, last_updated: ocpiTimestamp(new Date(token.last_updated)) } : adapter.tokens.serialiseToken(token, owner);
      await this.caller.request(targetOf(connection, adapter.version, adapter.tokenEncoding, session.token, session.fallbackToken), {
        method: patch ? 'PATCH' : 'PUT',
        url: adapter.tokens.pushUrl(url, owner, token),
        body,
        context: { connectionId: connection.id, module: 'tokens' },
        signal: context.signal,
      });
      await this.settle(key, token.change_seq, null);
    } catch (error) {
      const message = error instanceof OcpiCallError ? error.explanation : (error as Error).message;
      await this.db.query(`UPDATE token_push SET lease_until = NULL, last_error = $4 WHERE connection_id = $1 AND token_type = $2 AND token_uid_lower = $3`, [...key, message]);
      // The explanation only: the call's URL names the Token's uid, which our logs never show (the job queue logs this).
      throw new Error(message, { cause: error });
    }
  }

  /** Delivered up to `sent` (null: given up): pending cleared unless a later change came meanwhile; the lease freed. */
  private async settle(key: string[], sent: number | null, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE token_push SET lease_until = NULL, last_error = $5,
         delivered_seq = COALESCE($4, delivered_seq), delivered_at = CASE WHEN $4::bigint IS NULL THEN delivered_at ELSE now() END,
         pending_kind = CASE WHEN $4::bigint IS NULL OR pending_seq <= $4 THEN NULL ELSE pending_kind END,
         pending_since = CASE WHEN $4::bigint IS NULL OR pending_seq <= $4 THEN NULL ELSE pending_since END,
         pending_seq = CASE WHEN $4::bigint IS NULL OR pending_seq <= $4 THEN NULL ELSE pending_seq END
       WHERE connection_id = $1 AND token_type = $2 AND token_uid_lower = $3`,
      [...key, sent, error],
    );
  }
}

/** The job's singletonKey: one job waits per (connection, Token). */
function keyOf(job: TokenPushJob): string {
  return `${job.connectionId}|${job.tokenType}|${job.uid}`;
}

function jobOf(data: TokenPushJob): { data: TokenPushJob; singletonKey: string } {
  return { data, singletonKey: keyOf(data) };
}
