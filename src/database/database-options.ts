import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { AuthObservationEntity, ConnectionPartyEntity, CpoConnectionEntity } from '../connections/cpo-connection.entity';
import { RejectedObjectEntity } from '../intake/rejected-object.entity';
import { SyncRunEntity } from '../sync/sync-run.entity';

/** Every TypeORM entity (the bulk tables Location / EVSE / Connector / Tariff are written with SQL). */
export const entities = [CpoConnectionEntity, ConnectionPartyEntity, AuthObservationEntity, SyncRunEntity, RejectedObjectEntity];

/**
 * TypeORM options for a PostgreSQL URL, the same for the service, the tests and the migration CLI.
 * The schema comes from migrations only: `synchronize` is never on. Migrations are run before the service starts,
 * by {@link migrateDatabase} (one instance at a time, all in one transaction), not by TypeORM's `migrationsRun`.
 */
export function databaseOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: ['error'],
    extra: { max: poolSize },
  };
}
