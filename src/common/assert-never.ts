/**
 * The default branch of a switch over a closed set: it compiles only when every member is handled, so a member
 * added to the set without a case fails the build instead of falling through at run time.
 * @throws Error if reached anyway (a value from outside the type, e.g. read from storage)
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${String(value)}`);
}
