import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { checkConsoleSession, CONSOLE_COOKIE, CONSOLE_SESSION_SECONDS, consoleSessionKey, cookieValue, SessionRefusal, signConsoleSession } from './session-cookie';

/** Thrown when a console page is asked for without a valid session: answered by a redirect to the login form. */
export class ConsoleLoginRequired extends Error {
  constructor(readonly refusal: SessionRefusal) {
    super(`console login required (${refusal})`);
  }
}

/** Thrown for a state-changing request that did not come from a console page: answered 403. */
export class CrossSiteRequestRefused extends ForbiddenException {
  constructor() {
    super('This form was not sent from a console page (its Origin or Referer is another site, or missing): open the page and send it again.');
  }
}

/** Methods that change nothing: no cross-site check (they must stay so). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The cross-site check of a state-changing request, besides SameSite=Strict on the cookie: its Origin (every current
 * browser sends one on a form POST), else its Referer, must name the host the request was sent to. Neither: refused.
 * @throws CrossSiteRequestRefused
 */
export function assertSameOrigin(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const host = request.headers.host;
  const origin = request.headers.origin ?? request.headers.referer;
  if (!host || !origin || origin === 'null') throw new CrossSiteRequestRefused();
  let sentFrom: string;
  try {
    sentFrom = new URL(origin).host;
  } catch {
    throw new CrossSiteRequestRefused();
  }
  if (sentFrom !== host) throw new CrossSiteRequestRefused();
}

/** Whether the request reached us over HTTPS (directly, or through a proxy that says so): then the cookie is Secure. */
function overHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0].trim();
  return request.protocol === 'https' || first === 'https';
}

/**
 * Console sessions: a signed, expiring cookie (see session-cookie.ts), HttpOnly, SameSite=Strict, Path=/console,
 * Secure over HTTPS. Nothing is stored server-side, so every instance accepts every session.
 */
@Injectable()
export class ConsoleSessions {
  constructor(private readonly config: AppConfig) {}

  /** The signing key, derived from the current OPERATIONS_API_KEY (read on each use: AppConfig reads env each time). */
  private key(): Buffer {
    return consoleSessionKey(this.config.env.OPERATIONS_API_KEY);
  }

  /** Why the request's session is refused, or null when it is valid. */
  refusal(request: FastifyRequest): SessionRefusal | null {
    return checkConsoleSession(this.key(), cookieValue(request.headers.cookie, CONSOLE_COOKIE));
  }

  /** Sets a new session cookie on `reply`, valid {@link CONSOLE_SESSION_SECONDS}. */
  open(request: FastifyRequest, reply: FastifyReply): void {
    const value = signConsoleSession(this.key(), new Date(Date.now() + CONSOLE_SESSION_SECONDS * 1000));
    void reply.header('Set-Cookie', this.cookie(request, value, CONSOLE_SESSION_SECONDS));
  }

  /** Clears the session cookie (logout). The value itself stays valid until it expires: there is no server-side list. */
  close(request: FastifyRequest, reply: FastifyReply): void {
    void reply.header('Set-Cookie', this.cookie(request, '', 0));
  }

  private cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
    return `${CONSOLE_COOKIE}=${value}; Path=/console; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${overHttps(request) ? '; Secure' : ''}`;
  }
}

/**
 * Guards every console page but the login form: a valid session (else {@link ConsoleLoginRequired}, a redirect to the
 * login), and for POSTs the cross-site check ({@link assertSameOrigin}).
 */
@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(private readonly sessions: ConsoleSessions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const refusal = this.sessions.refusal(request);
    if (refusal !== null) throw new ConsoleLoginRequired(refusal);
    assertSameOrigin(request);
    return true;
  }
}
