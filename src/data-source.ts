import { DataSource } from 'typeorm';
import { databaseOptions } from './database/database-options';
import { ENTITIES } from './entities';

/**
 * The data source of the TypeORM CLI (`npm run migration:generate -- migrations/<Name>`, `migration:run`,
 * `migration:revert`). It needs DATABASE_URL: generate migrations against a real PostgreSQL.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to run the TypeORM CLI (e.g. postgres://postgres@127.0.0.1:5432/test)');
export default new DataSource(databaseOptions(url, { entities: ENTITIES }));
