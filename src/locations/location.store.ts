import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CanonicalLocation } from './location.model';
import { alwaysOpenFrom } from './opening-hours';
import { forgetSeen, rememberRejectedAsSeen } from '../database/listed-in-run';

/** A canonical Location with the raw wire object it came from (and that object's JSON text, when already written). */
export interface IncomingLocation {
  location: CanonicalLocation;
  raw: unknown;
  rawJson?: string;
}

/**
 * Writes canonical Locations with their EVSEs and Connectors, a whole batch in a handful of statements
 * (the batch travels as one jsonb parameter and is unpacked with jsonb_to_recordset: one round trip per
 * table instead of one per row). Idempotent: upserts keyed by (country_code, party_id, id), then
 * (location, uid) and (EVSE, connector id), so re-running a page after a crash changes nothing.
 * An object older than the stored one (by last_updated) does not overwrite it, and one identical to the stored
 * one (same raw payload) is not rewritten, so a re-pull of unchanged data costs reads, not writes.
 *
 * Routes: the same Location can reach us through two connections, directly from its CPO and relayed by a hub
 * (both send the CPO's own country_code/party_id/id, so it is one row and the app shows it once). The row is held
 * by ONE connection: a direct route (the connection has role CPO for the Location's party; route_rank 0) takes it
 * over from a hub (route_rank 1) whatever the last_updated of either copy, because the CPO is the source and a
 * hub's copy may lag; between routes of equal rank the first one keeps it, so the row never flaps. Only the
 * holding connection updates it. Every route that offered the Location is recorded in location_route (with its
 * copy's last_updated), so a skipped copy is visible, not silently lost.
 */
@Injectable()
export class LocationStore {
  /**
   * The raw wire object we hold under `key`, whichever connection holds it, with its row locked for the caller's
   * transaction (a pushed change is composed with it and written back before another change may read it); null if none.
   */
  async heldRaw(m: Pick<EntityManager, 'query'>, key: { country_code: string; party_id: string; id: string }): Promise<unknown> {
    const [row] = await m.query<Array<{ raw: unknown }>>(`SELECT raw FROM location WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3 FOR UPDATE`, [
      key.country_code,
      key.party_id,
      key.id,
    ]);
    return row ? row.raw : null;
  }

  /** The raw wire Location held by `connectionId` under `key` (what a CPO may GET back from our Receiver interface); null if none. */
  async rawHeldBy(db: Pick<EntityManager, 'query'>, connectionId: string, key: { country_code: string; party_id: string; id: string }): Promise<unknown> {
    const [row] = await db.query<Array<{ raw: unknown }>>(`SELECT raw FROM location WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3 AND connection_id = $4`, [
      key.country_code,
      key.party_id,
      key.id,
      connectionId,
    ]);
    return row ? row.raw : null;
  }

