import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The body of a push to a Receiver interface, as parsed, for the intake step to judge: undefined when the request had
 * no body. Unlike `@Body()`, the global pipe leaves it alone, so an object with text PostgreSQL cannot hold reaches the
 * intake step, which refuses it (OCPI 2001) and keeps it raw in rejected_object rather than only in the call log.
 */
export const PushedObject = createParamDecorator((_data: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<FastifyRequest>().body);
