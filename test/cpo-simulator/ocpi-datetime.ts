/**
 * OCPI DateTime handling (types 2.2.1 §DateTime type): RFC 3339, always UTC, the timezone
 * designator may be absent (which still means UTC), fractional seconds allowed.
 */

const OCPI_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z)?$/;

/**
 * Parses an OCPI DateTime. Takes the string; returns epoch milliseconds, or null when the
 * string is not one of the formats types §DateTime allows (offsets like +00:00 are refused:
 * "+00:00 is not the same as UTC").
 */
export function parseOcpiDateTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = OCPI_DATETIME.exec(value);
  if (!m) return null;
  const fraction = m[7] ? Number(m[7]) : 0;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + Math.round(fraction * 1000);
  return Number.isNaN(ms) ? null : ms;
}

/** Formats epoch milliseconds (or a Date) as `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC). */
export function formatOcpiDateTime(value: number | Date): string {
  const date = typeof value === 'number' ? new Date(value) : value;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
