/**
 * A fresh, empty database per benchmark scenario, removed afterwards: an embedded PGlite in a new folder under
 * os.tmpdir(), or a new `ocpi_bench_<random>` database on the PostgreSQL server of DATABASE_URL (the service
 * migrates it at start-up). Created and dropped by the parent process, so a crashed worker leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export type DatabaseKind = 'pglite' | 'postgres';

export interface BenchDatabase {
  kind: DatabaseKind;
  /** The database settings to pass to loadEnvironment: PGLITE_DATA_DIR or DATABASE_URL. */
  env: Record<string, string>;
  /** Where it lives, for the report (no credentials). */
  description: string;
  remove(): Promise<void>;
}

export async function createBenchDatabase(kind: DatabaseKind, serverUrl?: string): Promise<BenchDatabase> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'ocpi-bench-pglite-'));
    return {
      kind,
      env: { PGLITE_DATA_DIR: join(dir, 'data') },
      description: 'PGlite (embedded, in the service process), data folder in os.tmpdir()',
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  }
  if (!serverUrl) throw new Error('PostgreSQL benchmark needs DATABASE_URL');
  const name = `ocpi_bench_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const version = await withClient(url.toString(), async (c) => (await c.query('SHOW server_version')).rows[0].server_version as string);
  return {
    kind,
    env: { DATABASE_URL: url.toString() },
    description: `PostgreSQL ${version} at ${url.host}, database ${name}`,
    remove: () => withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
