import { DataSource } from 'typeorm';
import { databaseOptions } from './database-options';

/** Key of the session advisory lock that serialises migrations between instances (any constant; "OCPI" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x4f435049;

/**
 * Runs the pending migrations of the database at `url`, all in one transaction, and returns their names.
 *
 * Several instances may start at the same moment against one database. TypeORM decides which migrations are
 * pending before it opens its transaction, so two instances would both try to apply the same ones and the second
 * would fail. With `exclusive` (a real PostgreSQL server), a session advisory lock held on a connection of its own
 * makes the others wait; they then find nothing pending. An embedded PGlite belongs to one process and shares one
 * session between its connections (see embedded-postgres.ts), so it needs and gets no lock.
 */
export async function migrateDatabase(url: string, options: { exclusive: boolean }): Promise<string[]> {
  // Two connections: one holds the lock, the other runs the migrations.
  const dataSource = new DataSource({ ...databaseOptions(url, { entities: [], poolSize: 2 }), migrationsRun: false });
  await dataSource.initialize();
  const lockHolder = dataSource.createQueryRunner();
  try {
    if (options.exclusive) await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((m) => m.name);
  } finally {
    // Closing the session would release the lock too; unlocking first lets a waiting instance go at once.
    if (options.exclusive) await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockHolder.release();
    await dataSource.destroy();
  }
}
