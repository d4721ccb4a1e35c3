import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, Logger, Optional } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { assertNever } from '../../common/assert-never';
import { RequestWithUnparsedBody } from './json-body-parser';
import { InvalidInputException } from '../../common/validation/invalid-input.exception';
import { isDatabaseUnavailable } from '../../database/database-outage';
import { OCPI_CALL_RECORDER, OcpiCallRecorder } from '../wire/ocpi-call-recorder';
import { OcpiError } from '../wire/ocpi-error';
import { ocpiFailure, OcpiResponse } from '../wire/ocpi-response';
import { OcpiStatus, OcpiStatusCode } from '../wire/ocpi-status';

/** What we ask a caller to wait when our database cannot be reached (a restart takes seconds). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Every error on an OCPI-facing route leaves as an OCPI envelope (transport_and_format 2.2.1 §Response
 * format; status_codes 2.2.1): OcpiError as it says, HTTP errors with 2001 (400: unreadable or invalid request),
 * 2000 (other client errors) or 3000 (server),
 * anything unexpected as HTTP 500 / 3000 with the details logged, never returned. Each one is written to the
 * call log (direction INCOMING) against the calling CPO's connection when it authenticated.
 */
@Catch()
export class OcpiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OcpiExceptionFilter.name);

  constructor(@Optional() @Inject(OCPI_CALL_RECORDER) private readonly recorder?: OcpiCallRecorder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    this.answerOn(exception, host.switchToHttp().getRequest(), host.switchToHttp().getResponse());
  }

  /** The filter's work outside Nest's pipeline (the real-time authorization route is a plain Fastify route): answers `exception` on `reply`. */
  answerOn(exception: unknown, request: RequestWithUnparsedBody & { ocpiPartner?: { id: string } }, reply: FastifyReply): void {
    const { httpStatus, body } = this.answer(exception);
    if (httpStatus === Number(HttpStatus.SERVICE_UNAVAILABLE)) void reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    void reply.status(httpStatus).send(body);
    // A CPO over its rate limit is refused before any work; logging each refusal would turn its flood into writes.
    if (httpStatus === Number(HttpStatus.TOO_MANY_REQUESTS)) return;
    void this.recorder?.record({
      direction: 'INCOMING',
      connectionId: request.ocpiPartner?.id ?? null,
      module: moduleOf(request.url),
      method: request.method,
      url: request.url,
      kind: httpStatus >= 400 ? 'HTTP_STATUS' : 'OCPI_STATUS',
      httpStatus,
      ocpiStatus: body.status_code,
      durationMs: typeof reply.elapsedTime === 'number' ? reply.elapsedTime : null,
      requestId: header(request, 'x-request-id'),
      correlationId: header(request, 'x-correlation-id'),
      requestBody: request.body ?? request.unparsedBody ?? null,
      responseBody: body,
      explanation: explainIncoming(httpStatus, body, exception instanceof OcpiError),
    });
  }

  private answer(exception: unknown): { httpStatus: number; body: OcpiResponse<never> } {
    if (exception instanceof OcpiError) return { httpStatus: exception.httpStatus, body: ocpiFailure(exception.ocpiStatus, exception.message) };
    // Content refused after it was read: the OCPI layer answers, in HTTP 200 (status_codes 2.2.1 §Status codes).
    if (exception instanceof InvalidInputException) return { httpStatus: HttpStatus.OK, body: ocpiFailure(OcpiStatus.INVALID_OR_MISSING_PARAMETERS, exception.message) };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // A 400 is a request we could not read or whose parameters are invalid: 2001 says exactly that.
      const code = status >= 500 ? OcpiStatus.SERVER_ERROR : status === 400 ? OcpiStatus.INVALID_OR_MISSING_PARAMETERS : OcpiStatus.CLIENT_ERROR;
      return { httpStatus: status, body: ocpiFailure(code, exception.message) };
    }
    if (isDatabaseUnavailable(exception)) {
      // Nothing was stored (no commit); the CPO should send it again (status_codes 2.2.1 §3xxx: server errors).
      this.logger.warn(`database unavailable, answered 503: ${(exception as Error).message}`);
      return {
        httpStatus: HttpStatus.SERVICE_UNAVAILABLE,
        body: ocpiFailure(OcpiStatus.SERVER_ERROR, 'Temporarily unavailable (our database cannot be reached); nothing was stored: retry later.'),
      };
    }
    this.logger.error(exception);
    return { httpStatus: HttpStatus.INTERNAL_SERVER_ERROR, body: ocpiFailure(OcpiStatus.SERVER_ERROR, 'Internal error; it has been logged.') };
  }
}