  /**
   * An EVSE status PATCH applied in place, in one statement ("a simple status update ... the most common type of update
   * message", mod_locations 2.2.1 §PATCH Method): the evse row's status (and since when), its last_updated, the PATCH's
   * fields merged into that EVSE of the Location's raw payload, and the Location's last_updated moved to the later of the
   * two; the Location row locked as a composed change locks it, so the two never lose each other's writes.
   * Applies only to a Location `connectionId` holds whose raw payload lists the EVSE.
   * @param lastUpdated the PATCH's last_updated as UTC ISO; `patch`: its body as sent (merged into the raw EVSE).
   * @returns STORED, STALE (the EVSE's last_updated is later: nothing written), or OTHER (not held so, for the general path).
   */
  async patchEvseStatus(
    db: Pick<EntityManager, 'query'>,
    connectionId: string,
    path: { country_code: string; party_id: string; id: string; evse_uid: string },
    change: { status: string; lastUpdated: string; patch: Record<string, unknown> },
  ): Promise<{ kind: 'STORED' } | { kind: 'STALE'; heldLastUpdated: string } | { kind: 'OTHER' }> {
    const [row] = await db.query<Array<{ held: boolean; written: number; held_last_updated: Date | null }>>(
      `WITH loc AS (
         SELECT l.id, l.raw, l.last_updated FROM location l
         WHERE l.country_code = $1 AND l.party_id = $2 AND l.ocpi_id = $3 AND l.connection_id = $5 FOR UPDATE
       ), ev AS (
         SELECT e.id, e.last_updated FROM evse e JOIN loc ON e.location_id = loc.id WHERE e.uid = $4 FOR UPDATE OF e
       ), pos AS (
         SELECT (t.ord - 1)::int AS i FROM loc,
           jsonb_array_elements(CASE WHEN jsonb_typeof(loc.raw->'evses') = 'array' THEN loc.raw->'evses' ELSE '[]' END) WITH ORDINALITY AS t(e, ord)
         WHERE t.e->>'uid' = $4 LIMIT 1
       ), ue AS (
         UPDATE evse e SET status = $6, last_updated = $7::timestamptz, stored_at = now(),
           status_changed_at = CASE WHEN e.status IS DISTINCT FROM $6 THEN $7::timestamptz ELSE e.status_changed_at END
         FROM ev, pos WHERE e.id = ev.id AND ev.last_updated <= $7::timestamptz
         RETURNING e.id
       ), ul AS (
         UPDATE location l SET
           raw = CASE WHEN l.last_updated < $7::timestamptz
             THEN jsonb_set(jsonb_set(l.raw, ARRAY['evses', pos.i::text], (l.raw->'evses'->pos.i) || $8::jsonb), '{last_updated}', $8::jsonb->'last_updated')
             ELSE jsonb_set(l.raw, ARRAY['evses', pos.i::text], (l.raw->'evses'->pos.i) || $8::jsonb) END,
           last_updated = greatest(l.last_updated, $7::timestamptz), stored_at = now(), absent_since = NULL
         FROM loc, pos, ue WHERE l.id = loc.id
         RETURNING l.id
       )
       SELECT EXISTS (SELECT 1 FROM ev, pos) AS held, (SELECT count(*) FROM ul)::int AS written, (SELECT last_updated FROM ev) AS held_last_updated`,
      [path.country_code, path.party_id, path.id, path.evse_uid, connectionId, change.status, change.lastUpdated, JSON.stringify(change.patch)],
    );
    if (!row.held) return { kind: 'OTHER' };
    if (row.written === 0) return { kind: 'STALE', heldLastUpdated: row.held_last_updated ? new Date(row.held_last_updated).toISOString() : 'unknown' };
    return { kind: 'STORED' };
  }

  /** How many Locations, EVSEs and Connectors we hold from one connection (for operations), absent ones included. */
  async countHeld(db: Pick<EntityManager, 'query'>, connectionId: string): Promise<{ locations: number; evses: number; connectors: number }> {
    const [counts] = await db.query<Array<{ locations: number; evses: number; connectors: number }>>(
      `SELECT
         (SELECT count(*) FROM location WHERE connection_id = $1)::int AS locations,
         (SELECT count(*) FROM evse e JOIN location l ON l.id = e.location_id WHERE l.connection_id = $1)::int AS evses,
         (SELECT count(*) FROM connector c JOIN evse e ON e.id = c.evse_id JOIN location l ON l.id = e.location_id
           WHERE l.connection_id = $1)::int AS connectors`,
      [connectionId],
    );
    return counts;
  }

  /**
   * Of what we hold from one connection, how many Locations are marked absent, and how many EVSEs a held Location no
   * longer lists (marked absent themselves; the EVSEs of an absent Location are not counted again) (for operations).
   */
  async countAbsent(db: Pick<EntityManager, 'query'>, connectionId: string): Promise<{ locations: number; evses: number }> {
    const [counts] = await db.query<Array<{ locations: number; evses: number }>>(
      `SELECT
         (SELECT count(*) FROM location WHERE connection_id = $1 AND absent_since IS NOT NULL)::int AS locations,
         (SELECT count(*) FROM evse e JOIN location l ON l.id = e.location_id
           WHERE l.connection_id = $1 AND e.absent_since IS NOT NULL)::int AS evses`,
      [connectionId],
    );
    return counts;
  }

