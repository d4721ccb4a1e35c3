import { WireDeviation } from './wire-deviation';

/**
 * What a version mapper returns for one wire object: the canonical object, or why it was rejected.
 * The identity (country_code, party_id, id) is read best-effort even from a rejected object, so the
 * rejection can be filed against the right object. `deviations`: what the mapper read although the object bent its
 * version's spec (e.g. a 2.2.1 total_cost sent as a bare number), beyond what the version-independent tolerant-reading
 * pass already found; the intake counts them with those.
 */
export type MappingResult<T> = { ok: true; value: T; deviations?: WireDeviation[] } | { ok: false; reason: string; identity: ObjectIdentity };

export interface ObjectIdentity {
  countryCode: string | null;
  partyId: string | null;
  id: string | null;
}

/** Reads country_code / party_id / id (or uid) from any object, without trusting its shape. */
export function readIdentity(raw: unknown): ObjectIdentity {
  const o = (raw ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  return { countryCode: text(o.country_code), partyId: text(o.party_id), id: text(o.id) ?? text(o.uid) };
}
