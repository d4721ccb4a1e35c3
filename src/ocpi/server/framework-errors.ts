import { ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { ocpiFailure } from '../wire/ocpi-response';
import { OcpiStatus } from '../wire/ocpi-status';

/**
 * Longest path segment the router reads (Fastify's maxParamLength). OCPI ids are at most 39 characters (CiString(39),
 * a 2.2.1 CDR id), our own ids are UUIDs (36): a longer segment names nothing we hold.
 */
export const MAX_PATH_SEGMENT = 100;

/**
 * Fastify's `frameworkErrors`: the errors its router raises before any route, Nest filter or hook runs (a URL that is
 * not valid percent-encoded UTF-8, a path segment longer than {@link MAX_PATH_SEGMENT}), handed as an HttpException to
 * `filter()` (the global ProtocolExceptionFilter once the application exists), so they are answered like every other
 * error: an OCPI envelope under /ocpi/ (and call-logged against the calling CPO), HTTP terms elsewhere.
 */
export function answerFrameworkErrors(filter: () => ExceptionFilter | undefined) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const exception = frameworkErrorAsHttpException(error, request.url);
    const answering = filter();
    // Only before the application exists, when nothing can reach this: the framework's answer in our words.
    if (!answering) {
      void reply.status(exception.getStatus()).send({ statusCode: exception.getStatus(), message: exception.message });
      return;
    }
    answering.catch(exception, new ExecutionContextHost([request, reply]));
  };
}

function frameworkErrorAsHttpException(error: FastifyError, url: string): HttpException {
  // A URL is the caller's text: shown cut, so an answer never grows with it.
  const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
  if (error.code === 'FST_ERR_BAD_URL') return new HttpException(`The URL '${shown}' is not valid percent-encoded UTF-8`, HttpStatus.BAD_REQUEST);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new HttpException(`A path segment is longer than the ${MAX_PATH_SEGMENT} characters we read`, HttpStatus.URI_TOO_LONG);
  }
  return new HttpException(error.message, error.statusCode ?? HttpStatus.BAD_REQUEST);
}

/** An error Node's HTTP parser raised, with the bytes of the request it was reading (a Buffer; typed loosely by Fastify). */
type ClientError = Error & { code?: string; rawPacket?: unknown };

/**
 * The server's `clientError` handler (Fastify's `clientErrorHandler`): requests Node's HTTP parser refuses before
 * Fastify sees them, above all headers larger than Node's limit (http.maxHeaderSize, 16 KiB), answered 431. Under
 * /ocpi/ (read from the request line the parser had) the answer is an OCPI envelope (2001 for a request that is not
 * HTTP, 2000 otherwise); elsewhere the JSON Fastify itself would send. Node's limit stays as it is: OCPI headers are
 * short (a token is at most 64 characters), proxies in front of a CPO refuse far smaller ones, and a larger buffer
 * would only let every caller, authenticated or not, make us hold more. Not call-logged: no request exists yet.
 */
export function answerClientError(error: ClientError, socket: Socket): void {
  // The connection is gone: nobody to answer (as Fastify's own handler does).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, message } = describeClientError(error.code);
  const reason = http.STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify(
    isOcpiRequest(error.rawPacket)
      ? ocpiFailure(status === 400 ? OcpiStatus.INVALID_OR_MISSING_PARAMETERS : OcpiStatus.CLIENT_ERROR, message)
      : { statusCode: status, error: reason, message },
  );
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

function describeClientError(code: string | undefined): { status: number; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, message: `Request headers larger than the ${http.maxHeaderSize} bytes we read` };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, message: 'The request did not arrive in time' };
  return { status: 400, message: `The request is not valid HTTP/1.1 (${code ?? 'unknown parser error'})` };
}

/** Whether the request line in `raw` names a path under /ocpi/ (origin form, or absolute form with a host). */
function isOcpiRequest(raw: unknown): boolean {
  if (!Buffer.isBuffer(raw)) return false;
  return /^[A-Z]+ (?:https?:\/\/[^/\s]*)?\/ocpi\//i.test(raw.subarray(0, 1024).toString('latin1'));
}
