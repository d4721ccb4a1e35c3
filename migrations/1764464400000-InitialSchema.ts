import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * First schema: CPO connections and their parties, the normalised Location / EVSE / Connector and
 * Tariff / TariffElement / PriceComponent tables, rejected objects, sync runs and sync state.
 * Runs unchanged on PostgreSQL 15+ and PGlite (PostgreSQL 18). Geo uses the built-in `point` type with a
 * GiST index (no extension needed on either). Money is `numeric`, never floating point.
 */
export class InitialSchema1764464400000 implements MigrationInterface {
  name = 'InitialSchema1764464400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cpo_connection (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name                  text NOT NULL,
        status                text NOT NULL CHECK (status IN ('PENDING', 'REGISTERED', 'FAILED', 'UNREGISTERED')),
        their_versions_url    text NOT NULL,
        ocpi_version          text,
        their_endpoints       jsonb NOT NULL DEFAULT '[]',
        their_token_encrypted text,
        our_token_hash        text UNIQUE,
        last_error            text,
        registered_at         timestamptz,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE connection_party (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id    uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        role             text NOT NULL,
        country_code     varchar(2) NOT NULL,
        party_id         varchar(3) NOT NULL,
        business_details jsonb,
        UNIQUE (country_code, party_id, role)
      )`);
    await q.query(`
      CREATE TABLE location (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id        uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        country_code         varchar(2) NOT NULL,
        party_id             varchar(3) NOT NULL,
        ocpi_id              varchar(36) NOT NULL,
        ocpi_version         text NOT NULL,
        publish              boolean NOT NULL,
        name                 text,
        address              text NOT NULL,
        city                 text NOT NULL,
        postal_code          text,
        state                text,
        country              varchar(3) NOT NULL,
        latitude             double precision NOT NULL,
        longitude            double precision NOT NULL,
        geo                  point NOT NULL,
        parking_type         text,
        time_zone            text NOT NULL,
        opening_times        jsonb,
        charging_when_closed boolean NOT NULL DEFAULT true,
        facilities           text[] NOT NULL DEFAULT '{}',
        directions           jsonb NOT NULL DEFAULT '[]',
        operator             jsonb,
        suboperator          jsonb,
        owner                jsonb,
        images               jsonb NOT NULL DEFAULT '[]',
        energy_mix           jsonb,
        last_updated         timestamptz NOT NULL,
        raw                  jsonb NOT NULL,
        stored_at            timestamptz NOT NULL DEFAULT now(),
        UNIQUE (country_code, party_id, ocpi_id)
      )`);
    await q.query(`CREATE INDEX location_geo_idx ON location USING gist (geo)`);
    await q.query(`
      CREATE TABLE evse (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        location_id          uuid NOT NULL REFERENCES location(id) ON DELETE CASCADE,
        uid                  varchar(36) NOT NULL,
        evse_id              varchar(48),
        status               text NOT NULL,
        status_changed_at    timestamptz NOT NULL,
        capabilities         text[] NOT NULL DEFAULT '{}',
        floor_level          text,
        latitude             double precision,
        longitude            double precision,
        physical_reference   text,
        directions           jsonb NOT NULL DEFAULT '[]',
        parking_restrictions text[] NOT NULL DEFAULT '{}',
        images               jsonb NOT NULL DEFAULT '[]',
        last_updated         timestamptz NOT NULL,
        stored_at            timestamptz NOT NULL DEFAULT now(),
        UNIQUE (location_id, uid)
      )`);
    await q.query(`CREATE INDEX evse_status_idx ON evse (location_id, status)`);
    await q.query(`
      CREATE TABLE connector (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        evse_id              uuid NOT NULL REFERENCES evse(id) ON DELETE CASCADE,
        ocpi_id              varchar(36) NOT NULL,
        standard             text NOT NULL,
        format               text NOT NULL,
        power_type           text NOT NULL,
        max_voltage          integer NOT NULL,
        max_amperage         integer NOT NULL,
        max_electric_power   integer,
        tariff_ids           text[] NOT NULL DEFAULT '{}',
        terms_and_conditions text,
        last_updated         timestamptz NOT NULL,
        stored_at            timestamptz NOT NULL DEFAULT now(),
        UNIQUE (evse_id, ocpi_id)
      )`);
    await q.query(`
      CREATE TABLE tariff (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id      uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        country_code       varchar(2) NOT NULL,
        party_id           varchar(3) NOT NULL,
        ocpi_id            varchar(36) NOT NULL,
        ocpi_version       text NOT NULL,
        currency           varchar(3) NOT NULL,
        type               text,
        tariff_alt_text    jsonb NOT NULL DEFAULT '[]',
        tariff_alt_url     text,
        min_price_excl_vat numeric(14, 4),
        min_price_incl_vat numeric(14, 4),
        max_price_excl_vat numeric(14, 4),
        max_price_incl_vat numeric(14, 4),
        start_date_time    timestamptz,
        end_date_time      timestamptz,
        energy_mix         jsonb,
        last_updated       timestamptz NOT NULL,
        raw                jsonb NOT NULL,
        stored_at          timestamptz NOT NULL DEFAULT now(),
        UNIQUE (country_code, party_id, ocpi_id)
      )`);
    await q.query(`
      CREATE TABLE tariff_element (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tariff_id    uuid NOT NULL REFERENCES tariff(id) ON DELETE CASCADE,
        position     integer NOT NULL,
        restrictions jsonb,
        UNIQUE (tariff_id, position)
      )`);
    await q.query(`
      CREATE TABLE price_component (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tariff_element_id uuid NOT NULL REFERENCES tariff_element(id) ON DELETE CASCADE,
        position          integer NOT NULL,
        type              text NOT NULL CHECK (type IN ('ENERGY', 'FLAT', 'PARKING_TIME', 'TIME')),
        price             numeric(14, 6) NOT NULL,
        vat               numeric(7, 4),
        step_size         integer NOT NULL,
        UNIQUE (tariff_element_id, position)
      )`);
    await q.query(`
      CREATE TABLE sync_run (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id    uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        module           text NOT NULL,
        status           text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
        date_from        timestamptz,
        started_at       timestamptz NOT NULL DEFAULT now(),
        finished_at      timestamptz,
        pages            integer NOT NULL DEFAULT 0,
        objects_received integer NOT NULL DEFAULT 0,
        objects_stored   integer NOT NULL DEFAULT 0,
        objects_rejected integer NOT NULL DEFAULT 0,
        error            text
      )`);
    await q.query(`CREATE INDEX sync_run_connection_idx ON sync_run (connection_id, module, started_at DESC)`);
    await q.query(`
      CREATE TABLE sync_state (
        connection_id         uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        module                text NOT NULL,
        last_success_started  timestamptz,
        lease_holder          text,
        lease_until           timestamptz,
        PRIMARY KEY (connection_id, module)
      )`);
    await q.query(`
      CREATE TABLE rejected_object (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES cpo_connection(id) ON DELETE CASCADE,
        sync_run_id   uuid REFERENCES sync_run(id) ON DELETE SET NULL,
        module        text NOT NULL,
        ocpi_version  text NOT NULL,
        country_code  text,
        party_id      text,
        object_id     text,
        reason        text NOT NULL,
        raw           jsonb NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rejected_object_connection_idx ON rejected_object (connection_id, received_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'rejected_object',
      'sync_state',
      'sync_run',
      'price_component',
      'tariff_element',
      'tariff',
      'connector',
      'evse',
      'location',
      'connection_party',
      'cpo_connection',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
