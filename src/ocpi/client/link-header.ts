/** One link of an RFC 8288 `Link` header: its target as written and its parameters (names lower-cased). */
export interface WebLink {
  target: string;
  params: Record<string, string>;
}

/**
 * Parses an RFC 8288 §3 `Link` header (several headers may be given): `<uri-reference>` followed by `;`
 * parameters whose values are tokens or quoted strings (with backslash escapes, so commas and semicolons inside
 * quotes are safe). Malformed links are skipped, never thrown on.
 */
export function parseLinkHeader(header: string | string[] | undefined): WebLink[] {
  const value = Array.isArray(header) ? header.join(', ') : (header ?? '');
  const links: WebLink[] = [];
  let i = 0;
  while (i < value.length) {
    const open = value.indexOf('<', i);
    if (open < 0) break;
    const close = value.indexOf('>', open + 1);
    if (close < 0) break;
    const link: WebLink = { target: value.slice(open + 1, close).trim(), params: {} };
    i = readParams(value, close + 1, link.params);
    links.push(link);
  }
  return links;
}

/** Reads `; name[=value]` pairs from `i` up to the comma ending the link; returns the index after it. */
function readParams(value: string, start: number, params: Record<string, string>): number {
  let i = start;
  for (;;) {
    while (i < value.length && /\s/.test(value[i])) i++;
    if (i >= value.length) return i;
    if (value[i] === ',') return i + 1;
    if (value[i] !== ';') {
      // Garbage after the target: skip to the next link.
      const comma = value.indexOf(',', i);
      return comma < 0 ? value.length : comma + 1;
    }
    i++;
    const name = /^\s*([^\s=;,]+)\s*/.exec(value.slice(i));
    if (!name) continue;
    i += name[0].length;
    let paramValue = '';
    if (value[i] === '=') {
      i++;
      while (value[i] === ' ' || value[i] === '\t') i++;
      [paramValue, i] = value[i] === '"' ? readQuoted(value, i + 1) : readToken(value, i);
    }
    const key = name[1].toLowerCase();
    // RFC 8288 §3.3: occurrences after the first of rel are ignored.
    if (!(key in params)) params[key] = paramValue;
  }
}

function readQuoted(value: string, start: number): [string, number] {
  let out = '';
  let i = start;
  while (i < value.length && value[i] !== '"') {
    if (value[i] === '\\' && i + 1 < value.length) i++;
    out += value[i++];
  }
  return [out, i + 1];
}

function readToken(value: string, start: number): [string, number] {
  const match = /^[^\s;,]*/.exec(value.slice(start))!;
  return [match[0], start + match[0].length];
}

/**
 * The target of the rel="next" link (transport_and_format 2.2.1 §Pagination; RFC 8288 §3.3: rel may list several
 * relation types, compared case-insensitively), resolved against `baseUrl` (the URL of the page that carried it)
 * when relative. Returns null when there is no next link or its target is not a URL.
 */
export function nextLink(header: string | string[] | undefined, baseUrl: string): string | null {
  for (const link of parseLinkHeader(header)) {
    const relations = (link.params.rel ?? '').toLowerCase().split(/\s+/);
    if (!relations.includes('next')) continue;
    try {
      return new URL(link.target, baseUrl).toString();
    } catch {
      return null;
    }
  }
  return null;
}
