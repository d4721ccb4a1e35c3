import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored Sessions (mod_sessions) and their link to the CDR that closed them.
 *
 * - session: one row per Session, keyed by its OCPI identity (country_code, party_id, id): the last whole Session as
 *   sent (raw; the PATCH bodies received since in raw_patches, in order) and as our canonical model (mapped, with its
 *   ChargingPeriods; decimal strings kept exactly), with the columns the app and operations filter on. content_hash =
 *   md5 of the canonical Session (computed by PostgreSQL, so every writer agrees): the same Session again, in whatever
 *   spelling, changes nothing. last_updated is the CPO's; changed_at our clock of the last change.
 * - token_uid is CdrToken.uid (2.2.1+; null in 2.1.1); contract_id is CdrToken.contract_id (2.2.1+) or the 2.1.1
 *   auth_id (which 2.1.1 Tokens define as the contract's id): what the app looks a driver's sessions up by.
 * - cdr_id: the CDR of this session once both are held (CDR.session_id, 2.2.1+); cdr gets an index on that field.
 * Runs on PostgreSQL 15+ and PGlite.
 */
export class Sessions1796300000000 implements MigrationInterface {
  name = 'Sessions1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id       uuid REFERENCES cpo_connection(id) ON DELETE SET NULL,
        ocpi_version        text NOT NULL,
        source              text NOT NULL CHECK (source IN ('PULL', 'PUSH')),
        country_code        varchar(2) NOT NULL,
        party_id            varchar(3) NOT NULL,
        ocpi_id             varchar(36) NOT NULL,
        status              text NOT NULL CHECK (status IN ('ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION', 'UNKNOWN')),
        start_date_time     timestamptz NOT NULL,
        end_date_time       timestamptz,
        kwh                 numeric NOT NULL,
        currency            varchar(3) NOT NULL,
        stated_before_taxes numeric,
        stated_after_taxes  numeric,
        token_uid           text,
        contract_id         text,
        location_id         text NOT NULL,
        evse_uid            text NOT NULL,
        connector_id        text NOT NULL,
        content_hash        text NOT NULL,
        mapped              jsonb NOT NULL,
        raw                 jsonb NOT NULL,
        raw_patches         jsonb NOT NULL DEFAULT '[]',
        last_updated        timestamptz NOT NULL,
        first_received_at   timestamptz NOT NULL DEFAULT now(),
        changed_at          timestamptz NOT NULL DEFAULT now(),
        cdr_id              uuid REFERENCES cdr(id) ON DELETE SET NULL,
        UNIQUE (country_code, party_id, ocpi_id)
      )`);
    await q.query(`CREATE INDEX session_token_uid_idx ON session (token_uid, start_date_time DESC, id) WHERE token_uid IS NOT NULL`);
    await q.query(`CREATE INDEX session_contract_id_idx ON session (contract_id, start_date_time DESC, id) WHERE contract_id IS NOT NULL`);
    await q.query(`CREATE INDEX session_connection_idx ON session (connection_id, status)`);
    await q.query(`CREATE INDEX cdr_session_id_idx ON cdr (country_code, party_id, (mapped->>'session_id')) WHERE mapped->>'session_id' IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cdr_session_id_idx`);
    await q.query(`DROP TABLE session`);
  }
}
