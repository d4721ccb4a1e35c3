import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TokenEncoding } from '../ocpi/wire/authorization-header';
import { AuthObservationDirection } from './cpo-connection.entity';

/**
 * Counts, per connection, direction and OCPI version, the times a CPO bent the Authorization header encoding
 * (transport_and_format 2.2.1 §Authorization header, NOTE: many 2.1.1 and 2.2 implementations do not encode),
 * with first and last sighting, so operations can see it and tell the CPO.
 */
@Injectable()
export class AuthObservations {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One more sighting of `encoding` used where `version` prescribes the other one. */
  async record(connectionId: string, direction: AuthObservationDirection, version: string, encoding: TokenEncoding): Promise<void> {
    await this.db.query(
      `INSERT INTO connection_auth_observation (connection_id, direction, ocpi_version, encoding, count, first_seen, last_seen)
       VALUES ($1, $2, $3, $4, 1, now(), now())
       ON CONFLICT (connection_id, direction, ocpi_version, encoding)
       DO UPDATE SET count = connection_auth_observation.count + 1, last_seen = now()`,
      [connectionId, direction, version, encoding],
    );
  }
}
