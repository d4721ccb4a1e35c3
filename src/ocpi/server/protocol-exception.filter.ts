import { ArgumentsHost, Catch, HttpException, HttpStatus, Inject, Injectable, Optional, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../../database/database-outage';
import { adapterFor, SUPPORTED_VERSIONS } from '../versions/version-registry';
import { OCPI_CALL_RECORDER, OcpiCallRecorder } from '../wire/ocpi-call-recorder';
import { OcpiError } from '../wire/ocpi-error';
import { OcpiExceptionFilter, RETRY_AFTER_SECONDS } from './ocpi-exception.filter';
import { OCPI_PARTNERS, OcpiPartner, OcpiPartners } from './ocpi-partners.port';

/** Fastify says only "Unsupported Media Type" or "Request body is too large": name what came, what we read, the limit. */
function plainWords(exception: unknown, request: FastifyRequest): unknown {
  if (!(exception instanceof HttpException)) return exception;
  // Thrown by a route of ours (e.g. a streamed invoice over its own limit): already in our words.
  if (exception instanceof PayloadTooLargeException || exception instanceof UnsupportedMediaTypeException) return exception;
  const status = exception.getStatus();
  if (status === Number(HttpStatus.UNSUPPORTED_MEDIA_TYPE)) {
    const type = String(request.headers['content-type'] ?? 'none').slice(0, 100);
    return new HttpException(`Content-Type "${type}" is not supported: request bodies are application/json`, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  }
  if (status === Number(HttpStatus.PAYLOAD_TOO_LARGE)) {
    // The route's bodyLimit: OCPI_MAX_BODY_BYTES (Fastify refused the body before reading it whole).
    return new HttpException(`Request body larger than the ${request.routeOptions.bodyLimit} bytes we accept`, HttpStatus.PAYLOAD_TOO_LARGE);
  }
  return exception;
}

/**
 * The global exception filter: errors that no controller's own filter answered, above all those the framework raises
 * before a controller runs (a body that is not JSON, nested too deep, too large, an unsupported Content-Type, a path we
 * do not serve, and the router's own errors, handed here by answerFrameworkErrors).
 * Under /ocpi/ they are answered as OCPI (an envelope with 2000/2001/3000, transport_and_format 2.2.1 §Response
 * format) and call-logged against the calling CPO when its token identifies it, since no guard has run yet;
 * elsewhere (internal and operations APIs) Nest's own HTTP answer is kept.
 */
@Catch()
@Injectable()
export class ProtocolExceptionFilter extends BaseExceptionFilter {
  private readonly ocpi: OcpiExceptionFilter;

  constructor(
    @Inject(OCPI_PARTNERS) private readonly partners: OcpiPartners,
    @Optional() @Inject(OCPI_CALL_RECORDER) recorder?: OcpiCallRecorder,
  ) {
    super();
    this.ocpi = new OcpiExceptionFilter(recorder);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest & { ocpiPartner?: OcpiPartner }>();
    if (!request.url.startsWith('/ocpi/')) {
      if (!isDatabaseUnavailable(exception)) return super.catch(plainWords(exception, request), host);
      // The internal and operations APIs: retry later, as on our OCPI endpoints (never a bare 500 for an outage).
      const message = 'Temporarily unavailable (our database cannot be reached): retry later.';
      void host
        .switchToHttp()
        .getResponse<FastifyReply>()
        .status(503)
        .header('Retry-After', String(RETRY_AFTER_SECONDS))
        .send({ statusCode: 503, error: 'Service Unavailable', message });
      return;
    }
    // Over its rate limit: answered at once, without a database lookup (it is not call-logged either).
    if (exception instanceof OcpiError && exception.httpStatus === Number(HttpStatus.TOO_MANY_REQUESTS)) return this.ocpi.catch(exception, host);
    // The answer waits for the lookup of the caller (for the call log); identify() never rejects.
    void this.identify(request).then((partner) => {
      request.ocpiPartner ??= partner ?? undefined;
      this.ocpi.catch(plainWords(exception, request), host);
    });
  }

  /** The partner whose token the request carries, in either encoding; null when none matches or the lookup fails. */
  private async identify(request: FastifyRequest & { ocpiPartner?: OcpiPartner }): Promise<OcpiPartner | null> {
    if (request.ocpiPartner) return request.ocpiPartner;
    const version = (request.url.split('/')[3] ?? '').split('?')[0];
    const encoding = (adapterFor(version) ?? SUPPORTED_VERSIONS[0]).tokenEncoding;
    try {
      return (await this.partners.findByAuthorization(request.headers.authorization, encoding))?.partner ?? null;
    } catch {
      return null;
    }
  }
}
