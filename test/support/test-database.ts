/**
 * One fresh, migrated database per test suite, on whichever PostgreSQL the run uses:
 * - with DATABASE_URL (CI): a database created from a template that global-setup migrated once
 *   (`CREATE DATABASE … TEMPLATE`, a file copy: fast), dropped afterwards;
 * - without it: an embedded PGlite loaded from the data-folder dump global-setup made after migrating once
 *   (a fresh initdb costs seconds, loading the dump about one).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Names global-setup shares with the workers through the environment. */
export const TEMPLATE_DB_ENV = 'OCPI_TEST_TEMPLATE_DATABASE';
export const PGLITE_DUMP_ENV = 'OCPI_TEST_PGLITE_DUMP';

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) return createServerDatabase(serverUrl, process.env[TEMPLATE_DB_ENV]!);
  const dump = readFileSync(process.env[PGLITE_DUMP_ENV]!);
  const embedded = await startEmbeddedPostgres({ loadDataDir: new Blob([dump]) });
  return { url: embedded.url, drop: () => embedded.stop() };
}

async function createServerDatabase(serverUrl: string, template: string): Promise<TestDatabase> {
  const name = `ocpi_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs `fn` on a short-lived connection to `url`. */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
