import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { heldKey, HeldTokenRow, heldRowOf } from './held-token';
import { PackedTokens, StringTable } from './packed-tokens';
import { CanonicalToken, TokenType } from './token.model';
import { StoredToken, TokenScope, TokenStore } from './token.store';

/** How often each instance reads the changes past the last one it saw: well within the one second allowed. */
export const TOKEN_REFRESH_MS = 250;
/** Rows read per query while catching up (at start: the whole set, in batches). */
const BATCH = 20_000;

/**
 * Every Token and every connection's scope, held in memory so that a real-time authorization (mod_tokens §POST
 * Method) is answered without a database round trip. Loaded whole before the service listens, then kept fresh by
 * reading, every TOKEN_REFRESH_MS, the rows whose change number is past the last one seen (one indexed query that
 * returns nothing when nothing changed): a change made through any instance reaches every instance within
 * TOKEN_REFRESH_MS plus one query. The instance that made a change applies it at once (read your writes).
 * When the database is unreachable, answers keep coming from the last copy and the catch-up resumes after.
 * The Tokens of each type are packed into a few typed arrays (PackedTokens: about 100 bytes a Token, where an object
 * per Token took about 235 and whole objects over 500), found by the upper-cased uid and rebuilt whole only when asked
 * for: a million Tokens are not millions of objects for every major garbage collection to trace.
 */
@Injectable()
export class TokenCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TokenCache.name);
  private readonly tokens = new Map<TokenType, PackedTokens>();
  private strings = new StringTable();
  private readonly scopes = new Map<string, TokenScope>();
  /** The change number (token_change_seq) of each held scope. */
  private readonly scopeSeqs = new Map<string, number>();
  private tokenSeq = 0;
  private scopeSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly store: TokenStore) {}

  async onModuleInit(): Promise<void> {
    await this.catchUp();
    this.timer = setInterval(() => void this.refresh(), TOKEN_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** The Token (uid case-insensitive), or undefined when we hold none. */
  get(uid: string, type: TokenType): CanonicalToken | undefined {
    return this.tokens.get(type)?.get(heldKey(uid), type);
  }

  /** A connection's scope: ALL unless one was set. */
  scopeOf(connectionId: string): TokenScope {
    return this.scopes.get(connectionId) ?? ALL;
  }

  /** How many Tokens are held. */
  get size(): number {
    let n = 0;
    for (const held of this.tokens.values()) n += held.size;
    return n;
  }

  /** Bytes of the typed arrays the Tokens are packed into (outside the JS heap), for the benchmark's memory figure. */
  get packedBytes(): number {
    let n = 0;
    for (const held of this.tokens.values()) n += held.bytes;
    return n;
  }

  /**
   * Drops the copy and loads it again as at start (for the benchmark's memory figure: `before` runs once the old copy
   * is dropped, so the heap then is the service without Tokens). Resolves to the Tokens held and the load time, ms.
   */
  async reload(before: () => void = () => undefined): Promise<{ tokens: number; ms: number }> {
    await this.running;
    this.tokens.clear();
    this.strings = new StringTable();
    this.scopes.clear();
    this.scopeSeqs.clear();
    this.tokenSeq = 0;
    this.scopeSeq = 0;
    before();
    const t0 = performance.now();
    await this.catchUp();
    return { tokens: this.size, ms: Math.round(performance.now() - t0) };
  }

  /** Applies Tokens this instance has just written (the catch-up will read them again: kept only if newer). */
  apply(tokens: StoredToken[]): void {
    for (const t of tokens) this.put(heldRowOf(t));
  }

  /**
   * Applies a scope this instance has just set (change number `changeSeq`). A catch-up that read the scopes before this
   * change committed cannot put the older one back afterwards (see putScope).
   */
  applyScope(connectionId: string, scope: TokenScope, changeSeq: number): void {
    this.putScope(connectionId, scope, changeSeq);
  }

  /** Keeps `scope` for the connection unless a later change of it is held already. */
  private putScope(connectionId: string, scope: TokenScope, changeSeq: number): void {
    if ((this.scopeSeqs.get(connectionId) ?? 0) >= changeSeq) return;
    this.scopes.set(connectionId, scope);
    this.scopeSeqs.set(connectionId, changeSeq);
  }

  private put(t: HeldTokenRow): void {
    let ofType = this.tokens.get(t.type);
    if (!ofType) this.tokens.set(t.type, (ofType = new PackedTokens(this.strings)));
    ofType.put(heldKey(t.uid), t);
  }

  /** One catch-up unless one is running (a slow database never stacks queries). */
  private refresh(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.catchUp()
      .catch((error: unknown) => this.logger.warn(`Tokens not refreshed (answers come from the last copy): ${(error as Error).message}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const batch = await this.store.heldChangedSince(this.tokenSeq, BATCH);
      for (const t of batch) this.put(t);
      if (batch.length > 0) this.tokenSeq = batch[batch.length - 1].change_seq;
      if (batch.length < BATCH) break;
    }
    for (const s of await this.store.scopesChangedSince(this.scopeSeq)) {
      this.putScope(s.connection_id, s.scope, s.change_seq);
      this.scopeSeq = s.change_seq;
    }
  }
}

const ALL: TokenScope = { kind: 'ALL' };