  /**
   * The end of a complete full pull of Locations from `connectionId` (run `runId`, begun at `runStartedAt`: no
   * date_from, every page read): the Locations that connection holds and the pull did not list are marked absent
   * (absent_since = now; kept, never deleted), inside the caller's transaction. Listed means stored by the run
   * (recorded in sync_run_seen by upsertMany) or sent but rejected (rejected_object of the run: the CPO still lists
   * it; we keep our last valid copy). A row written since the run began (a push meanwhile) is left alone: the pull
   * may have read its page before the CPO added it. The run's seen keys are dropped afterwards.
   * @returns how many Locations were marked now.
   */
  async markAbsentAfterFullPull(m: Pick<EntityManager, 'query'>, connectionId: string, runId: string, runStartedAt: Date): Promise<number> {
    await rememberRejectedAsSeen(m, connectionId, runId, runStartedAt);
    const marked = await m.query<Array<{ id: string }>>(
      // In a WITH: an UPDATE's own RETURNING comes back from TypeORM as [rows, count], a SELECT as rows.
      `WITH marked AS (UPDATE location l SET absent_since = now()
       WHERE l.connection_id = $1 AND l.absent_since IS NULL AND l.stored_at < $3::timestamptz
         AND NOT EXISTS (SELECT 1 FROM sync_run_seen s
           WHERE s.run_id = $2 AND s.country_code = l.country_code AND s.party_id = l.party_id AND s.ocpi_id = l.ocpi_id)
       RETURNING l.id) SELECT id FROM marked`,
      [connectionId, runId, runStartedAt.toISOString()],
    );
    await forgetSeen(m, runId);
    return marked.length;
  }

  /**
   * Upserts `batch` for `connectionId` inside the caller's transaction `m`, in three statements whatever its size (one
   * per table: a pull page costs three round trips, as the upsert ceiling of bench/pull-ceiling.ts does). A Location
   * listed again loses its absent mark, written or not. `syncRunId`: the pull that listed them (its keys are remembered
   * when it is a full pull).
   * @returns how many Locations were written (unchanged and older ones are skipped, not counted).
   */
  async upsertMany(m: EntityManager, connectionId: string, ocpiVersion: string, batch: IncomingLocation[], syncRunId: string | null = null): Promise<number> {
    if (batch.length === 0) return 0;
    const locations = await this.upsertLocations(m, connectionId, ocpiVersion, batch, syncRunId);
    const locationIds = new Map(locations.map((row) => [key(row.country_code, row.party_id, row.ocpi_id), row.id]));
    const written = batch.filter((b) => locationIds.has(key(b.location.country_code, b.location.party_id, b.location.id)));
    if (written.length === 0) return 0;
    // Only a Location held before this statement can have EVSEs it no longer lists (a new one has none): on a first
    // pull there is nothing to look for, and the absent marking is skipped rather than paid for.
    const held = locations.filter((row) => row.held).map((row) => row.id);
    const evses = await this.upsertEvses(m, written, locationIds, held);
    await this.upsertConnectors(m, written, locationIds, evses);
    return written.length;
  }

