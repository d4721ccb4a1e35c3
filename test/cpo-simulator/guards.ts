/** Small type guards for untrusted JSON. */
import { parseOcpiDateTime } from './ocpi-datetime';

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Takes any served object; returns its `last_updated` as epoch ms, or null if absent/invalid. */
export function lastUpdatedOf(value: unknown): number | null {
  return isRecord(value) ? parseOcpiDateTime(value.last_updated) : null;
}

/** CiString equality (types 2.2.1 §CiString: case-insensitive). */
export function sameCiString(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}
