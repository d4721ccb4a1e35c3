/**
 * The demo's migrated PGlite template (src/database/embedded-template.ts): built once, then copied, or dumped once and
 * loaded; a copy or the dump opens as a database on which every migration has run, and the template's name carries the
 * key of the migrations and versions.
 * Runs on PGlite whatever database the rest of the run uses.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrations } from '../../migrations';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { copyMigratedTemplate, migratedTemplateDump, templateKey } from '../../src/database/embedded-template';

describe('embedded PGlite template: a migrated database copied instead of initdb + migrations', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ocpi-template-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  // initdb and every migration on the first call: seconds, many more on a busy machine (a timeout, not a timing check).
  it('builds the template once, removes a stale one, and each copy opens with every migration applied', async () => {
    const templates = join(folder, 'templates');
    const stale = join(templates, 'pglite-template-0000000000000000');
    rmSync(stale, { recursive: true, force: true });
    await startEmbeddedPostgres({ dataDir: stale }).then((db) => db.stop());

    const first = await copyMigratedTemplate(join(folder, 'a'), templates);
    const second = await copyMigratedTemplate(join(folder, 'b'), templates);

    expect(first).toEqual({ template: join(templates, `pglite-template-${templateKey()}`), built: true });
    expect(second).toEqual({ template: first.template, built: false });
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(templates)).toEqual([`pglite-template-${templateKey()}`]);
    const db = await startEmbeddedPostgres({ dataDir: join(folder, 'b') });
    const client = new Client({ connectionString: db.url });
    try {
      await client.connect();
      const applied = (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name);
      const queues = (await client.query<{ name: string }>("SELECT name FROM pgboss.queue WHERE name IN ('pull', 'token-push') ORDER BY name")).rows.map((r) => r.name);
      expect(applied).toEqual(migrations.map((m) => m.name));
      expect(queues).toEqual(['pull', 'token-push']);
    } finally {
      await client.end();
      await db.stop();
    }
  }, 600_000);

  // Builds the template in a folder of its own first (initdb + every migration), then dumps it.
  it('dumps the template once, next to it; the dump loads into an in-memory database with every migration applied; a stale dump is removed', async () => {
    const templates = join(folder, 'dumped');
    const staleDump = join(templates, 'pglite-template-0000000000000000.tar');
    mkdirSync(templates, { recursive: true });
    writeFileSync(staleDump, 'an older template');

    const first = await migratedTemplateDump(templates);
    const written = statSync(first.dump).mtimeMs;
    const second = await migratedTemplateDump(templates);

    const template = join(templates, `pglite-template-${templateKey()}`);
    expect(first).toEqual({ template, dump: `${template}.tar`, built: true });
    expect(second).toEqual({ template, dump: `${template}.tar`, built: false });
    expect(statSync(second.dump).mtimeMs).toBe(written);
    expect(readdirSync(templates).sort()).toEqual([`pglite-template-${templateKey()}`, `pglite-template-${templateKey()}.tar`]);
    const db = await startEmbeddedPostgres({ loadDataDir: new Blob([readFileSync(first.dump)]) });
    const client = new Client({ connectionString: db.url });
    try {
      await client.connect();
      const applied = (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name);
      expect(applied).toEqual(migrations.map((m) => m.name));
    } finally {
      await client.end();
      await db.stop();
    }
  }, 600_000);

  it('keys the template by the PGlite and pg-boss versions and every migration file: 16 hex digits, the same on every call', () => {
    expect(templateKey()).toMatch(/^[0-9a-f]{16}$/);
    expect(templateKey()).toBe(templateKey());
  });
});
