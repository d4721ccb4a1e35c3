import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { installValidationMetadataCache } from '../../common/validation/validation-metadata-cache';
import { certainlyValid } from './wire-fast-check';
import { listWhereObjectBelongs } from './nested-shape';

installValidationMetadataCache();

/** Lines of a rejection reason; more are summed up as "… and N more" (a reason is stored and shown, not a log). */
const MAX_LINES = 30;

/**
 * Validates a CPO's wire object against its version's DTO class. An object {@link certainlyValid} passes is returned
 * as it is (read-only: it is also the raw payload kept), without class-transformer and class-validator's full run;
 * any other takes that run, which also says what is wrong.
 * @returns the typed object, or every failure as one line per field path
 *   (e.g. "evses[0].connectors[1].max_voltage: must be an integer number"); a required field that is missing or
 *   null is one line "<path>: is required", not every constraint its absence breaks.
 */
export function validateWireObject<T extends object>(cls: ClassConstructor<T>, raw: unknown): { ok: true; value: T } | { ok: false; reason: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  if (certainlyValid(cls, raw)) return { ok: true, value: raw as T };
  const instance = plainToInstance(cls, raw);
  const errors = validateSync(instance, { forbidUnknownValues: false });
  // A list where an object belongs passes class-validator (see listWhereObjectBelongs): said once per path.
  const said = flatten(errors);
  const lines = [...said, ...listWhereObjectBelongs(cls, raw).filter((line) => !said.some((s) => s.startsWith(line.slice(0, line.indexOf(': ') + 2))))];
  if (lines.length === 0) return { ok: true, value: instance };
  const more = lines.length > MAX_LINES ? [`… and ${lines.length - MAX_LINES} more`] : [];
  return { ok: false, reason: [...lines.slice(0, MAX_LINES), ...more].join('; ') };
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    // Optional fields are skipped when absent, so constraints on an absent value mean a required field is missing.
    if ((error.value === undefined || error.value === null) && error.constraints) return [`${path}: is required`];
    // A value that is not an object fails @ValidateNested too; when another constraint already says what is wrong, once is enough.
    const { nestedValidation, ...others } = error.constraints ?? {};
    const constraints = Object.keys(others).length > 0 ? others : { ...(nestedValidation ? { nestedValidation } : {}) };
    // Messages read "<property> must …" (class-validator's defaults, and ours): the path replaces the property.
    const own = Object.values(constraints).map((message) => `${path}: ${message.replace(/^\S+ /, '')}`);
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
