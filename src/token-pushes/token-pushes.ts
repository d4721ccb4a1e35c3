import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionsService, CpoSession } from '../connections/connections.service';
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

/** One drain job: every change still pending for one connection's Tokens Receiver, oldest first. */
export interface TokenDrainJob {
  connectionId: string;
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

/** How long one job of TOKEN_DRAIN_QUEUE goes on claiming chunks before it hands on to a new job (below its expiry). */
const DRAIN_RUN_SECONDS = 120;

/** How long after claiming a chunk a drain may still start sending its Tokens (the chunk's lease is this longer). */
const SEND_WINDOW_SECONDS = 30;

/** How long one attempt may hold a (connection, Token): longer than any call (the call budget), shorter than the job expiry. */
const LEASE_SECONDS = 90;

/**
 * Drains of a connection's pending changes (bulk changes: an import, a scope change, the changes left at a start), one
 * job per connection waiting at a time (`short`, singletonKey: the connection) whatever the number of Tokens: the job
 * claims chunks of DRAIN_CHUNK and sends them DRAIN_SENDS at a time. Retried with the backoff of TOKEN_PUSH_QUEUE
 * when the CPO took none of a chunk or refused some Token; expiry after a run, its last chunk's lease and a margin.
 */
export const TOKEN_DRAIN_QUEUE = defineQueue<TokenDrainJob>({
  name: 'token-push-drain',
  policy: 'short',
  retryLimit: 25,
  retryDelaySeconds: 1,
  retryBackoff: true,
  expireInSeconds: DRAIN_RUN_SECONDS + SEND_WINDOW_SECONDS + LEASE_SECONDS + 60,
});

/** Tokens read per query when a scope change brings Tokens to a CPO. */
const SCOPE_PAGE = 1000;

/**
 * Jobs of each queue (single pushes, drains) one instance works at a time: a block goes to several CPOs side by side
 * rather than one after the other, and an import to several CPOs' drains side by side.
 * Order per (connection, Token) does not depend on it: the lease lets one attempt at a time send a Token to a CPO, and
 * each attempt sends the Token's latest state (a job that finds the lease taken is retried after it).
 */
const PUSH_CONCURRENCY = 4;

/**
 * A change of at most this many Tokens for one connection goes as one job per Token, each sent at once (a block does
 * not wait for a drain's backlog, at most for a place among the CPO's calls in flight, OCPI_MAX_CALLS_PER_CPO); more
 * go to the connection's drain job.
 */
const SINGLE_JOBS_UP_TO = 10;

/** Tokens a drain claims, reads and settles per round trip. */
const DRAIN_CHUNK = 100;

/** Sends one drain has in flight to its CPO (over keep-alive): the default OCPI_MAX_CALLS_PER_CPO. */
const DRAIN_SENDS = 4;

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
 * a later change supersedes one not yet sent. A change of a few Tokens (a block) has a job per Token and CPO, sent at
 * once; a bulk change (an import, a scope change) has one drain job per CPO that sends all that CPO's pending changes
 * in chunks, oldest first. One attempt at a time per (connection, Token) (a lease in the row), so the CPO sees a Token's
 * changes in order; a failure is retried with backoff until it lands. A Token the CPO refuses (an OCPI 2xxx or HTTP
 * 4xx answer) holds up no other: each Token is settled on its own, the others land, the refused one stays pending
 * (operations see its error) and is tried again with the job's backoff and by every later drain of that CPO.
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

  /** Works the queues, and sends a drain for every connection with changes still pending (e.g. their job was lost with a crash). */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work(TOKEN_PUSH_QUEUE, (job, context) => this.push(job, context), { concurrency: PUSH_CONCURRENCY });
    await this.jobs.work(TOKEN_DRAIN_QUEUE, (job, context) => this.drain(job, context), { concurrency: PUSH_CONCURRENCY });
    const pending: Array<{ connection_id: string }> = await this.db.query(`SELECT DISTINCT connection_id FROM token_push WHERE pending_seq IS NOT NULL`);
    await this.jobs.sendMany(
      TOKEN_DRAIN_QUEUE,
      pending.map((p) => drainOf(p.connection_id)),
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
    const perConnection = new Map<string, typeof rows>();
    for (const row of rows) {
      const of = perConnection.get(row.connection_id);
      if (of) of.push(row);
      else perConnection.set(row.connection_id, [row]);
    }
    const few = [...perConnection.values()].filter((of) => of.length <= SINGLE_JOBS_UP_TO).flat();
    await this.jobs.sendMany(
      TOKEN_PUSH_QUEUE,
      few.map((r) => jobOf({ connectionId: r.connection_id, tokenType: r.token_type, uid: r.token_uid_lower })),
    );
    const many = [...perConnection.entries()].filter(([, of]) => of.length > SINGLE_JOBS_UP_TO).map(([connectionId]) => connectionId);
    await this.jobs.sendMany(TOKEN_DRAIN_QUEUE, many.map(drainOf));
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
    await this.whileUnderWay([name], this.attempt(job, context));
  }

