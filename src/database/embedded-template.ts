import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { cp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dumpEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

/** What {@link copyMigratedTemplate} did: the template folder it copied, and whether this call had to build it first. */
export interface TemplateCopy {
  template: string;
  built: boolean;
}

/** Folder-name prefix of the templates under the templates folder; what follows is the {@link templateKey}. */
const TEMPLATE_PREFIX = 'pglite-template-';

/**
 * Fills `dataDir` (emptied first) with a copy of an embedded database on which every migration has run, so that opening
 * it costs a reopen (~0.5–1 s) instead of PGlite's initdb and the migrations (~7–9 s on a quiet machine). The template
 * is a closed PGlite data folder, `<templatesDir>/pglite-template-<key>`, where the key hashes the migrations (every
 * file of the migrations folder, name and content), the PGlite version and the pg-boss version (its schema is built by a
 * migration): a template made by other migrations or another PGlite is never used. The first call for a key builds it
 * (initdb + migrations in a folder of its own, closed, then renamed into place in one step, so that a half-built template
 * is never seen and two processes building at once both succeed) and removes the templates of other keys.
 * @returns the template copied and whether it was built now. @throws Error when the database cannot be built or copied.
 */
export async function copyMigratedTemplate(dataDir: string, templatesDir: string): Promise<TemplateCopy> {
  const template = join(templatesDir, `${TEMPLATE_PREFIX}${templateKey()}`);
  const built = !existsSync(template);
  if (built) await buildTemplate(template);
  await rm(dataDir, { recursive: true, force: true });
  await cp(template, dataDir, { recursive: true });
  return { template, built };
}

/** What {@link migratedTemplateDump} found or made: the template folder, its dump, and whether the template was built now. */
export interface TemplateDump extends TemplateCopy {
  /** The template's dump: PGlite's dumpDataDir, an uncompressed tar, `<template>.tar`. */
  dump: string;
}

/**
 * The dump of the current migrated template (see {@link copyMigratedTemplate} for the template and its key), building
 * the template first if needed and dumping it on first need: `<template>.tar`, PGlite's dumpDataDir of it. Loaded into
 * an in-memory PGlite (startEmbeddedPostgres with loadDataDir and no dataDir), it opens a migrated database from one
 * file read, where a copy of the folder writes its thousand-odd files (0.6 s and more on a quiet machine). The dump
 * is made from a copy of the template (opening a database writes to its folder, which others may be copying), written
 * aside and renamed into place, so a half-written dump is never seen.
 * @throws Error when the template cannot be built or dumped
 */
export async function migratedTemplateDump(templatesDir: string): Promise<TemplateDump> {
  const template = join(templatesDir, `${TEMPLATE_PREFIX}${templateKey()}`);
  const built = !existsSync(template);
  if (built) await buildTemplate(template);
  const dump = `${template}${DUMP_SUFFIX}`;
  if (!existsSync(dump)) {
    const aside = `${template}.dumping-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await cp(template, aside, { recursive: true });
      const blob = await dumpEmbeddedPostgres(aside);
      await writeFile(`${aside}${DUMP_SUFFIX}`, Buffer.from(await blob.arrayBuffer()));
      renameSync(`${aside}${DUMP_SUFFIX}`, dump);
    } finally {
      rmSync(aside, { recursive: true, force: true });
      rmSync(`${aside}${DUMP_SUFFIX}`, { force: true });
    }
  }
  return { template, dump, built };
}

/** File-name ending of a template's dump, next to its folder. */
const DUMP_SUFFIX = '.tar';

/**
 * The key of a template: SHA-256 (first 16 hex digits) of the PGlite and pg-boss versions and of every migration file's
 * name and content, sorted by name.
 */
export function templateKey(): string {
  const hash = createHash('sha256');
  hash.update(`pglite ${packageVersion('@electric-sql/pglite')}\npg-boss ${packageVersion('pg-boss')}\n`);
  // The folder the migration list was loaded from: migrations/*.ts under jest, dist/migrations/*.js when built.
  const folder = dirname(require.resolve('../../migrations'));
  for (const name of readdirSync(folder).sort()) {
    if (!/\.(ts|js)$/.test(name) || name.endsWith('.d.ts')) continue;
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(folder, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function buildTemplate(template: string): Promise<void> {
  const building = `${template}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // Loaded here, not with this file: TypeORM and the migrations cost the demo's worker thread (which only copies a
    // template that exists) a few hundred ms of module loading.
    const { migrateDatabase } = await import('./migrate');
    const embedded = await startEmbeddedPostgres({ dataDir: building });
    try {
      await migrateDatabase(embedded.url, { exclusive: false });
    } finally {
      await embedded.stop();
    }
    try {
      renameSync(building, template);
    } catch (error) {
      // Another process renamed its own build into place first: use that one.
      if (!existsSync(template)) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  removeStaleTemplates(dirname(template), template);
}

/** Templates of other keys (older migrations or another PGlite) and their dumps are never used again: their space is given back. */
function removeStaleTemplates(templatesDir: string, current: string): void {
  for (const name of readdirSync(templatesDir)) {
    const path = join(templatesDir, name);
    const inProgress = name.includes('.building-') || name.includes('.dumping-');
    if (name.startsWith(TEMPLATE_PREFIX) && path !== current && path !== `${current}${DUMP_SUFFIX}` && !inProgress) rmSync(path, { recursive: true, force: true });
  }
}

/** A package's version from its package.json, found next to its entry point (PGlite does not export its package.json). */
function packageVersion(name: string): string {
  let folder = dirname(require.resolve(name));
  while (!existsSync(join(folder, 'package.json')) || (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`package.json of ${name} not found`);
    folder = parent;
  }
  return (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }).version;
}
