/**
 * Migrates one database for the whole run, which every suite then copies (see test-database.ts).
 * With DATABASE_URL: a template database on that server, named per run so parallel runs never meet.
 * Without: an embedded PGlite migrated in a temporary folder and dumped to a file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpEmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { migrateDatabase } from '../../src/database/migrate';
import { PGLITE_DUMP_ENV, TEMPLATE_DB_ENV, withClient } from './test-database';

export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const template = `ocpi_template_${process.pid}_${Date.now()}`;
    await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${template}`));
    const url = new URL(serverUrl);
    url.pathname = `/${template}`;
    await migrate(url.toString());
    process.env[TEMPLATE_DB_ENV] = template;
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), 'ocpi-test-'));
  const dataDir = join(folder, 'pglite');
  const embedded = await startEmbeddedPostgres({ dataDir });
  await migrate(embedded.url);
  await embedded.stop();
  const dumpFile = join(folder, 'migrated.tar');
  writeFileSync(dumpFile, Buffer.from(await (await dumpEmbeddedPostgres(dataDir)).arrayBuffer()));
  process.env[PGLITE_DUMP_ENV] = dumpFile;
}

async function migrate(url: string): Promise<void> {
  await migrateDatabase(url, { exclusive: false });
}