  /**
   * `work` (an attempt sending the Tokens named `names`) marked under way here until it settles: a job of one of these
   * Tokens on this instance waits for it, then sends what changed meanwhile. @returns what `work` returns
   */
  private async whileUnderWay<T>(names: string[], work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    for (const name of names) this.underWay.set(name, settled);
    try {
      return await work;
    } finally {
      for (const name of names) if (this.underWay.get(name) === settled) this.underWay.delete(name);
    }
  }

  /**
   * One attempt: takes the (connection, Token) lease, sends the Token's latest state, and marks what it sent delivered
   * (a change made meanwhile stays pending, for its own job). @throws to retry (the CPO failed, or another attempt holds it)
   */
  private async attempt(job: TokenPushJob, context: JobContext): Promise<void> {
    const key = [job.connectionId, job.tokenType, job.uid];
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [claimed]: [Claimed[], number] = await this.db.query(
      `UPDATE token_push SET lease_until = now() + interval '${LEASE_SECONDS} seconds'
       WHERE connection_id = $1 AND token_type = $2 AND token_uid_lower = $3 AND pending_seq IS NOT NULL AND (lease_until IS NULL OR lease_until < now())
       RETURNING token_type, token_uid_lower, pending_kind, pending_seq`,
      key,
    );
    if (claimed.length === 0) {
      const [held]: unknown[] = await this.db.query(
        `SELECT 1 FROM token_push WHERE connection_id = $1 AND token_type = $2 AND token_uid_lower = $3 AND pending_seq IS NOT NULL`,
        key,
      );
      if (held) throw new Error('another attempt is pushing this Token now');
      return; // delivered already (by an attempt that sent the latest state)
    }
    const sent = await this.deliver(job.connectionId, claimed, Number.POSITIVE_INFINITY, context.signal);
    // The explanation only: the call's URL names the Token's uid, which our logs never show (the job queue logs this).
    if (sent.failed > 0 || sent.unsent > 0) throw new Error(sent.lastError ?? 'the push was cut short (the service is stopping)');
  }

  /**
   * One drain job: claims the connection's pending changes DRAIN_CHUNK at a time, oldest first, and sends them (see
   * deliver), until none is left that this run has not tried; a Token that failed in this run waits for the job's retry.
   * Hands on to a new drain after DRAIN_RUN_SECONDS (a long backlog, a slow CPO), and also while another attempt holds
   * a Token still pending (it may send a state older than the change this drain is for).
   * @throws to retry with backoff: the CPO took none of a chunk (it is down: the rest waits, untried), or refused some Token
   */
  private async drain(job: TokenDrainJob, context: JobContext): Promise<void> {
    const [{ now: runStart }]: Array<{ now: Date }> = await this.db.query(`SELECT now() AS now`);
    const handOnAt = Date.now() + DRAIN_RUN_SECONDS * 1000;
    let failed = 0;
    let lastError: string | null = null;
    for (;;) {
      if (context.signal.aborted) throw new Error('the drain was cut short (the service is stopping or the job expired)');
      if (Date.now() > handOnAt) {
        await this.jobs.send(TOKEN_DRAIN_QUEUE, job, { singletonKey: job.connectionId });
        break;
      }
      const claimed = await this.claimChunk(job.connectionId, runStart);
      if (claimed.length === 0) {
        const [{ leased }]: Array<{ leased: boolean }> = await this.db.query(
          `SELECT EXISTS (SELECT 1 FROM token_push WHERE connection_id = $1 AND pending_seq IS NOT NULL AND lease_until >= now()) AS leased`,
          [job.connectionId],
        );
        if (leased) await this.jobs.send(TOKEN_DRAIN_QUEUE, job, { singletonKey: job.connectionId, startAfterSeconds: 1 });
        break;
      }
      const names = claimed.map((c) => keyOf({ connectionId: job.connectionId, tokenType: c.token_type, uid: c.token_uid_lower }));
      const sent = await this.whileUnderWay(names, this.deliver(job.connectionId, claimed, Date.now() + SEND_WINDOW_SECONDS * 1000, context.signal));
      failed += sent.failed;
      lastError = sent.lastError ?? lastError;
      if (sent.delivered === 0 && sent.failed > 0) throw new Error(`the CPO took none of ${sent.failed} Tokens: ${sent.lastError}`);
    }
    if (failed > 0) throw new Error(`${failed} Tokens not taken by the CPO (the others landed), last: ${lastError}`);
  }

