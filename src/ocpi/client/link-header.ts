/**
 * The target of the rel="next" link in an RFC 8288 `Link` header (transport_and_format 2.2.1 §Pagination),
 * resolved against `baseUrl` when relative. Handles several links in one header, quoted or bare rel values
 * and several relation types in one rel. Returns null when there is no next link.
 */
export function nextLink(header: string | string[] | undefined, baseUrl: string): string | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return null;
  for (const match of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (relations.includes('next')) return new URL(match[1], baseUrl).toString();
  }
  return null;
}
