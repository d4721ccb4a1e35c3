import { ValidationArguments } from 'class-validator';

/** "a,b" or ["a", "b,c"] (repeated parameter) → ["a", "b", "c"]; trims, drops empty items. */
export function toList({ value }: { value: unknown }): unknown {
  if (value === undefined || value === null) return value;
  const items = (Array.isArray(value) ? (value as unknown[]) : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
  return items.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
}

/** "true"/"1" → true, "false"/"0" → false; anything else is left for @IsBoolean to reject with a clear message. */
export function toBoolean({ value }: { value: unknown }): unknown {
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  return value;
}

/** A message naming the values of a list parameter that are not allowed, and some that are. */
export function notOneOf(allowed: readonly string[], what: string) {
  return (args: ValidationArguments): string => {
    const given: unknown[] = Array.isArray(args.value) ? (args.value as unknown[]) : [args.value];
    const wrong = given.filter((v) => typeof v !== 'string' || !allowed.includes(v));
    const sample = allowed.length > 8 ? `${allowed.slice(0, 8).join(', ')}, … (see /api/docs)` : allowed.join(', ');
    return `${args.property}: ${wrong.map((v) => JSON.stringify(v)).join(', ')} ${wrong.length === 1 ? 'is not' : 'are not'} ${what} (one of ${sample})`;
  };
}
