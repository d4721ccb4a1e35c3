import { applyDecorators, HttpStatus, Type, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiResponse, ApiSecurity, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { FinanceApiKeyGuard, InternalApiKeyGuard, OperationsApiKeyGuard } from '../auth/api-key.guard';
import { ApiErrorBody } from './api-error';

/** Which API key a controller takes in X-API-Key: each client of ours has its own. */
export type ApiKeyKind = 'INTERNAL' | 'OPERATIONS' | 'FINANCE';

const GUARDS: Record<ApiKeyKind, Type> = { INTERNAL: InternalApiKeyGuard, OPERATIONS: OperationsApiKeyGuard, FINANCE: FinanceApiKeyGuard };

/** The name of the security scheme of the OpenAPI document (service.ts declares it: X-API-Key in the header). */
export const API_KEY_SECURITY = 'api-key';

/**
 * What every controller of the internal (mobile-app), operations and finance APIs shares: its tag, the X-API-Key header
 * holding `<key>_API_KEY` (security scheme and header parameter), the guard that checks it, and the errors any of its
 * endpoints may answer: 401 (missing or wrong key) and 503 (our database unreachable: retry after Retry-After).
 * Each endpoint lists its own errors besides with {@link ApiErrors}.
 */
export function InternalApi(tag: string, key: ApiKeyKind): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiSecurity(API_KEY_SECURITY),
    ApiHeader({ name: 'X-API-Key', description: `${key}_API_KEY`, required: true }),
    ApiUnauthorizedResponse({ description: `Missing or wrong X-API-Key (${key}_API_KEY)`, type: ApiErrorBody }),
    ApiServiceUnavailableResponse({ description: 'Our database cannot be reached: retry after Retry-After seconds', type: ApiErrorBody }),
    UseGuards(GUARDS[key]),
  );
}

/** The error statuses an endpoint of ours answers besides 401 and 503. */
type ErrorStatus = 400 | 404 | 409 | 413 | 415 | 422 | 502;

/** One error response: its description, or the description and the body's schema (default ApiErrorBody). */
type ErrorResponse = string | { description: string; type: Type };

/**
 * The error responses of one endpoint, each with the error body's schema, e.g.
 * `@ApiErrors({ 400: 'id is not a uuid', 404: 'No such connection' })`.
 */
export function ApiErrors(errors: Partial<Record<ErrorStatus, ErrorResponse>>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, response]) =>
      ApiResponse({
        status: Number(status) as HttpStatus,
        description: typeof response === 'string' ? response : response.description,
        type: typeof response === 'string' ? ApiErrorBody : response.type,
      }),
    ),
  );
}