  /**
   * Leases the connection's next DRAIN_CHUNK pending changes, oldest first, that no other attempt holds and that did not
   * fail since `runStart` (this run's failures wait for its retry). The lease lasts the send window and a call's lease.
   */
  private async claimChunk(connectionId: string, runStart: Date): Promise<Claimed[]> {
    const [claimed]: [Claimed[], number] = await this.db.query(
      `UPDATE token_push t SET lease_until = now() + interval '${SEND_WINDOW_SECONDS + LEASE_SECONDS} seconds'
       FROM (SELECT token_type, token_uid_lower FROM token_push
             WHERE connection_id = $1 AND pending_seq IS NOT NULL AND (lease_until IS NULL OR lease_until < now())
               AND NOT (last_error IS NOT NULL AND last_attempt_at >= $2)
             ORDER BY pending_since, pending_seq LIMIT $3 FOR UPDATE SKIP LOCKED) c
       WHERE t.connection_id = $1 AND t.token_type = c.token_type AND t.token_uid_lower = c.token_uid_lower
         AND (t.lease_until IS NULL OR t.lease_until < now())
       RETURNING t.token_type, t.token_uid_lower, t.pending_kind, t.pending_seq`,
      [connectionId, runStart, DRAIN_CHUNK],
    );
    return claimed;
  }

  /**
   * Sends the latest state of each claimed Token to the connection's Tokens Receiver, DRAIN_SENDS at a time, in change
   * order; a send starts only until `sendBy` (epoch ms: so that each starts with a call's lease left) and while `signal`
   * is not aborted. Then settles every one in one statement: delivered up to the state sent, failed (error kept, still
   * pending), dropped (nothing to deliver there any more) or unsent (lease freed). @returns the counts and the last
   * failure's explanation. @throws only when the database fails (the leases then lapse)
   */
  private async deliver(connectionId: string, claimed: Claimed[], sendBy: number, signal: AbortSignal): Promise<Delivery> {
    const ordered = [...claimed].sort((a, b) => Number(a.pending_seq) - Number(b.pending_seq));
    const outcomes = await this.sendAll(connectionId, ordered, sendBy, signal);
    await this.db.query(
      `UPDATE token_push p SET lease_until = NULL,
           attempts = p.attempts + CASE WHEN x.outcome = 'UNSENT' THEN 0 ELSE 1 END,
           last_attempt_at = CASE WHEN x.outcome = 'UNSENT' THEN p.last_attempt_at ELSE now() END,
           last_error = CASE WHEN x.outcome = 'UNSENT' THEN p.last_error ELSE x.error END,
           delivered_seq = COALESCE(x.sent, p.delivered_seq), delivered_at = CASE WHEN x.sent IS NULL THEN p.delivered_at ELSE now() END,
           pending_kind = CASE WHEN x.outcome = 'DROPPED' OR p.pending_seq <= x.sent THEN NULL ELSE p.pending_kind END,
           pending_since = CASE WHEN x.outcome = 'DROPPED' OR p.pending_seq <= x.sent THEN NULL ELSE p.pending_since END,
           pending_seq = CASE WHEN x.outcome = 'DROPPED' OR p.pending_seq <= x.sent THEN NULL ELSE p.pending_seq END
         FROM jsonb_to_recordset($2::jsonb) AS x(token_type text, token_uid_lower text, outcome text, sent bigint, error text)
         WHERE p.connection_id = $1 AND p.token_type = x.token_type AND p.token_uid_lower = x.token_uid_lower`,
      [connectionId, JSON.stringify(outcomes)],
    );
    const count = (outcome: Outcome['outcome']) => outcomes.filter((o) => o.outcome === outcome).length;
    const lastError = outcomes.filter((o) => o.outcome === 'FAILED').at(-1)?.error ?? null;
    return { delivered: count('DELIVERED'), failed: count('FAILED'), unsent: count('UNSENT'), lastError };
  }

