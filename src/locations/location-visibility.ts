/**
 * Which Locations and EVSEs our API shows: the one definition, as SQL conditions, for the search (search-sql.ts),
 * the in-memory search index's reads (search-index.service.ts) and the detail (location-detail.service.ts).
 *
 * - A Location is shown only when published (mod_locations 2.2.1 §8.3.1 Location.publish: the CPO says whether
 *   it may be shown in apps; we keep no publish_allowed_to, so false hides it from every driver).
 * - An EVSE whose status is REMOVED (§8.4.22 Status) is never listed or counted: it is gone, and the CPO keeps
 *   sending it only so that eMSPs learn that.
 * - A published Location none of whose EVSEs is left is not shown either: "A Location without any valid EVSE object
 *   can be considered expired and should no longer be displayed" (§8.1). Each caller applies that with the EVSEs it
 *   lists (the search only once the page is full, the detail as its own 404), so it is stated here, not built.
 * - Absent (issue 15: a complete full pull no longer listed it, or its Location no longer lists the EVSE): kept, never
 *   free. The search (SQL and index alike) leaves out an absent Location and absent EVSEs (not listed, not counted);
 *   the detail still shows them, with `absent_since`, never free (not_free ABSENT), so the app can see the mark.
 */

/** SQL condition: the Location (alias `location`, default `l`) is published. */
export function publishedLocationSql(location = 'l'): string {
  return `${location}.publish`;
}

/** SQL condition: the EVSE (alias `evse`, default `e`) is listed, i.e. not REMOVED. */
export function listedEvseSql(evse = 'e'): string {
  return `${evse}.status <> 'REMOVED'`;
}

/** SQL condition: the Location (alias `location`, default `l`) is searched: published and not absent. */
export function searchedLocationSql(location = 'l'): string {
  return `${publishedLocationSql(location)} AND ${location}.absent_since IS NULL`;
}

/** SQL condition: the EVSE (alias `evse`, default `e`) is searched and counted: listed, and not absent. */
export function searchedEvseSql(evse = 'e'): string {
  return `${listedEvseSql(evse)} AND ${evse}.absent_since IS NULL`;
}
