/** Reading an incoming request: its body and its unique message ids. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const MAX_BODY_BYTES = 1024 * 1024;

/** A parsed JSON body, or why there is none (status_codes 2.2.1: not valid JSON → HTTP 400). */
export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string };

/** Takes a request; resolves to its body parsed as JSON (at most 1 MiB). */
export async function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, message: 'Request body too large' };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: false, message: 'Request body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: 'Request body is not valid JSON' };
  }
}

/**
 * transport_and_format 2.2.1 §Unique message IDs: the response carries the request's
 * X-Request-ID and X-Correlation-ID; each is generated (UUID) when the request has none.
 */
export function messageIdHeaders(req: IncomingMessage): Record<string, string> {
  const pick = (name: string): string => {
    const value = req.headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first && first.length > 0 ? first : randomUUID();
  };
  return { 'X-Request-ID': pick('x-request-id'), 'X-Correlation-ID': pick('x-correlation-id') };
}
