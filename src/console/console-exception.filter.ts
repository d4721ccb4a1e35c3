import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../database/database-outage';
import { ConsoleLoginRequired } from './console-auth';
import { html } from './html';
import { layout, redirectTo, sendPage } from './layout';

/** The message of an HttpException in plain text (Nest's bodies carry a string or, from validation, a list). */
export function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * Every error on a console page, as a page: no session → 303 to the login form (back to the page asked for after it,
 * for a GET); an HttpException (404 unknown connection, 400 a malformed id, 403 a cross-site form) → its status with
 * its message; our database unreachable → 503 "retry"; anything else → 500 "logged" (the details go to the log only).
 */
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ConsoleExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof ConsoleLoginRequired) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      void redirectTo(reply, `/console/login${next}`);
      return;
    }
    const path = request.url.split('?')[0];
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      void sendPage(reply, errorPage(path, status, messageOf(exception)), status);
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      void sendPage(
        reply.header('Retry-After', '5'),
        errorPage(path, HttpStatus.SERVICE_UNAVAILABLE, 'Our database cannot be reached right now: reload this page in a few seconds.'),
        503,
      );
      return;
    }
    this.logger.error(exception);
    void sendPage(reply, errorPage(path, HttpStatus.INTERNAL_SERVER_ERROR, 'Something went wrong on our side; it has been logged.'), 500);
  }
}

function errorPage(path: string, status: number, message: string) {
  return layout({ title: `Error ${status}`, path, error: message, body: html`<p><a href="/console/connections">Back to the connections</a></p>` });
}
