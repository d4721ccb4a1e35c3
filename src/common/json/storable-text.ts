/**
 * Text PostgreSQL cannot hold, and how we keep it anyway. JSON may carry two things no PostgreSQL text or jsonb value
 * can: U+0000 (NUL; "unsupported Unicode escape sequence" in jsonb, "invalid byte sequence" in text) and a lone
 * surrogate ("\ud800" with no partner: not Unicode at all; jsonb refuses it, text silently gets U+FFFD). We refuse
 * such input with a message naming where it was, and keep what was sent by writing each such character out as the
 * six characters of its JSON escape (`\u0000`, `\ud800`): readable, storable, and telling what came.
 */

/** Both problems, matched one UTF-16 code unit at a time (no `u` flag): NUL, a high surrogate without a low one after it, a low one without a high one before it. */
// eslint-disable-next-line no-control-regex -- matching U+0000 is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Any NUL or surrogate at all: a quick test that lets almost all text through without the full match above. */
// eslint-disable-next-line no-control-regex -- matching U+0000 is the point
const SUSPECT = /[\u0000\ud800-\udfff]/;

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');

/** What is wrong with `text` for storage, in words (e.g. "contains U+0000 (NUL), which no text we store may hold"), or null. */
export function unstorableTextProblem(text: string): string | null {
  if (!SUSPECT.test(text)) return null;
  const first = text.match(UNSTORABLE)?.[0];
  if (first === undefined) return null;
  if (first === '\u0000') return 'contains U+0000 (NUL), which no text we store may hold';
  return `contains a lone surrogate (U+${hex(first).toUpperCase()}), which is not Unicode text`;
}

/** `text` with every NUL and lone surrogate written out as its JSON escape (`\u0000`, `\ud800`); other text unchanged. */
export function storableText(text: string): string {
  if (!SUSPECT.test(text)) return text;
  return text.replace(UNSTORABLE, (c) => `\\u${hex(c)}`);
}

/**
 * A copy of a parsed JSON value with {@link storableText} applied to every string and key, and anything nested deeper
 * than `maxDepth` replaced by the string "[nested deeper than N levels]", so that it can be stored as jsonb.
 */
export function storableCopy(value: unknown, maxDepth = Infinity, depth = 0): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) return `[nested deeper than ${maxDepth} levels]`;
  if (Array.isArray(value)) return value.map((v) => storableCopy(v, maxDepth, depth + 1));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [storableText(k), storableCopy(v, maxDepth, depth + 1)]));
}

/** Where text PostgreSQL cannot hold first occurs in a parsed JSON value, and what is wrong with it. */
export interface UnstorableText {
  /** e.g. "id", "cdr_token.uid", "tariffs[0].elements[1]" (the path itself written storably); "" for the value itself. */
  path: string;
  problem: string;
}

/**
 * The first string or key in `value` that PostgreSQL cannot hold (see {@link unstorableTextProblem}), depth first, or
 * null. Iterative, so any depth is safe.
 */
export function findUnstorableText(value: unknown): UnstorableText | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = unstorableTextProblem(v);
      if (problem) return { path, problem };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (!Array.isArray(v)) {
      for (const key of Object.keys(v)) {
        const problem = unstorableTextProblem(key);
        if (problem) return { path: storableText(path ? `${path}.${key}` : key), problem: `is a key that ${problem}` };
      }
    }
    const children: Array<[string, unknown]> = Array.isArray(v)
      ? v.map((item, i) => [`${path}[${i}]`, item])
      : Object.entries(v).map(([k, item]) => [path ? `${path}.${k}` : k, item]);
    // Reversed onto the stack, so the first field is looked at first and the message names the first problem.
    for (let i = children.length - 1; i >= 0; i--) stack.push({ value: children[i][1], path: children[i][0] });
  }
  return null;
}
