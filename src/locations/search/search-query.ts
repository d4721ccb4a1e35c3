import { BadRequestException } from '@nestjs/common';
import { createHash } from 'node:crypto';

/** A point, WGS84 degrees. */
export interface LatLon {
  latitude: number;
  longitude: number;
}

/** Where to search: a circle (metres) or a bounding box (the map view; west may exceed east across the antimeridian). */
export type SearchArea = { kind: 'radius'; centre: LatLon; radiusM: number } | { kind: 'bbox'; west: number; south: number; east: number; north: number };

/** Position after which the next page starts: the last result's distance (metres, to the millimetre: sortKeyM) and id. */
export interface SearchCursor {
  distanceM: number;
  id: string;
}

/** A validated search; every list filter is OR within itself and AND with the others. */
export interface LocationSearch {
  area: SearchArea;
  /** Distances are measured from here and results ordered by them: the centre, or in a box the user or box centre. */
  origin: LatLon;
  /** An EVSE must have a connector matching all three connector filters at once. */
  connectorStandards: string[];
  powerTypes: string[];
  minPowerKw: number | null;
  /** "NL*ABC": the Location's country_code and party_id. */
  parties: Array<{ countryCode: string; partyId: string }>;
  /** An EVSE must have every one of these. */
  capabilities: string[];
  parkingTypes: string[];
  open247: boolean;
  /** Only Locations with an EVSE free now (matching the EVSE filters). */
  availableNow: boolean;
  limit: number;
  /** Include every EVSE with its connectors and why it is not free (the list view needs only the groups). */
  withEvses: boolean;
  cursor: SearchCursor | null;
  lang: string;
  /** The instant "now" is evaluated at (tests pin it). */
  at: Date;
}

/** What a cursor must agree with: every parameter that shapes the result list (not limit, lang, evses or the cursor). */
export function queryFingerprint(q: Omit<LocationSearch, 'cursor' | 'limit' | 'lang' | 'at' | 'withEvses'>): string {
  const canonical = JSON.stringify([
    q.area,
    q.origin,
    [...q.connectorStandards].sort(),
    [...q.powerTypes].sort(),
    q.minPowerKw,
    q.parties.map((p) => `${p.countryCode}*${p.partyId}`).sort(),
    [...q.capabilities].sort(),
    [...q.parkingTypes].sort(),
    q.open247,
    q.availableNow,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

/**
 * An opaque cursor: base64url of [distance, id, fingerprint]. Keyset, not OFFSET: a page starts strictly after
 * (distance, id) of the previous page's last result, so Locations added or removed meanwhile never shift a page.
 */
export function encodeCursor(cursor: SearchCursor, fingerprint: string): string {
  return Buffer.from(JSON.stringify([cursor.distanceM, cursor.id, fingerprint])).toString('base64url');
}

/**
 * @throws BadRequestException when the cursor is malformed or was made for a different search.
 */
export function decodeCursor(value: string, fingerprint: string): SearchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'number' ||
    !Number.isFinite(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    !uuid.test(parsed[1]) ||
    typeof parsed[2] !== 'string'
  ) {
    throw new BadRequestException('cursor is not a cursor this API returned (pass meta.next_cursor unchanged)');
  }
  if (parsed[2] !== fingerprint) {
    throw new BadRequestException('cursor belongs to a different search: keep every parameter except limit and lang as on the first page');
  }
  return { distanceM: parsed[0], id: parsed[1] };
}
