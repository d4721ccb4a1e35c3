/**
 * The console's one rendering helper: a tagged template whose every interpolation is HTML-escaped unless it is itself
 * {@link Html} (made by this tag). Whatever a CPO sent (names, URLs, bodies) can only ever reach a page as text.
 *
 *   html`<td>${connection.name}</td>`            → the name, escaped
 *   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`   → arrays are joined, each element by the same rule
 *   html`${cond && html`<b>!</b>`}`              → false, null and undefined render as nothing
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What may be interpolated: text and numbers are escaped, Html is kept, arrays are joined, nothing renders as nothing. */
export type Interpolation = Html | string | number | bigint | boolean | null | undefined | readonly Interpolation[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe inside an element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly Interpolation[]).map(render).join('');
  return escapeHtml(String(value));
}

/** The tag: see the file's header. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}
