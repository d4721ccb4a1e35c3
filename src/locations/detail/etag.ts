import { createHash } from 'node:crypto';

/** A strong entity tag for exactly these response bytes (RFC 9110 §8.8.3): base64url SHA-256, quoted. */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * Whether an If-None-Match header matches `etag` (RFC 9110 §13.1.2: "*", or a list of entity tags compared with
 * the WEAK comparison function, so W/"x" matches "x").
 */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return value.split(',').some((tag) => opaque(tag) === opaque(etag));
}
