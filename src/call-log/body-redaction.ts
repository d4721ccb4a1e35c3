import { jsonTextNestsDeeperThan, MAX_JSON_DEPTH, valueNestsDeeperThan } from '../common/json/json-depth';
import { storableCopy, storableText } from '../common/json/storable-text';

/** Largest body kept per call-log entry, in bytes (UTF-8). */
export const MAX_LOGGED_BODY_BYTES = 8 * 1024;

const REDACTED = '[REDACTED]';
/** Keys whose string value is a credentials token (credentials 2.2.1 §Credentials object: `token`). */
const TOKEN_KEY = /^token$/i;

/**
 * A request or response body as the call log may keep it: credentials tokens redacted (any `token` field holding a
 * string, at any depth; in text that is not JSON, `"token": "…"` pairs and `Token <value>` header echoes), then
 * truncated to `maxBytes` with a note of the full size, with NUL and lone surrogates written out as `\u0000` /
 * `\ud800` so that PostgreSQL can store it (storable-text.ts). Objects are serialised as JSON. Returns null for no body.
 */
export function redactForLog(body: unknown, maxBytes = MAX_LOGGED_BODY_BYTES): string | null {
  if (body === null || body === undefined || body === '') return null;
  // A value nested too deep to walk (a CPO's answer can be anything) is cut to MAX_JSON_DEPTH levels first.
  const shallow = typeof body === 'string' || !valueNestsDeeperThan(body) ? body : storableCopy(body, MAX_JSON_DEPTH);
  const text = typeof shallow === 'string' ? redactText(shallow) : JSON.stringify(redactValue(shallow));
  return storableText(truncate(text, maxBytes));
}

function redactText(text: string): string {
  // Too deep to walk safely (a body the parser refused for that): redacted by pattern, as text.
  const parsed = jsonTextNestsDeeperThan(text) ? undefined : parseJson(text);
  if (parsed !== null && typeof parsed === 'object') return JSON.stringify(redactValue(parsed));
  return text.replace(/("token"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi, `$1${REDACTED}$3`).replace(/\bToken\s+[A-Za-z0-9+/=._~-]{6,}/g, `Token ${REDACTED}`);
}

/** The parsed JSON, or undefined when `text` is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, v]) => [key, TOKEN_KEY.test(key) && typeof v === 'string' ? REDACTED : redactValue(v)]));
}

function truncate(text: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return text;
  // Cutting inside a multi-byte character leaves one U+FFFD, which is harmless in a log.
  return `${Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8')}… [truncated: ${bytes} bytes in total]`;
}
