/**
 * OCPI DateTime (types 2.2.1 §DateTime): ISO-8601 in UTC, 'Z' optional ("All timestamps are formatted as
 * string(25) following RFC 3339, with UTC as time zone"). A timestamp without zone designator is read as UTC,
 * as the spec says all are UTC. Returns the instant as ISO-8601 with 'Z'.
 * @throws RangeError when the value is not a date-time (callers validate with IsDateString first).
 */
export function toUtcIso(value: string): string {
  const hasZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(value);
  const date = new Date(hasZone ? value : `${value}Z`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an OCPI DateTime: ${value}`);
  return date.toISOString();
}
