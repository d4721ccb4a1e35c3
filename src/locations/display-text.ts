import type { DisplayText } from '../tariffs/tariff.model';

/**
 * Picks the text to show from a list of DisplayText (types 2.2.1 §DisplayText class: `language` is ISO 639-1).
 * Fallback order, case-insensitive: (1) the requested tag exactly ("nl-BE"); (2) the same primary language ("nl"
 * for "nl-BE", and a text tagged "nl-BE" for "nl"); (3) English ("en"); (4) the first text the CPO listed.
 * @param texts what the CPO sent (may be empty, null, or hold malformed entries, which are skipped)
 * @param lang  a BCP 47 tag such as "nl" or "de-CH"
 * @returns the chosen DisplayText, or null when there is none
 */
export function pickDisplayText(texts: readonly DisplayText[] | null | undefined, lang: string): DisplayText | null {
  const usable = (texts ?? []).filter((t) => t && typeof t.text === 'string' && typeof t.language === 'string');
  if (usable.length === 0) return null;
  const wanted = lang.toLowerCase();
  const primary = (tag: string) => tag.toLowerCase().split('-')[0];
  return (
    usable.find((t) => t.language.toLowerCase() === wanted) ??
    usable.find((t) => primary(t.language) === primary(wanted)) ??
    usable.find((t) => primary(t.language) === 'en') ??
    usable[0]
  );
}