  /**
   * One statement for the Location rows of a batch and their bookkeeping: the upsert (the unchanged-row check in its
   * WHERE), the run's seen keys (a full pull: see rememberSeen), every route that offered them (location_route), and
   * the absent mark cleared on the ones this connection holds but did not rewrite.
   * @returns the rows written (inserted or updated), with their ids; `held`: the row existed before (updated, not inserted).
   */
  private async upsertLocations(m: EntityManager, connectionId: string, ocpiVersion: string, batch: IncomingLocation[], syncRunId: string | null) {
    const rows = batch.map(({ location: l }) => ({
      country_code: l.country_code,
      party_id: l.party_id,
      ocpi_id: l.id,
      publish: l.publish,
      name: l.name,
      address: l.address,
      city: l.city,
      postal_code: l.postal_code,
      state: l.state,
      country: l.country,
      latitude: l.coordinates.latitude,
      longitude: l.coordinates.longitude,
      parking_type: l.parking_type,
      time_zone: l.time_zone,
      time_zone_source: l.time_zone_source,
      help_phone: l.help_phone,
      parking_places: l.parking_places,
      opening_times: l.opening_times,
      charging_when_closed: l.charging_when_closed,
      facilities: l.facilities,
      directions: l.directions,
      operator: l.operator,
      suboperator: l.suboperator,
      owner: l.owner,
      images: l.images,
      energy_mix: l.energy_mix,
      always_open_from: isoOrInfinity(alwaysOpenFrom(l.opening_times, l.time_zone)),
      last_updated: l.last_updated,
    }));
    // The raw payloads are most of a page's text: each is spliced in as the intake wrote it, not stringified again.
    const json = `[${rows.map((row, i) => `${JSON.stringify(row).slice(0, -1)},"raw":${batch[i].rawJson ?? JSON.stringify(batch[i].raw)}}`).join(',')}]`;
    // Modifying CTEs of one statement share its snapshot: a Location inserted by `up` is not in `location` for the
    // others, so `listed` takes the ids of written rows from up's RETURNING and the others' from the table. `cleared`
    // touches only rows `up` did not write (a row changed twice in one statement is refused or lost), and learns which
    // those are only once `up` has run (a LEFT JOIN's "no match" needs all of it).
    return await m.query<Array<{ id: string; country_code: string; party_id: string; ocpi_id: string; held: boolean }>>(
      `WITH x AS MATERIALIZED (
         SELECT x.*, ${ROUTE_RANK_SQL} AS route_rank
         FROM jsonb_to_recordset($1::jsonb) AS x(country_code text, party_id text, ocpi_id text, publish boolean, name text,
           address text, city text, postal_code text, state text, country text, latitude float8, longitude float8,
           parking_type text, time_zone text, time_zone_source text, help_phone text, parking_places jsonb, opening_times jsonb,
           always_open_from timestamptz, charging_when_closed boolean, facilities text[],
           directions jsonb, operator jsonb, suboperator jsonb, owner jsonb, images jsonb, energy_mix jsonb,
           last_updated timestamptz, raw jsonb)
       ), seen AS (
         INSERT INTO sync_run_seen (run_id, country_code, party_id, ocpi_id)
         SELECT $4::uuid, x.country_code, x.party_id, x.ocpi_id FROM x
         WHERE EXISTS (SELECT 1 FROM sync_run r WHERE r.id = $4::uuid AND r.date_from IS NULL)
         ON CONFLICT DO NOTHING
       ), up AS (
         INSERT INTO location (connection_id, route_rank, ocpi_version, country_code, party_id, ocpi_id, publish, name, address, city,
           postal_code, state, country, latitude, longitude, geo, parking_type, time_zone, time_zone_source, help_phone,
           parking_places, opening_times, always_open_from, charging_when_closed, facilities, directions, operator, suboperator,
           owner, images, energy_mix, last_updated, raw, stored_at)
         SELECT $2, x.route_rank, $3, x.country_code, x.party_id, x.ocpi_id, x.publish, x.name, x.address, x.city,
           x.postal_code, x.state, x.country, x.latitude, x.longitude, point(x.longitude, x.latitude), x.parking_type, x.time_zone,
           x.time_zone_source, x.help_phone, coalesce(x.parking_places, '[]'), x.opening_times, x.always_open_from,
           x.charging_when_closed, x.facilities, coalesce(x.directions, '[]'), x.operator, x.suboperator, x.owner,
           coalesce(x.images, '[]'), x.energy_mix, x.last_updated, x.raw, now()
         FROM x
         ON CONFLICT (country_code, party_id, ocpi_id) DO UPDATE SET
           connection_id = EXCLUDED.connection_id, route_rank = EXCLUDED.route_rank, always_open_from = EXCLUDED.always_open_from,
           ocpi_version = EXCLUDED.ocpi_version, publish = EXCLUDED.publish, name = EXCLUDED.name, address = EXCLUDED.address,
           city = EXCLUDED.city, postal_code = EXCLUDED.postal_code, state = EXCLUDED.state, country = EXCLUDED.country,
           latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, geo = EXCLUDED.geo, parking_type = EXCLUDED.parking_type,
           time_zone = EXCLUDED.time_zone, time_zone_source = EXCLUDED.time_zone_source, help_phone = EXCLUDED.help_phone,
           parking_places = EXCLUDED.parking_places, opening_times = EXCLUDED.opening_times,
           charging_when_closed = EXCLUDED.charging_when_closed, facilities = EXCLUDED.facilities,
           directions = EXCLUDED.directions, operator = EXCLUDED.operator, suboperator = EXCLUDED.suboperator,
           owner = EXCLUDED.owner, images = EXCLUDED.images, energy_mix = EXCLUDED.energy_mix,
           last_updated = EXCLUDED.last_updated, raw = EXCLUDED.raw, stored_at = now(), absent_since = NULL
         WHERE (location.connection_id = EXCLUDED.connection_id AND location.last_updated <= EXCLUDED.last_updated
             AND location.raw IS DISTINCT FROM EXCLUDED.raw)
           OR EXCLUDED.route_rank < location.route_rank
         RETURNING id, country_code, party_id, ocpi_id
       ), listed AS (
         SELECT coalesce(up.id, x.held_id) AS id, up.id IS NOT NULL AS written, x.held_id IS NOT NULL AS held, x.route_rank,
           x.last_updated, x.country_code, x.party_id, x.ocpi_id
         FROM (SELECT x.*, ${HELD_LOCATION_SQL} AS held_id FROM x) x
         LEFT JOIN up ON up.country_code = x.country_code AND up.party_id = x.party_id AND up.ocpi_id = x.ocpi_id
       ), routes AS (
         INSERT INTO location_route (location_id, connection_id, route_rank, last_updated, first_seen_at)
         SELECT listed.id, $2, listed.route_rank, listed.last_updated, now() FROM listed WHERE listed.id IS NOT NULL
         ON CONFLICT (location_id, connection_id) DO UPDATE SET route_rank = EXCLUDED.route_rank, last_updated = EXCLUDED.last_updated
         WHERE location_route.route_rank IS DISTINCT FROM EXCLUDED.route_rank OR location_route.last_updated IS DISTINCT FROM EXCLUDED.last_updated
       ), cleared AS (
         UPDATE location l SET absent_since = NULL FROM listed
         WHERE l.id = listed.id AND NOT listed.written AND l.connection_id = $2 AND l.absent_since IS NOT NULL
       )
       SELECT id, country_code, party_id, ocpi_id, held FROM listed WHERE written`,
      [json, connectionId, ocpiVersion, syncRunId],
    );
  }

  /**
   * One statement for the EVSEs of the written Locations: the upsert (only changed EVSEs are written: a status PATCH
   * rewrites one row, not the Location's every EVSE) and the absent mark on the EVSEs a Location no longer lists
   * (looked for only under `heldLocationIds`, the written Locations that existed before: a new one has no EVSEs yet).
   * @returns the ids of all listed EVSEs by location id and uid, and the ids of those that existed before.
   */
  private async upsertEvses(m: EntityManager, batch: IncomingLocation[], locationIds: Map<string, string>, heldLocationIds: string[]) {
    const rows = batch.flatMap(({ location: l }) =>
      l.evses.map((e) => ({
        location_id: locationIds.get(key(l.country_code, l.party_id, l.id)),
        uid: e.uid,
        evse_id: e.evse_id,
        status: e.status,
        capabilities: e.capabilities,
        floor_level: e.floor_level,
        latitude: e.coordinates?.latitude ?? null,
        longitude: e.coordinates?.longitude ?? null,
        physical_reference: e.physical_reference,
        directions: e.directions,
        parking_restrictions: e.parking_restrictions,
        parking: e.parking,
        accepted_service_providers: e.accepted_service_providers,
        images: e.images,
        last_updated: e.last_updated,
      })),
    );
    // The ids of all listed EVSEs come back: the written ones from the upsert, the others read in the same statement
    // (its snapshot holds their unchanged ids, and does not hold the ones the upsert inserts: `held` tells them apart).
    // Each is looked up by its key (an index probe per row, not a scan of every EVSE). The Location object is the
    // CPO's whole truth about its EVSEs: the ones it no longer lists are marked absent, not deleted (sessions, CDRs and
    // the app may still name them; one listed again loses the mark in the upsert). The two modify disjoint rows
    // (listed / not listed); with no held Location the mark is not looked for (a one-time filter: no scan at all).
    const listed = await m.query<Array<{ id: string; location_id: string; uid: string; held: boolean }>>(
      `WITH x AS MATERIALIZED (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(location_id uuid, uid text, evse_id text, status text, capabilities text[],
           floor_level text, latitude float8, longitude float8, physical_reference text, directions jsonb,
           parking_restrictions text[], parking jsonb, accepted_service_providers text[], images jsonb, last_updated timestamptz)
       ), up AS (
         INSERT INTO evse AS e (location_id, uid, evse_id, status, status_changed_at, capabilities, floor_level, latitude, longitude,
           physical_reference, directions, parking_restrictions, parking, accepted_service_providers, images, last_updated, stored_at)
         SELECT x.location_id, x.uid, x.evse_id, x.status, x.last_updated, x.capabilities, x.floor_level, x.latitude, x.longitude,
           x.physical_reference, coalesce(x.directions, '[]'), x.parking_restrictions, coalesce(x.parking, '[]'),
           coalesce(x.accepted_service_providers, '{}'), coalesce(x.images, '[]'), x.last_updated, now()
         FROM x
         ON CONFLICT (location_id, uid) DO UPDATE SET
           evse_id = EXCLUDED.evse_id, status = EXCLUDED.status,
           status_changed_at = CASE WHEN e.status IS DISTINCT FROM EXCLUDED.status THEN EXCLUDED.status_changed_at ELSE e.status_changed_at END,
           capabilities = EXCLUDED.capabilities, floor_level = EXCLUDED.floor_level, latitude = EXCLUDED.latitude,
           longitude = EXCLUDED.longitude, physical_reference = EXCLUDED.physical_reference, directions = EXCLUDED.directions,
           parking_restrictions = EXCLUDED.parking_restrictions, parking = EXCLUDED.parking,
           accepted_service_providers = EXCLUDED.accepted_service_providers, images = EXCLUDED.images,
           last_updated = EXCLUDED.last_updated, stored_at = now(), absent_since = NULL
         WHERE e.absent_since IS NOT NULL OR (e.evse_id, e.status, e.capabilities, e.floor_level, e.latitude, e.longitude, e.physical_reference, e.directions,
             e.parking_restrictions, e.parking, e.accepted_service_providers, e.images, e.last_updated)
           IS DISTINCT FROM (EXCLUDED.evse_id, EXCLUDED.status, EXCLUDED.capabilities, EXCLUDED.floor_level, EXCLUDED.latitude,
             EXCLUDED.longitude, EXCLUDED.physical_reference, EXCLUDED.directions, EXCLUDED.parking_restrictions, EXCLUDED.parking,
             EXCLUDED.accepted_service_providers, EXCLUDED.images, EXCLUDED.last_updated)
         RETURNING e.id, e.location_id, e.uid
       ), absent AS (
         UPDATE evse e SET absent_since = now() WHERE cardinality($2::uuid[]) > 0 AND e.location_id = ANY($2::uuid[])
           AND e.absent_since IS NULL AND NOT EXISTS (SELECT 1 FROM x WHERE x.location_id = e.location_id AND x.uid = e.uid)
       )
       SELECT coalesce(up.id, x.held_id) AS id, x.location_id, x.uid, x.held_id IS NOT NULL AS held
       FROM (SELECT x.location_id, x.uid, (SELECT e.id FROM evse e WHERE e.location_id = x.location_id AND e.uid = x.uid) AS held_id FROM x) x
       LEFT JOIN up ON up.location_id = x.location_id AND up.uid = x.uid`,
      [JSON.stringify(rows), heldLocationIds],
    );
    const ids = new Map<string, string>();
    const held = new Set<string>();
    for (const row of listed) {
      ids.set(`${row.location_id}|${row.uid}`, row.id);
      if (row.held) held.add(row.id);
    }
    return { ids, held: [...held] };
  }

  /**
   * One statement for the Connectors of the listed EVSEs: the upsert (only changed ones written) and the delete of the
   * ones a listed EVSE no longer lists (a Connector is a part of its EVSE, not an object of its own in the app; an
   * absent EVSE keeps its Connectors, as they were). The two modify disjoint rows (listed / not listed). Only an EVSE
   * that existed before (`evses.held`) can have Connectors to delete: with none, the delete is not looked for.
   */
  private async upsertConnectors(m: EntityManager, batch: IncomingLocation[], locationIds: Map<string, string>, evses: { ids: Map<string, string>; held: string[] }) {
    const evseIds = evses.ids;
    if (evseIds.size === 0) return;
    const rows = batch.flatMap(({ location: l }) => {
      const locationId = locationIds.get(key(l.country_code, l.party_id, l.id));
      return l.evses.flatMap((e) =>
        e.connectors.map((c) => ({
          evse_id: evseIds.get(`${locationId}|${e.uid}`),
          ocpi_id: c.id,
          standard: c.standard,
          format: c.format,
          power_type: c.power_type,
          max_voltage: c.max_voltage,
          max_amperage: c.max_amperage,
          max_electric_power: c.max_electric_power,
          tariff_ids: c.tariff_ids,
          terms_and_conditions: c.terms_and_conditions,
          capabilities: c.capabilities,
          last_updated: c.last_updated,
        })),
      );
    });
    await m.query(
      `WITH x AS MATERIALIZED (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(evse_id uuid, ocpi_id text, standard text, format text, power_type text,
           max_voltage integer, max_amperage integer, max_electric_power integer, tariff_ids text[], terms_and_conditions text,
           capabilities text[], last_updated timestamptz)
       ), up AS (
         INSERT INTO connector (evse_id, ocpi_id, standard, format, power_type, max_voltage, max_amperage, max_electric_power,
           tariff_ids, terms_and_conditions, capabilities, last_updated, stored_at)
         SELECT x.evse_id, x.ocpi_id, x.standard, x.format, x.power_type, x.max_voltage, x.max_amperage, x.max_electric_power,
           x.tariff_ids, x.terms_and_conditions, coalesce(x.capabilities, '{}'), x.last_updated, now()
         FROM x
         ON CONFLICT (evse_id, ocpi_id) DO UPDATE SET
           standard = EXCLUDED.standard, format = EXCLUDED.format, power_type = EXCLUDED.power_type,
           max_voltage = EXCLUDED.max_voltage, max_amperage = EXCLUDED.max_amperage,
           max_electric_power = EXCLUDED.max_electric_power, tariff_ids = EXCLUDED.tariff_ids,
           terms_and_conditions = EXCLUDED.terms_and_conditions, capabilities = EXCLUDED.capabilities, last_updated = EXCLUDED.last_updated, stored_at = now()
         WHERE (connector.standard, connector.format, connector.power_type, connector.max_voltage, connector.max_amperage,
             connector.max_electric_power, connector.tariff_ids, connector.terms_and_conditions, connector.capabilities, connector.last_updated)
           IS DISTINCT FROM (EXCLUDED.standard, EXCLUDED.format, EXCLUDED.power_type, EXCLUDED.max_voltage, EXCLUDED.max_amperage,
             EXCLUDED.max_electric_power, EXCLUDED.tariff_ids, EXCLUDED.terms_and_conditions, EXCLUDED.capabilities, EXCLUDED.last_updated)
       ), gone AS (
         DELETE FROM connector c WHERE cardinality($2::uuid[]) > 0 AND c.evse_id = ANY($2::uuid[])
           AND NOT EXISTS (SELECT 1 FROM x WHERE x.evse_id = c.evse_id AND x.ocpi_id = c.ocpi_id)
       )
       SELECT 1`,
      [JSON.stringify(rows), evses.held],
    );
  }
}

/**
 * The id of the Location row held under incoming row `x`'s key before the statement (its snapshot), or null: one
 * probe of the unique key per row, whatever the size of the table (a join let the planner scan every Location).
 */
const HELD_LOCATION_SQL = `(SELECT l.id FROM location l WHERE l.country_code = x.country_code AND l.party_id = x.party_id AND l.ocpi_id = x.ocpi_id)`;

/**
 * route_rank of incoming row `x` from connection $2: 0 when that connection holds the role CPO for the Location's
 * party (the direct route), 1 otherwise (a hub relaying it).
 */
const ROUTE_RANK_SQL = `(CASE WHEN EXISTS (SELECT 1 FROM connection_party p WHERE p.connection_id = $2 AND p.role = 'CPO'
  AND p.country_code = x.country_code AND p.party_id = x.party_id) THEN 0 ELSE 1 END)`;

/** An epoch-ms instant for a timestamptz column: '-infinity', an ISO string, or null (also for a year JS cannot print). */
function isoOrInfinity(ms: number | null): string | null {
  if (ms === null) return null;
  if (ms === -Infinity) return '-infinity';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function key(countryCode: string, partyId: string, id: string): string {
  return `${countryCode}|${partyId}|${id}`;
}
