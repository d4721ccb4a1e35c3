import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { OcpiError } from './ocpi-error';
import { ocpiFailure } from './ocpi-response';
import { OcpiStatus } from './ocpi-status';

/**
 * Every error on an OCPI-facing route leaves as an OCPI envelope (transport_and_format 2.2.1 §Response
 * format; status_codes 2.2.1): OcpiError as it says, HTTP errors with 2000 (client) or 3000 (server),
 * anything unexpected as HTTP 500 / 3000 with the details logged, never returned.
 */
@Catch()
export class OcpiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OcpiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof OcpiError) {
      void reply.status(exception.httpStatus).send(ocpiFailure(exception.ocpiStatus, exception.message));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = status >= 500 ? OcpiStatus.SERVER_ERROR : OcpiStatus.CLIENT_ERROR;
      void reply.status(status).send(ocpiFailure(code, exception.message));
      return;
    }
    this.logger.error(exception);
    void reply.status(HttpStatus.INTERNAL_SERVER_ERROR).send(ocpiFailure(OcpiStatus.SERVER_ERROR, 'Internal error; it has been logged.'));
  }
}
