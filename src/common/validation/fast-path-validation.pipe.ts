import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';

/** Options of the global validation: DTO instances; an unknown property is a 400. */
export const VALIDATION_OPTIONS = { transform: true, whitelist: true, forbidNonWhitelisted: true };

/** A DTO class that can read a plainly valid input itself, much faster than class-transformer and class-validator. */
interface FastParsing {
  /** The DTO as the ValidationPipe would build it, or null to leave the input to the ValidationPipe. */
  fastParse(value: unknown): unknown;
}

/**
 * The global ValidationPipe, with a fast path for DTOs that offer one (the search queries of the internal API, the
 * hot path: see src/locations/dto/query-fast-path.ts). Everything else, and every input the fast path declines,
 * goes through ValidationPipe as before, so errors read the same.
 */
export class FastPathValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype as (Partial<FastParsing> & object) | undefined;
    if (metadata.type === 'query' && typeof dto?.fastParse === 'function') {
      const parsed = dto.fastParse(value);
      if (parsed !== null) return parsed;
    }
    return super.transform(value, metadata);
  }
}
