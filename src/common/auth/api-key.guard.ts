import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';

/** Header that carries the API key of the internal and operations APIs. */
export const API_KEY_HEADER = 'x-api-key';

/** Whether `presented` is the string `expected`, compared in constant time (no length-equal prefix leaks by timing). */
export function keyMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Admits requests whose X-API-Key is INTERNAL_API_KEY (mobile-app backend). @throws 401 */
@Injectable()
export class InternalApiKeyGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}
  canActivate(context: ExecutionContext): boolean {
    const key = context.switchToHttp().getRequest<FastifyRequest>().headers[API_KEY_HEADER];
    if (keyMatches(key, this.config.env.INTERNAL_API_KEY)) return true;
    throw new UnauthorizedException('Missing or wrong X-API-Key for the internal API');
  }
}

/** Admits requests whose X-API-Key is OPERATIONS_API_KEY (connecting CPOs, sync, errors). @throws 401 */
@Injectable()
export class OperationsApiKeyGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}
  canActivate(context: ExecutionContext): boolean {
    const key = context.switchToHttp().getRequest<FastifyRequest>().headers[API_KEY_HEADER];
    if (keyMatches(key, this.config.env.OPERATIONS_API_KEY)) return true;
    throw new UnauthorizedException('Missing or wrong X-API-Key for the operations API');
  }
}

/** Admits requests whose X-API-Key is FINANCE_API_KEY (the finance team's CDR reconciliation). @throws 401 */
@Injectable()
export class FinanceApiKeyGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}
  canActivate(context: ExecutionContext): boolean {
    const key = context.switchToHttp().getRequest<FastifyRequest>().headers[API_KEY_HEADER];
    if (keyMatches(key, this.config.env.FINANCE_API_KEY)) return true;
    throw new UnauthorizedException('Missing or wrong X-API-Key for the finance API');
  }
}
