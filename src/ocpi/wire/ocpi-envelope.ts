import { ReceivedOcpiStatusCode } from './ocpi-status';
import { WireDeviation } from './wire-deviation';

/** A response body read as an OCPI envelope, tolerantly, with what it bent. */
export type EnvelopeReading =
  | {
      ok: true;
      statusCode: ReceivedOcpiStatusCode;
      statusMessage: string | null;
      /** `data` as sent; null when absent. */
      data: unknown;
      deviations: WireDeviation[];
    }
  | { ok: false; reason: string };

/**
 * Reads a response body as an OCPI response envelope (transport_and_format 2.2.1 §Response format):
 * `{ data?, status_code, status_message?, timestamp }`. Tolerant where the meaning stays clear (a missing or
 * malformed timestamp, status_code as a numeric string) and says so in `deviations`; a UTF-8 byte order mark is
 * skipped (axios already drops it);
 * `{ ok: false, reason }` when the body is empty, not JSON, or has no status_code.
 */
export function readEnvelope(text: string | null | undefined): EnvelopeReading {
  if (text === null || text === undefined || text.trim() === '') return { ok: false, reason: 'the response body is empty' };
  const deviations: WireDeviation[] = [];
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let body: unknown;
  try {
    body = JSON.parse(source);
  } catch {
    return { ok: false, reason: `the response body is not JSON (it starts with "${snippet(source)}")` };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, reason: 'the response body is JSON but not an OCPI envelope (an object with status_code)' };
  }
  const envelope = body as Record<string, unknown>;
  const statusCode = readStatusCode(envelope.status_code, deviations);
  if (statusCode === null) return { ok: false, reason: 'the response has no integer status_code: it is not an OCPI envelope' };
  if (envelope.timestamp === undefined || envelope.timestamp === null) {
    deviations.push({ kind: 'ENVELOPE_TIMESTAMP_MISSING', field: 'envelope.timestamp' });
  } else if (typeof envelope.timestamp !== 'string' || Number.isNaN(Date.parse(envelope.timestamp))) {
    deviations.push({ kind: 'ENVELOPE_TIMESTAMP_INVALID', field: 'envelope.timestamp', example: snippet(JSON.stringify(envelope.timestamp)) });
  }
  return {
    ok: true,
    statusCode,
    statusMessage: typeof envelope.status_message === 'string' ? envelope.status_message : null,
    data: envelope.data ?? null,
    deviations,
  };
}

function readStatusCode(value: unknown, deviations: WireDeviation[]): ReceivedOcpiStatusCode | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*\d{4}\s*$/.test(value)) {
    deviations.push({ kind: 'ENVELOPE_STATUS_CODE_AS_STRING', field: 'envelope.status_code', example: value });
    return Number(value);
  }
  return null;
}

function snippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}
