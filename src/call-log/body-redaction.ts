/** Largest body kept per call-log entry, in bytes (UTF-8). */
export const MAX_LOGGED_BODY_BYTES = 8 * 1024;

const REDACTED = '[REDACTED]';
/** Keys whose string value is a credentials token (credentials 2.2.1 §Credentials object: `token`). */
const TOKEN_KEY = /^token$/i;

/**
 * A request or response body as the call log may keep it: credentials tokens redacted (any `token` field holding a
 * string, at any depth; in text that is not JSON, `"token": "…"` pairs and `Token <value>` header echoes), then
 * truncated to `maxBytes` with a note of the full size. Objects are serialised as JSON. Returns null for no body.
 */
export function redactForLog(body: unknown, maxBytes = MAX_LOGGED_BODY_BYTES): string | null {
  if (body === null || body === undefined || body === '') return null;
  const text = typeof body === 'string' ? redactText(body) : JSON.stringify(redactValue(body));
  return truncate(text, maxBytes);
}

function redactText(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') return JSON.stringify(redactValue(parsed));
  } catch {
    // not JSON: redact by pattern below
  }
  return text.replace(/("token"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi, `$1${REDACTED}$3`).replace(/\bToken\s+[A-Za-z0-9+/=._~-]{6,}/g, `Token ${REDACTED}`);
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
