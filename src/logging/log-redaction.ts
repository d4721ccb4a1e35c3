/**
 * What never reaches a log line: credentials tokens and API keys. Three layers, for the three ways one could leak:
 * - `REDACTED_LOG_PATHS`: pino's own redaction of the request headers pino-http logs;
 * - `redactLogObject`: any field named token, authorization, x-api-key, api_key or password, at any depth of a logged
 *   object (a body, an error's request config);
 * - `redactLogText`: a message quoting an Authorization header (`Token …`, `Bearer …`) or a `"token": "…"` pair.
 */
export const REDACTED_LOG_PATHS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'];

const REDACTED = '[REDACTED]';
const SECRET_KEY = /^(token|authorization|x-api-key|api_key|apikey|password|token_[abc])$/i;
/** Deep enough for a body's token; deeper parts of a logged object are left out rather than walked. */
const MAX_DEPTH = 8;

/** A copy of `value` with the value of every secret-named key replaced by [REDACTED]. */
export function redactLogObject(value: Record<string, unknown>): Record<string, unknown> {
  return walk(value, 0) as Record<string, unknown>;
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactLogText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  // Only plain objects are walked: errors, requests and other instances are left to pino's serializers.
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = SECRET_KEY.test(key) && v !== null && v !== undefined ? REDACTED : walk(v, depth + 1);
  return out;
}

/**
 * `text` with Authorization header values (`Token x`, `Bearer x`, `Basic x`: x of 6+ characters with a digit or one of
 * `+/=`, or of 20+, so that "the Token module" stays readable) and `"token": "x"` pairs redacted.
 */
export function redactLogText(text: string): string {
  return text
    .replace(/("token"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi, `$1${REDACTED}$3`)
    .replace(/\b(Token|Bearer|Basic)\s+(?:(?=[A-Za-z._~-]*[0-9+/=])[A-Za-z0-9+/=._~-]{6,}|[A-Za-z0-9+/=._~-]{20,})/g, `$1 ${REDACTED}`);
}
