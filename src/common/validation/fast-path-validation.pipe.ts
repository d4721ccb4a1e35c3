import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { findUnstorableText } from '../json/storable-text';
import { InvalidInputException } from './invalid-input.exception';
import { installValidationMetadataCache } from './validation-metadata-cache';

installValidationMetadataCache();

/** Options of the global validation: DTO instances; an unknown property is a 400. */
export const VALIDATION_OPTIONS = { transform: true, whitelist: true, forbidNonWhitelisted: true };

/** A DTO class that can read a plainly valid input itself, much faster than class-transformer and class-validator. */
interface FastParsing {
  /** The DTO as the ValidationPipe would build it, or null to leave the input to the ValidationPipe. */
  fastParse(value: unknown): unknown;
}

/** How a message names where an input came from. */
const WHERE: Record<string, string> = { query: 'query parameter', param: 'path parameter', body: 'body' };

/**
 * The global ValidationPipe, with a fast path for DTOs that offer one (the search queries of the internal API, the
 * hot path: see src/locations/dto/query-fast-path.ts). Everything else, and every input the fast path declines,
 * goes through ValidationPipe as before, so errors read the same.
 *
 * Before either, one rule for every query, path parameter and body: no text PostgreSQL cannot hold (U+0000, a lone
 * surrogate; see storable-text.ts), refused with HTTP 400 naming where, e.g. "query parameter module: contains U+0000
 * (NUL), which no text we store may hold" (under /ocpi/ that is OCPI 2001 in HTTP 200). Objects a CPO pushes are not read here
 * (they come through a custom decorator, which this pipe leaves alone): the intake step refuses them with the same
 * words and keeps them raw.
 */
export class FastPathValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') refuseUnstorableText(value, metadata);
    const dto = metadata.metatype as (Partial<FastParsing> & object) | undefined;
    if (metadata.type === 'query' && typeof dto?.fastParse === 'function') {
      const parsed = dto.fastParse(value);
      if (parsed !== null) return parsed;
    }
    return super.transform(value, metadata);
  }
}

/** @throws InvalidInputException (HTTP 400; OCPI 2001 in HTTP 200) naming the first string or key PostgreSQL cannot hold. */
function refuseUnstorableText(value: unknown, metadata: ArgumentMetadata): void {
  const found = findUnstorableText(value);
  if (!found) return;
  const path = [metadata.data, found.path].filter(Boolean).join(found.path.startsWith('[') ? '' : '.');
  throw new InvalidInputException(`${WHERE[metadata.type] ?? metadata.type}${path ? ` ${path}` : ''}: ${found.problem}`);
}
