import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Location fields that differ between OCPI versions:
 * - 2.1.1 ids and EVSE uids may be 39 characters (mod_locations 2.1.1 §3.1, §3.2; 2.2 shortened them to 36);
 * - 2.1.1 time_zone is optional: when the CPO leaves it out we derive it from the coordinates and say so
 *   (time_zone_source 'COORDINATES' instead of 'CPO');
 * - 2.3.0 additions (mod_locations 2.3.0 §Location, §EVSE, §Connector, §Parking): help_phone, parking_places,
 *   EVSE parking and accepted_service_providers, Connector capabilities.
 */
export class LocationFieldsOfEveryVersion1765000100000 implements MigrationInterface {
  name = 'LocationFieldsOfEveryVersion1765000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE location ALTER COLUMN ocpi_id TYPE varchar(39)`);
    await q.query(`ALTER TABLE location
      ADD COLUMN time_zone_source text NOT NULL DEFAULT 'CPO' CHECK (time_zone_source IN ('CPO', 'COORDINATES')),
      ADD COLUMN help_phone text,
      ADD COLUMN parking_places jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`ALTER TABLE evse ALTER COLUMN uid TYPE varchar(39)`);
    await q.query(`ALTER TABLE evse
      ADD COLUMN parking jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN accepted_service_providers text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE connector ADD COLUMN capabilities text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connector DROP COLUMN capabilities`);
    await q.query(`ALTER TABLE evse DROP COLUMN parking, DROP COLUMN accepted_service_providers`);
    await q.query(`ALTER TABLE location DROP COLUMN time_zone_source, DROP COLUMN help_phone, DROP COLUMN parking_places`);
  }
}