  /** The sends of deliver, each Token's outcome in `claimed`'s order; never throws for a Token (its failure is its outcome). */
  private async sendAll(connectionId: string, claimed: Claimed[], sendBy: number, signal: AbortSignal): Promise<Outcome[]> {
    const outcomeOf = (c: Claimed, outcome: Outcome['outcome'], sent: number | null, error: string | null): Outcome => ({
      token_type: c.token_type,
      token_uid_lower: c.token_uid_lower,
      outcome,
      sent,
      error,
    });
    let session: CpoSession;
    try {
      session = await this.connections.session(connectionId);
    } catch (error) {
      return claimed.map((c) => outcomeOf(c, 'FAILED', null, (error as Error).message));
    }
    const { adapter, connection } = session;
    const url = adapter.receiverUrl(connection.theirEndpoints, 'tokens');
    const tokens = new Map((await this.store.getMany(claimed.map((c) => ({ type: c.token_type, uid: c.token_uid_lower })))).map((t) => [`${t.type}|${t.uid.toLowerCase()}`, t]));
    const target = targetOf(connection, adapter.version, adapter.tokenEncoding, session.token, session.fallbackToken);
    const { countryCode, partyId } = this.config.ourParty;
    const owner = { country_code: countryCode, party_id: partyId };
    const sendOne = async (c: Claimed): Promise<Outcome> => {
      const token = tokens.get(`${c.token_type}|${c.token_uid_lower}`);
      if (!token || !url || !adapter.tokens.types.includes(token.type)) {
        // Nothing to deliver there any more (the CPO dropped its Tokens Receiver): the change is dropped, not retried.
        return outcomeOf(c, 'DROPPED', null, 'the CPO no longer lists a Tokens Receiver, or the Token is gone: not pushed');
      }
      if (signal.aborted || Date.now() > sendBy) return outcomeOf(c, 'UNSENT', null, null);
      // mod_tokens 2.2.1 §PATCH Method: last_updated is required; a block is { valid: false, last_updated }.
      const patch = c.pending_kind === 'PATCH' && !token.valid;
      const body = patch ? { valid: false, last_updated: ocpiTimestamp(new Date(token.last_updated)) } : adapter.tokens.serialiseToken(token, owner);
      try {
        await this.caller.request(target, {
          method: patch ? 'PATCH' : 'PUT',
          url: adapter.tokens.pushUrl(url, owner, token),
          body,
          context: { connectionId: connection.id, module: 'tokens' },
          signal,
        });
        return outcomeOf(c, 'DELIVERED', token.change_seq, null);
      } catch (error) {
        return outcomeOf(c, 'FAILED', null, error instanceof OcpiCallError ? error.explanation : (error as Error).message);
      }
    };
    const outcomes: Outcome[] = new Array<Outcome>(claimed.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(DRAIN_SENDS, claimed.length) }, async () => {
        for (let i = next++; i < claimed.length; i = next++) outcomes[i] = await sendOne(claimed[i]);
      }),
    );
    return outcomes;
  }
}

/** A pending change leased by an attempt: its Token's key, PUT or PATCH, and its change number (bigint: a string). */
interface Claimed {
  token_type: TokenType;
  token_uid_lower: string;
  pending_kind: 'PUT' | 'PATCH';
  pending_seq: string;
}

/** What became of one claimed change: `sent` the change number delivered; `error` why it failed or was dropped. */
interface Outcome {
  token_type: TokenType;
  token_uid_lower: string;
  outcome: 'DELIVERED' | 'FAILED' | 'DROPPED' | 'UNSENT';
  sent: number | null;
  error: string | null;
}

/** The counts of one deliver, and the explanation of its last failure. */
interface Delivery {
  delivered: number;
  failed: number;
  unsent: number;
  lastError: string | null;
}

/** The job's singletonKey: one job waits per (connection, Token). */
function keyOf(job: TokenPushJob): string {
  return `${job.connectionId}|${job.tokenType}|${job.uid}`;
}

function jobOf(data: TokenPushJob): { data: TokenPushJob; singletonKey: string } {
  return { data, singletonKey: keyOf(data) };
}

/** A connection's drain job: one waits per connection. */
function drainOf(connectionId: string): { data: TokenDrainJob; singletonKey: string } {
  return { data: { connectionId }, singletonKey: connectionId };
}
