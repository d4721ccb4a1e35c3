import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored CDRs (mod_cdrs) and their recomputed cost.
 *
 * - cdr: one row per CDR, keyed by its OCPI identity (country_code, party_id, id): as sent (raw) and as our canonical
 *   model (mapped, decimal strings kept exactly), with the columns finance filters and sums on. A CDR never changes
 *   (mod_cdrs 2.2.1 §Receiver interface: "CDRs cannot be replaced"): the same id again is either identical (nothing
 *   happens) or rejected (rejected_object), never written over. content_hash = md5 of the canonical CDR (mapped: what
 *   we read, so a CDR re-sent in another spelling is the same), computed by PostgreSQL so that every writer agrees.
 * - Recompute columns: our cost from the tariffs (the CDR's own, else those its connector listed at the session's
 *   start), the difference to the stated total_cost (ours − theirs), whether exact and why not, which tariffs priced
 *   it, the breakdown, and how the CDR's tariffs differ from the ones the Location listed. Null until computed.
 * Runs on PostgreSQL 15+ and PGlite.
 */
export class Cdrs1796100000000 implements MigrationInterface {
  name = 'Cdrs1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cdr (
        id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id             uuid REFERENCES cpo_connection(id) ON DELETE SET NULL,
        ocpi_version              text NOT NULL,
        source                    text NOT NULL CHECK (source IN ('PULL', 'PUSH')),
        country_code              varchar(2) NOT NULL,
        party_id                  varchar(3) NOT NULL,
        ocpi_id                   varchar(39) NOT NULL,
        content_hash              text NOT NULL,
        raw                       jsonb NOT NULL,
        mapped                    jsonb NOT NULL,
        start_date_time           timestamptz NOT NULL,
        end_date_time             timestamptz NOT NULL,
        location_id               text NOT NULL,
        evse_uid                  text NOT NULL,
        connector_id              text NOT NULL,
        currency                  varchar(3) NOT NULL,
        stated_before_taxes       numeric NOT NULL,
        stated_after_taxes        numeric,
        total_energy              numeric NOT NULL,
        credit                    boolean NOT NULL DEFAULT false,
        last_updated              timestamptz NOT NULL,
        received_at               timestamptz NOT NULL DEFAULT now(),
        computed_before_taxes     numeric,
        computed_after_taxes      numeric,
        difference_before_taxes   numeric,
        difference_after_taxes    numeric,
        exact                     boolean,
        not_exact_because         text[],
        priced_with               text CHECK (priced_with IN ('CDR_TARIFFS', 'LOCATION_TARIFFS', 'NONE')),
        recomputed_at             timestamptz,
        recomputation             jsonb,
        tariff_differences        jsonb,
        UNIQUE (country_code, party_id, ocpi_id)
      )`);
    await q.query(`CREATE INDEX cdr_connection_start_idx ON cdr (connection_id, start_date_time DESC, id)`);
    await q.query(`CREATE INDEX cdr_start_idx ON cdr (start_date_time DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cdr`);
  }
}
