import { Injectable } from '@nestjs/common';
import { StoredToken, TokenScope } from './token.store';

/** What changed: a block alone (valid = false), or anything else. */
export type TokenChangeKind = 'BLOCK' | 'CHANGE';

/** Told of every change made through the internal API, after it is stored; must not throw (it is awaited). */
export type TokenChangeListener = (tokens: StoredToken[], kind: TokenChangeKind) => Promise<void>;

/** Told of a connection's token scope set through the operations API (after it is stored); must not throw. */
export type TokenScopeListener = (connectionId: string, before: TokenScope, after: TokenScope) => Promise<void>;

/**
 * Where the Token changes of the internal API are announced, for the domains that act on them (token-pushes sends them
 * to the CPOs) without the tokens domain knowing them.
 */
@Injectable()
export class TokenChanges {
  private readonly listeners: TokenChangeListener[] = [];
  private readonly scopeListeners: TokenScopeListener[] = [];

  /** Adds a listener (at module init). */
  listen(listener: TokenChangeListener): void {
    this.listeners.push(listener);
  }

  /** Tells every listener, one after the other. */
  async announce(tokens: StoredToken[], kind: TokenChangeKind): Promise<void> {
    if (tokens.length === 0) return;
    for (const listener of this.listeners) await listener(tokens, kind);
  }

  /** Adds a listener of scope changes (at module init). */
  listenScope(listener: TokenScopeListener): void {
    this.scopeListeners.push(listener);
  }

  /** Tells every scope listener, one after the other. */
  async announceScope(connectionId: string, before: TokenScope, after: TokenScope): Promise<void> {
    for (const listener of this.scopeListeners) await listener(connectionId, before, after);
  }
}
