/**
 * Loads the OCPI 2.2.1 fixture objects from test/fixtures/ocpi/2.2.1/ (see the README there):
 * the specification's example Locations and Tariffs, and the not-ok/ and odd/ objects.
 * Works from test/ (ts) and from dist/test/ (compiled js) alike.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RawObject } from './ocpi-types';

/** The owner to give loaded objects: `country_code` and `party_id` are rewritten to these. */
export interface FixtureOwner {
  countryCode: string;
  partyId: string;
}

/** One fixture file and its parsed content. */
export interface FixtureFile {
  /** File name, e.g. `location_example.json`. */
  file: string;
  object: RawObject;
}

/** Subdirectories of test/fixtures/ocpi/2.2.1/. */
export type FixtureSet = 'locations' | 'tariffs' | 'not-ok' | 'odd';

/** Walks up from this file to the directory holding package.json; returns it or throws. */
export function findProjectRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${start}`);
  }
}

/** Locale-independent natural order: digit runs compare as numbers, the rest by code unit. */
function naturalCompare(a: string, b: string): number {
  const chunks = (s: string): string[] => s.match(/\d+|\D+/g) ?? [];
  const [x, y] = [chunks(a), chunks(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    const numeric = /^\d/.test(x[i]) && /^\d/.test(y[i]);
    if (numeric && Number(x[i]) !== Number(y[i])) return Number(x[i]) - Number(y[i]);
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * Takes a fixture set and optionally an owner; returns every `*.json` in it, in natural file
 * name order (tariff_2 before tariff_10), with top-level country_code/party_id rewritten to the
 * owner when one is given. Each call reads fresh copies.
 */
export function loadFixtureFiles(set: FixtureSet, owner?: FixtureOwner): FixtureFile[] {
  const dir = join(findProjectRoot(), 'test', 'fixtures', 'ocpi', '2.2.1', set);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort(naturalCompare)
    .map((file) => {
      const object = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RawObject;
      if (owner) {
        object.country_code = owner.countryCode;
        object.party_id = owner.partyId;
      }
      return { file, object };
    });
}

/** The specification's example Locations (6 objects, 5 distinct ids), owned by `owner`. */
export function loadFixtureLocations(owner: FixtureOwner): RawObject[] {
  return loadFixtureFiles('locations', owner).map((f) => f.object);
}

/** The specification's example Tariffs (17 objects, 11 distinct ids), owned by `owner`. */
export function loadFixtureTariffs(owner: FixtureOwner): RawObject[] {
  return loadFixtureFiles('tariffs', owner).map((f) => f.object);
}

/**
 * The "Example of a CDR" of a version (test/fixtures/ocpi/<version>/cdrs/cdr_example.json, see the README there), with
 * its country_code / party_id and those of the tariffs it carries rewritten to `owner` (2.1.1 objects carry none).
 */
export function loadCdrExample(version: '2.1.1' | '2.2.1' | '2.3.0', owner?: FixtureOwner): RawObject {
  const object = JSON.parse(readFileSync(join(findProjectRoot(), 'test', 'fixtures', 'ocpi', version, 'cdrs', 'cdr_example.json'), 'utf8')) as RawObject;
  if (owner && version !== '2.1.1') {
    object.country_code = owner.countryCode;
    object.party_id = owner.partyId;
    for (const t of (object.tariffs as RawObject[] | undefined) ?? []) {
      t.country_code = owner.countryCode;
      t.party_id = owner.partyId;
    }
  }
  return object;
}
