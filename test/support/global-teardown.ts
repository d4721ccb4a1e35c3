/** Drops the run's template database (server runs) or its PGlite dump folder. */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGLITE_DUMP_ENV, TEMPLATE_DB_ENV, withClient } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  const template = process.env[TEMPLATE_DB_ENV];
  if (serverUrl && template) await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
  const dump = process.env[PGLITE_DUMP_ENV];
  if (dump) rmSync(dirname(dump), { recursive: true, force: true });
}
