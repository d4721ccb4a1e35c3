import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** A form's fields as the body parser gives them (strings), or undefined for an empty body. */
export type FormFields = Record<string, string> | undefined;

function messages(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [...Object.values(e.constraints ?? {}), ...messages(e.children ?? [])]);
}

/**
 * Checks `values` against the operations API's own DTO (the same rules, the same messages): the value, or the list
 * of what is wrong, in the DTO's words.
 */
export function checkAgainst<T extends object>(dto: new () => T, values: Record<string, unknown>): { value: T; errors: null } | { value: null; errors: string[] } {
  const instance = plainToInstance(dto, values);
  const errors = messages(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }));
  return errors.length === 0 ? { value: instance, errors: null } : { value: null, errors };
}

/** A form field, trimmed; undefined when absent or blank. */
export function field(fields: FormFields, name: string): string | undefined {
  const value = fields?.[name]?.trim();
  return value ? value : undefined;
}
