import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuthorizationLog } from './authorization-log';
import { AllowedType, AuthorizationInfo, CanonicalToken, LocationReferences, TokenType } from './token.model';
import { TokenCache } from './token-cache';
import { inScope } from './token-scope';
import { TokenScope } from './token.store';

/**
 * The answer for a known Token, in this order: BLOCKED when valid is false (the app blocked it); EXPIRED once
 * valid_until has passed; NOT_ALLOWED when the asking connection's scope leaves the Token out (the Token is ours
 * and valid, but not for this CPO's locations); then the app backend's denial (NO_CREDIT or NOT_ALLOWED); else
 * ALLOWED. The Location plays no further part: we hold no per-location rules, so a request without
 * LocationReferences is answered in full (never 2002).
 */
export function decide(token: CanonicalToken, scope: TokenScope, now: Date): AllowedType {
  if (!token.valid) return 'BLOCKED';
  if (token.valid_until !== null && Date.parse(token.valid_until) <= now.getTime()) return 'EXPIRED';
  if (!inScope(token, scope)) return 'NOT_ALLOWED';
  return token.denial ?? 'ALLOWED';
}

/** What a CPO asked (mod_tokens §POST Method), version-neutral. */
export interface AuthorizationRequest {
  uid: string;
  type: TokenType;
  connectionId: string;
  version: string;
  location: LocationReferences | null;
  /** Whether the version has authorization_reference (2.2+). */
  withReference: boolean;
}

/** Real-time authorization from memory (TokenCache), each answer recorded off the request path (AuthorizationLog). */
@Injectable()
export class TokenAuthorizer {
  constructor(
    private readonly cache: TokenCache,
    private readonly log: AuthorizationLog,
  ) {}

  /**
   * The AuthorizationInfo for `request`, or null when we hold no such Token (the caller answers "unknown Token").
   * An ALLOWED answer in 2.2+ carries a new authorization_reference (a UUID: 36 characters, the CiString(36) limit).
   * The location is echoed as asked: every EVSE asked for is allowed, since no rule of ours depends on the EVSE.
   */
  authorize(request: AuthorizationRequest, now = new Date()): AuthorizationInfo | null {
    const token = this.cache.get(request.uid, request.type);
    if (!token) return null;
    const allowed = decide(token, this.cache.scopeOf(request.connectionId), now);
    const reference = allowed === 'ALLOWED' && request.withReference ? randomUUID() : null;
    this.log.record({
      token_uid: token.uid,
      token_type: token.type,
      connection_id: request.connectionId,
      ocpi_version: request.version,
      location_id: request.location?.location_id ?? null,
      evse_uids: request.location ? request.location.evse_uids : null,
      connector_ids: request.location ? request.location.connector_ids : null,
      allowed,
      authorization_reference: reference,
      answered_at: now.toISOString(),
    });
    // mod_tokens §AuthorizationInfo location: "if the EV driver is allowed to charge at that location".
    return { allowed, token, location: allowed === 'ALLOWED' ? request.location : null, authorization_reference: reference };
  }
}
