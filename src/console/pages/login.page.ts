import { Body, Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { keyMatches } from '../../common/auth/api-key.guard';
import { AppConfig } from '../../config/app-config';
import { assertSameOrigin, ConsoleSessions } from '../console-auth';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { html } from '../html';
import { layout, redirectTo, sendPage } from '../layout';

/** Where to go after logging in: a console path only (never another site: `//host` or a scheme is refused). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console\/[^/\\]/.test(next) ? next : '/console/connections';
}

function loginPage(next: string, error: string | null) {
  return layout({
    title: 'Log in',
    path: '/console/login',
    signedIn: false,
    error,
    body: html`<form method="post" action="/console/login" class="card">
      <p>The console is for operations: give the operations key (the service's <code>OPERATIONS_API_KEY</code>).</p>
      <label for="key">Operations key</label>
      <input id="key" name="key" type="password" autocomplete="current-password" required autofocus />
      <input type="hidden" name="next" value="${next}" />
      <p><button type="submit">Log in</button></p>
    </form>`,
  });
}

/**
 * GET /console/login: the login form. POST /console/login (form: key, next): the operations key, compared in constant
 * time; right → a session cookie (see ConsoleSessions) and 303 to `next` (a console path); wrong → the form again, 401.
 * POST /console/logout: clears the cookie, 303 to the form. Both POSTs pass the cross-site check (403 otherwise).
 */
@ApiExcludeController()
@Controller('console')
@UseFilters(ConsoleExceptionFilter)
export class LoginPage {
  constructor(
    private readonly config: AppConfig,
    private readonly sessions: ConsoleSessions,
  ) {}

  @Get()
  root(@Res() reply: FastifyReply) {
    return redirectTo(reply, '/console/connections');
  }

  @Get('login')
  form(@Query('next') next: string | undefined, @Res() reply: FastifyReply) {
    return sendPage(reply, loginPage(safeNext(next), null));
  }

  @Post('login')
  login(@Req() request: FastifyRequest, @Body() body: Record<string, string> | undefined, @Res() reply: FastifyReply) {
    assertSameOrigin(request);
    const next = safeNext(body?.next);
    if (!keyMatches(body?.key, this.config.env.OPERATIONS_API_KEY)) {
      return sendPage(reply, loginPage(next, 'That is not the operations key.'), 401);
    }
    this.sessions.open(request, reply);
    return redirectTo(reply, next);
  }

  @Post('logout')
  logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    assertSameOrigin(request);
    this.sessions.close(request, reply);
    return redirectTo(reply, '/console/login');
  }
}
