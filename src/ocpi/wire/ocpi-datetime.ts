import { canonicalInstantMs } from '../../common/time/canonical-instant';

/**
 * OCPI DateTime (types 2.2.1 §DateTime): ISO-8601 in UTC, 'Z' optional ("All timestamps are formatted as
 * string(25) following RFC 3339, with UTC as time zone"). A timestamp without zone designator is read as UTC,
 * as the spec says all are UTC. Returns the instant as ISO-8601 with 'Z'.
 * @throws RangeError when the value is not a date-time (callers validate with IsDateString first).
 */
export function toUtcIso(value: string): string {
  // Most instants already come in the shape this answers ("2024-03-31T01:30:00Z" or with milliseconds): read the
  // digits and answer without building a Date (a CDR carries half a dozen instants; Date did a tenth of reading it).
  const canonical = canonicalUtcIso(value);
  if (canonical !== null) return canonical;
  const hasZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(value);
  const date = new Date(hasZone ? value : `${value}Z`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an OCPI DateTime: ${value}`);
  return date.toISOString();
}

/**
 * `value` as toUtcIso answers it, when it is "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DDTHH:MM:SS.sssZ" with every field in
 * range (a day that exists in its month, hours 00–23, minutes and seconds 00–59): the same text, milliseconds added
 * when absent. Null for anything else (left to Date, which also rolls over 24:00 and 30 February as it always did).
 */
function canonicalUtcIso(value: string): string | null {
  if (Number.isNaN(canonicalInstantMs(value))) return null;
  return value.length === 24 ? value : `${value.slice(0, 19)}.000Z`;
}

/**
 * Whether `value` is an instant in the one shape toUtcIso answers without Date ("YYYY-MM-DDTHH:MM:SS[.sss]Z", every
 * field in range). Such a text is also an ISO 8601 date string to class-validator's IsDateString, so a quick check
 * may take it without running that regex; false says nothing (ask IsDateString).
 */
export function isCanonicalUtcIso(value: unknown): boolean {
  return typeof value === 'string' && canonicalUtcIso(value) !== null;
}

/** A date and a time of day with seconds; then fractional seconds, and 'Z' or a numeric offset, each optional. */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([zZ])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * Reads every DateTime shape CPOs send that has one meaning (types 2.1.1 §1.2, 2.2.1 §DateTime): with 'Z', without a
 * zone designator (UTC, as the spec says), with fractional seconds (kept to the millisecond, further digits cut), and
 * with a numeric offset ("+00:00", "+02:00", "+0200", "+02": the instant it names, converted to UTC).
 * @returns the instant as ISO-8601 UTC to the millisecond ("2015-06-29T20:39:09.000Z"), or null when the value is no
 *   date and time of day (a date alone, a month 13, a space for the 'T', "yesterday", a number).
 */
export function readOcpiDateTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = DATETIME.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const millis = m[7] ? Number(m[7].slice(1, 4).padEnd(3, '0')) : 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(local);
  // Date.UTC rolls 2015-02-30 over into March: a field out of range is no DateTime.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0)) : 0;
  if (m[9] && (Number(m[10]) > 23 || Number(m[11] ?? 0) > 59)) return null;
  return new Date(local - offsetMinutes * 60_000).toISOString();
}
