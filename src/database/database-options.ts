import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
/**
 * TypeORM options for a PostgreSQL URL, the same for the service, the tests and the migration CLI. The entities are
 * handed in by the caller (the composition root's list, `src/entities.ts`), so this folder imports no domain.
 * The schema comes from migrations only: `synchronize` is never on. Migrations are run before the service starts,
 * by {@link migrateDatabase} (one instance at a time, all in one transaction), not by TypeORM's `migrationsRun`.
 */
export function databaseOptions(url: string, options: { entities: DataSourceOptions['entities']; poolSize?: number }): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: options.entities,
    migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: ['error'],
    extra: { max: options.poolSize ?? 10 },
  };
}
