import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/**
 * Validates a CPO's wire object against its version's DTO class.
 * @returns the typed instance, or every failure as one line per field path
 *   (e.g. "evses[0].connectors[1].max_voltage: must be an integer number").
 */
export function validateWireObject<T extends object>(
  cls: ClassConstructor<T>,
  raw: unknown,
): { ok: true; value: T } | { ok: false; reason: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const instance = plainToInstance(cls, raw);
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length === 0) return { ok: true, value: instance };
  return { ok: false, reason: flatten(errors).slice(0, 10).join('; ') };
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message.replace(/^\S+ /, '')}`);
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
