import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * hub_client_info: the ClientInfo objects each Hub connection announced (mod_hub_client_info 2.2.1 §ClientInfo
 * Object: party_id, country_code, role, status, last_updated), one per (connection, party, role), kept with the raw
 * object; gone with the connection.
 */
export class HubClientInfo1797300000000 implements MigrationInterface {
  name = 'HubClientInfo1797300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub_client_info (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      connection_id uuid NOT NULL REFERENCES cpo_connection (id) ON DELETE CASCADE,
      country_code varchar(2) NOT NULL,
      party_id varchar(3) NOT NULL,
      role text NOT NULL,
      status text NOT NULL CHECK (status IN ('CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED')),
      last_updated timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      raw jsonb NOT NULL,
      CONSTRAINT hub_client_info_party UNIQUE (connection_id, country_code, party_id, role)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub_client_info`);
  }
}