/** The OCPI module of one of our URLs: /ocpi/emsp/versions → versions, /ocpi/emsp/2.2.1 → versions, /ocpi/emsp/2.2.1/x → x. */
function moduleOf(url: string): string | null {
  const segments = url.split('?')[0].split('/').filter(Boolean);
  if (segments[0] !== 'ocpi') return null;
  if (segments.length <= 3) return 'versions';
  return segments[3];
}

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first.slice(0, 255) : null;
}

/** One line for operations: what the CPO did wrong (or we did) and what to do. */
function explainIncoming(httpStatus: number, body: OcpiResponse<never>, answeredByOurCode: boolean): string {
  const said = ` We answered: "${body.status_message}".`;
  if (httpStatus === 401) {
    return `the CPO called us without a credentials token we know (missing header, an old or foreign token, or the wrong encoding for its version): check that it uses the token we gave it at registration.${said}`;
  }
  if (httpStatus === 405) return `the CPO used a method this endpoint does not allow in the connection's state.${said}`;
  const code = body.status_code;
  // The registration codes (3001, 3003) go with HTTP 200; with a 404 or 5xx the HTTP status says more.
  const byHttp = httpStatus === 404 || httpStatus >= 500;
  switch (code) {
    case OcpiStatus.UNSUPPORTED_VERSION:
      return `the CPO asked for an OCPI version we do not speak, or does not offer the version it called us on.${said}`;
    case OcpiStatus.UNABLE_TO_USE_CLIENT_API:
      if (byHttp) return explainByHttpStatus(httpStatus, code, said, answeredByOurCode);
      return `we could not call the CPO back during its credentials POST or PUT (its versions or version details): check the URL in its credentials and its token.${said}`;
    case OcpiStatus.NO_MATCHING_ENDPOINTS:
      if (byHttp) return explainByHttpStatus(httpStatus, code, said, answeredByOurCode);
      return `the CPO's endpoints lack one we need (credentials, locations): it must offer them before registering.${said}`;
    case OcpiStatus.SUCCESS:
    case OcpiStatus.CLIENT_ERROR:
    case OcpiStatus.INVALID_OR_MISSING_PARAMETERS:
    case OcpiStatus.NOT_ENOUGH_INFORMATION:
    case OcpiStatus.UNKNOWN_LOCATION:
    case OcpiStatus.UNKNOWN_TOKEN:
    case OcpiStatus.SERVER_ERROR:
      return explainByHttpStatus(httpStatus, code, said, answeredByOurCode);
    default:
      return assertNever(code, 'OCPI status code');
  }
}

/** An answer whose OCPI status code says no more than its HTTP status. */
function explainByHttpStatus(httpStatus: number, code: OcpiStatusCode, said: string, answeredByOurCode: boolean): string {
  if (httpStatus === 404 && answeredByOurCode) return `the CPO asked for an object we do not hold (or one of another CPO), on an endpoint we serve.${said}`;
  if (httpStatus === 404) return `the CPO called an endpoint or version we do not serve: it may use outdated endpoint URLs; it should re-read our version details.${said}`;
  if (httpStatus >= 500) return `we failed while answering the CPO: see our error log at this time; not the CPO's fault.${said}`;
  return `we rejected the CPO's request (HTTP ${httpStatus}, OCPI ${code}): it sent something we could not accept.${said}`;
}
