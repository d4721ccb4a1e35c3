/**
 * The IANA time zone at a point, for 2.1.1 Locations that leave time_zone out (mod_locations 2.1.1 §3.1:
 * optional) and for CDRs whose Location we do not hold. geo-tz ("comprehensive" data, correct before 1970 too) is loaded on first use only, since most
 * deployments never need it, and it caches the boundary data it reads. Each point is looked up once: the
 * answer is kept per coordinates, so re-pulling a Location does not look it up again.
 */
const MAX_CACHED_POINTS = 100_000;
const byPoint = new Map<string, string | null>();
let finder: ((lat: number, lon: number) => string[]) | null = null;

/** The zone at (latitude, longitude) in decimal degrees, e.g. "Europe/Amsterdam"; null when none is found. */
export function timeZoneAt(latitude: number, longitude: number): string | null {
  const key = `${latitude},${longitude}`;
  const cached = byPoint.get(key);
  if (cached !== undefined) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  finder ??= (require('geo-tz/dist/find-all') as { find: (lat: number, lon: number) => string[] }).find;
  const zone = finder(latitude, longitude)[0] ?? null;
  if (byPoint.size >= MAX_CACHED_POINTS) byPoint.delete(byPoint.keys().next().value as string);
  byPoint.set(key, zone);
  return zone;
}
