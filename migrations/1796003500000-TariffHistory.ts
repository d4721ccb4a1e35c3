import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tariff history and 2.3.0 taxes.
 *
 * - tariff_version: every distinct version of every Tariff we were sent, as our canonical model (jsonb, decimal
 *   strings kept exactly) and as sent (raw), with the CPO's last_updated and our own first_seen / last_seen. A
 *   version is "distinct" when its wire content other than last_updated differs from the version before it
 *   (content_hash = md5 of the raw object without last_updated, computed by PostgreSQL so writer and backfill agree).
 *   valid_from is when the version took effect as far as we can tell: its last_updated (the CPO's word), never
 *   later than first_seen and never earlier than the previous version's valid_from. Sessions and CDRs are priced
 *   with the version valid when they started. Rows are keyed by the tariff's OCPI identity, not by the tariff row,
 *   so the history outlives the row.
 * - tariff.tax_included (TaxIncluded, mod_tariffs 2.3.0): 'NO' for what is already stored (2.2.1 prices excl. VAT).
 * - price_component.type: the CHECK is dropped, so a PriceComponent type a later version or a CPO adds is kept as sent
 *   (the pricing engine says it cannot price it) instead of sinking its whole tariff.
 *
 * Existing tariffs get a version 1, first and last seen when they were stored, their canonical form rebuilt from the
 * columns (all were OCPI 2.2.1). Runs on PostgreSQL 15+ and PGlite.
 */
export class TariffHistory1796003500000 implements MigrationInterface {
  name = 'TariffHistory1796003500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tariff ADD COLUMN tax_included text NOT NULL DEFAULT 'NO'`);
    await q.query(`ALTER TABLE price_component DROP CONSTRAINT IF EXISTS price_component_type_check`);
    await q.query(`
      CREATE TABLE tariff_version (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid REFERENCES cpo_connection(id) ON DELETE SET NULL,
        country_code  varchar(2) NOT NULL,
        party_id      varchar(3) NOT NULL,
        ocpi_id       varchar(36) NOT NULL,
        version_no    integer NOT NULL,
        ocpi_version  text NOT NULL,
        content_hash  text NOT NULL,
        tariff        jsonb NOT NULL,
        raw           jsonb NOT NULL,
        last_updated  timestamptz NOT NULL,
        valid_from    timestamptz NOT NULL,
        first_seen    timestamptz NOT NULL,
        last_seen     timestamptz NOT NULL,
        UNIQUE (country_code, party_id, ocpi_id, version_no)
      )`);
    await q.query(`CREATE INDEX tariff_version_valid_idx ON tariff_version (country_code, party_id, ocpi_id, valid_from DESC, version_no DESC)`);
    await q.query(`
      INSERT INTO tariff_version (connection_id, country_code, party_id, ocpi_id, version_no, ocpi_version, content_hash, tariff, raw,
        last_updated, valid_from, first_seen, last_seen)
      SELECT t.connection_id, t.country_code, t.party_id, t.ocpi_id, 1, t.ocpi_version, md5((t.raw - 'last_updated')::text),
        jsonb_build_object(
          'country_code', t.country_code, 'party_id', t.party_id, 'id', t.ocpi_id, 'currency', t.currency, 'type', t.type,
          'tariff_alt_text', t.tariff_alt_text, 'tariff_alt_url', t.tariff_alt_url, 'tax_included', 'NO', 'omitted_vat', 'NO_VAT',
          'min_price', CASE WHEN t.min_price_excl_vat IS NULL THEN NULL ELSE jsonb_build_object(
            'before_taxes', trim_scale(t.min_price_excl_vat)::text, 'after_taxes', trim_scale(t.min_price_incl_vat)::text) END,
          'max_price', CASE WHEN t.max_price_excl_vat IS NULL THEN NULL ELSE jsonb_build_object(
            'before_taxes', trim_scale(t.max_price_excl_vat)::text, 'after_taxes', trim_scale(t.max_price_incl_vat)::text) END,
          'elements', coalesce((
            SELECT jsonb_agg(jsonb_build_object('restrictions', e.restrictions, 'price_components', coalesce((
              SELECT jsonb_agg(jsonb_build_object('type', pc.type, 'price', trim_scale(pc.price)::text, 'vat', trim_scale(pc.vat)::text,
                'step_size', pc.step_size) ORDER BY pc.position)
              FROM price_component pc WHERE pc.tariff_element_id = e.id), '[]'::jsonb)) ORDER BY e.position)
            FROM tariff_element e WHERE e.tariff_id = t.id), '[]'::jsonb),
          'start_date_time', to_char(t.start_date_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'end_date_time', to_char(t.end_date_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'energy_mix', t.energy_mix,
          'last_updated', to_char(t.last_updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
        t.raw, t.last_updated, least(t.last_updated, t.stored_at), t.stored_at, t.stored_at
      FROM tariff t`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tariff_version`);
    await q.query(`ALTER TABLE tariff DROP COLUMN tax_included`);
    // Other types may have been stored meanwhile: NOT VALID keeps them and checks new rows only.
    await q.query(`ALTER TABLE price_component ADD CONSTRAINT price_component_type_check CHECK (type IN ('ENERGY', 'FLAT', 'PARKING_TIME', 'TIME')) NOT VALID`);
  }
}
