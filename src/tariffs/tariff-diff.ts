import { CanonicalTariff } from './tariff.model';

/** One field on which two versions of a tariff differ; `path` as in JSON (elements[0].price_components[1].price). */
export interface TariffDifference {
  path: string;
  a: unknown;
  b: unknown;
}

/** Fields that say when or how we received a tariff rather than what it charges. */
const BOOKKEEPING = new Set(['last_updated', 'notes']);

/**
 * Where tariff `a` and tariff `b` differ, field by field (canonical model: decimal strings are already normalised,
 * so "2.00" and 2 compare equal). Used to show how the tariff a CDR names differs from the one the Location listed
 * when the session started (mod_cdrs 2.2.1 §CDR object: a CDR carries the tariffs "as they were at the start").
 * `last_updated` and mapper notes are left out unless `withBookkeeping`. Null and absent are the same.
 */
export function diffTariffs(a: CanonicalTariff, b: CanonicalTariff, withBookkeeping = false): TariffDifference[] {
  const out: TariffDifference[] = [];
  walk(a, b, '', out, withBookkeeping);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: TariffDifference[], withBookkeeping: boolean): void {
  const absent = (v: unknown) => v === null || v === undefined;
  if (absent(a) && absent(b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, out, withBookkeeping);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (path === '' && !withBookkeeping && BOOKKEEPING.has(key)) continue;
      walk(a[key], b[key], path ? `${path}.${key}` : key, out, withBookkeeping);
    }
    return;
  }
  if (a !== b) out.push({ path: path || '(tariff)', a: a ?? null, b: b ?? null });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
