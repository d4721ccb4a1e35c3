import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consolidated API (issue 6): columns that let the chargers search filter in SQL, and the record of every route
 * (CPO connection) through which a Location reached us.
 *
 * - location.route_rank: 0 when the connection that holds the Location is the owning CPO itself (one of its
 *   credentials roles is CPO for the Location's country_code/party_id), 1 when it came through a hub. A direct
 *   route takes a Location over from a hub; see LocationStore.
 * - location.always_open_from: from this instant on the Location is open at every instant by its opening_times
 *   (no regular-hours schedule, no exceptional closing after it), so "open now" needs no per-request evaluation;
 *   '-infinity' when that always held, NULL when the hours must be evaluated per request. Written by LocationStore;
 *   existing rows get a conservative value (NULL unless trivially always open).
 * - location.is_24_7: opening_times.twentyfourseven is true (the "open 24/7" filter), generated.
 * - connector.max_power_kw: the connector's maximum power in kW exactly as connector-power.ts computes it
 *   (declared max_electric_power, else phases × voltage × amperage rounded to 0.1 kW), generated.
 * - location_geo_idx becomes a covering GiST index (INCLUDE id, latitude, longitude, publish): the search reads its
 *   candidates (hundreds per query in a city) from the index alone when the visibility map allows, instead of
 *   visiting one heap page per candidate (measured: about half the database CPU of the candidate step).
 * - location_route: one row per (Location, connection) that offered it, with that copy's last_updated.
 * Runs on PostgreSQL 15+ and PGlite (generated columns exist since PostgreSQL 12).
 */
export class SearchAndRoutes1764550800000 implements MigrationInterface {
  name = 'SearchAndRoutes1764550800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE location ADD COLUMN route_rank smallint NOT NULL DEFAULT 0`);
    await q.query(`
      UPDATE location l SET route_rank = CASE WHEN EXISTS (
        SELECT 1 FROM connection_party p
        WHERE p.connection_id = l.connection_id AND p.role = 'CPO' AND p.country_code = l.country_code AND p.party_id = l.party_id
      ) THEN 0 ELSE 1 END`);
    await q.query(`ALTER TABLE location ADD COLUMN always_open_from timestamptz`);
    await q.query(`
      UPDATE location SET always_open_from = '-infinity'
      WHERE opening_times IS NULL OR (
        (opening_times ->> 'twentyfourseven') = 'true'
        AND coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(opening_times -> 'exceptional_closings') = 'array'
          THEN opening_times -> 'exceptional_closings' END), 0) = 0)`);
    await q.query(`
      ALTER TABLE location ADD COLUMN is_24_7 boolean NOT NULL
        GENERATED ALWAYS AS (coalesce((opening_times ->> 'twentyfourseven') = 'true', false)) STORED`);
    await q.query(`
      ALTER TABLE connector ADD COLUMN max_power_kw numeric NOT NULL
        GENERATED ALWAYS AS (CASE WHEN max_electric_power > 0 THEN max_electric_power / 1000.0
          ELSE round((CASE WHEN power_type = 'AC_3_PHASE' THEN 3 ELSE 1 END) * max_voltage::numeric * max_amperage / 100) / 10 END) STORED`);
    await q.query(`DROP INDEX location_geo_idx`);
    await q.query(`CREATE INDEX location_geo_idx ON location USING gist (geo) INCLUDE (id, latitude, longitude, publish)`);
    await q.query(`
      CREATE TABLE location_route (
        location_id    uuid NOT NULL REFERENCES location(id) ON DELETE CASCADE,
        connection_id  uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        route_rank     smallint NOT NULL,
        last_updated   timestamptz NOT NULL,
        first_seen_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (location_id, connection_id)
      )`);
    await q.query(`
      INSERT INTO location_route (location_id, connection_id, route_rank, last_updated, first_seen_at)
      SELECT id, connection_id, route_rank, last_updated, stored_at FROM location`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS location_route`);
    await q.query(`DROP INDEX IF EXISTS location_geo_idx`);
    await q.query(`CREATE INDEX location_geo_idx ON location USING gist (geo)`);
    await q.query(`ALTER TABLE connector DROP COLUMN IF EXISTS max_power_kw`);
    for (const column of ['is_24_7', 'always_open_from', 'route_rank']) await q.query(`ALTER TABLE location DROP COLUMN IF EXISTS ${column}`);
  }
}
