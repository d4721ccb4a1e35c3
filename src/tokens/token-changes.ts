import { Injectable } from '@nestjs/common';
import { StoredToken } from './token.store';

/** What changed: a block alone (valid = false), or anything else. */
export type TokenChangeKind = 'BLOCK' | 'CHANGE';

/** Told of every change made through the internal API, after it is stored; must not throw (it is awaited). */
export type TokenChangeListener = (tokens: StoredToken[], kind: TokenChangeKind) => Promise<void>;

/**
 * Where the Token changes of the internal API are announced, for the domains that act on them (token-pushes sends them
 * to the CPOs) without the tokens domain knowing them.
 */
@Injectable()
export class TokenChanges {
  private readonly listeners: TokenChangeListener[] = [];

  /** Adds a listener (at module init). */
  listen(listener: TokenChangeListener): void {
    this.listeners.push(listener);
  }

  /** Tells every listener, one after the other. */
  async announce(tokens: StoredToken[], kind: TokenChangeKind): Promise<void> {
    if (tokens.length === 0) return;
    for (const listener of this.listeners) await listener(tokens, kind);
  }
}
