import { MAX_JSON_DEPTH, valueNestsDeeperThan } from '../common/json/json-depth';
import { findUnstorableText, storableCopy, storableText } from '../common/json/storable-text';

/** What we keep of an object above the size we take in: its first bytes of JSON. */
export const KEPT_HEAD_BYTES = 64 * 1024;

/** In JSON.stringify's output, NUL and lone surrogates appear only as these escapes: text without them needs no walk. */
const MAYBE_UNSTORABLE = /\\u(0000|d[89a-f][0-9a-f]{2})/i;

/**
 * An object we can take in, with its JSON text (measured here; a store may send it as it is rather than write it again),
 * or why not and what of it we keep (storable as jsonb).
 */
export type RawFitness = { ok: true; json: string } | { ok: false; reason: string; keep: unknown };

/**
 * Whether a raw object a CPO sent can go further than the intake step's door: the mappers, the stores and jsonb must
 * never meet it otherwise. Refused, each with the form of it we keep in rejected_object:
 * - nothing at all (a push without a body): kept as null;
 * - nesting deeper than {@link MAX_JSON_DEPTH} levels (a push never gets here: the body parser refuses it; a pulled
 *   page may carry one): kept down to that depth, deeper parts replaced by a note;
 * - more than `maxObjectBytes` of JSON (OCPI_MAX_OBJECT_BYTES): kept as `{"truncated": {"size_bytes", "kept_bytes",
 *   "head"}}`, head being the first {@link KEPT_HEAD_BYTES} bytes of its JSON text, so no unknown field of 50 MB is
 *   stored whole;
 * - text PostgreSQL cannot hold (U+0000, a lone surrogate) in any string or key: kept whole, each such character
 *   written out as its JSON escape (see storable-text.ts). The reason names the first field.
 */
export function rawFitness(raw: unknown, maxObjectBytes: number): RawFitness {
  if (raw === undefined) return { ok: false, reason: 'the request had no body', keep: null };
  if (valueNestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    return { ok: false, reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, keep: storableCopy(raw, MAX_JSON_DEPTH) };
  }
  const json = JSON.stringify(raw);
  // Bytes ≥ characters, so the first KEPT_HEAD_BYTES characters hold at least KEPT_HEAD_BYTES bytes.
  const size = Buffer.byteLength(json, 'utf8');
  if (size > maxObjectBytes) {
    // Cutting inside a multi-byte character leaves one U+FFFD at the end of the head: harmless, and said by kept_bytes.
    const head = Buffer.from(json.slice(0, KEPT_HEAD_BYTES), 'utf8').subarray(0, KEPT_HEAD_BYTES).toString('utf8');
    return {
      ok: false,
      reason: `${size} bytes of JSON, more than the ${maxObjectBytes} we take in and keep per object`,
      keep: { truncated: { size_bytes: size, kept_bytes: KEPT_HEAD_BYTES, head: storableText(head) } },
    };
  }
  if (MAYBE_UNSTORABLE.test(json)) {
    const found = findUnstorableText(raw);
    if (found) return { ok: false, reason: `${found.path || 'the value'}: ${found.problem}`, keep: storableCopy(raw) };
  }
  return { ok: true, json };
}
