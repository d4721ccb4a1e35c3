/**
 * A field the spec types as an object (types §GeoLocation, §Price, §CdrToken, mod_cdrs §CdrLocation, mod_tariffs
 * §TariffRestrictions, §PriceLimit, 2.1.1 mod_sessions / mod_cdrs §Location …) sent as a JSON list: class-validator's
 * @ValidateNested takes a list as "each element", so an empty list passed every check and the mapper then read fields of
 * it: a TypeError, answered "could not be read: Cannot read properties of undefined (reading 'latitude')". Every
 * object field of every example object of every version, replaced by [] and by [{}], is refused by its mapper naming the field ("must be … object, not a list"), never thrown.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot, loadCdrExample } from '../cpo-simulator';
import { mapCdr211 } from '../../src/ocpi/v2_1_1/cdrs/cdr.mapper';
import { mapCdr221 } from '../../src/ocpi/v2_2_1/cdrs/cdr.mapper';
import { mapCdr230 } from '../../src/ocpi/v2_3_0/cdrs/cdr.mapper';
import { mapLocation211 } from '../../src/ocpi/v2_1_1/locations/location.mapper';
import { mapLocation221 } from '../../src/ocpi/v2_2_1/locations/location.mapper';
import { mapLocation230 } from '../../src/ocpi/v2_3_0/locations/location.mapper';
import { mapSession211 } from '../../src/ocpi/v2_1_1/sessions/session.mapper';
import { mapSession221 } from '../../src/ocpi/v2_2_1/sessions/session.mapper';
import { mapSession230 } from '../../src/ocpi/v2_3_0/sessions/session.mapper';
import { mapTariff211 } from '../../src/ocpi/v2_1_1/tariffs/tariff.mapper';
import { mapTariff221 } from '../../src/ocpi/v2_2_1/tariffs/tariff.mapper';
import { mapTariff230 } from '../../src/ocpi/v2_3_0/tariffs/tariff.mapper';
import { markdownJsonBlocks, specSessions } from '../sessions/support/spec-sessions';
import { specJson } from '../tariffs/support/spec-examples';

type Raw = Record<string, any>;
type Mapper = (raw: unknown) => { ok: boolean; reason?: string };

const OWNER = { country_code: 'NL', party_id: 'NOL' };

interface Case {
  name: string;
  map: Mapper;
  example: Raw;
}

const CASES: Case[] = [
  { name: 'mod_locations 2.1.1 §3.1 Location', map: (r) => mapLocation211(r, { owner: OWNER }), example: loadJson211Location() },
  { name: 'mod_locations 2.2.1 §Location object', map: mapLocation221, example: specJson('2.2.1', 'location_example.json') },
  { name: 'mod_locations 2.3.0 §Location object', map: mapLocation230, example: specJson('2.3.0', 'location_example.json') },
  { name: 'mod_sessions 2.1.1 §3.1 Session', map: (r) => mapSession211(r, OWNER), example: specSessions('2.1.1').finished },
  { name: 'mod_sessions 2.2.1 §Session object', map: mapSession221, example: specSessions('2.2.1').finished },
  { name: 'mod_sessions 2.3.0 §Session object', map: mapSession230, example: specSessions('2.3.0').finished },
  { name: 'mod_tariffs 2.1.1 §3.1 Tariff', map: (r) => mapTariff211(r, OWNER), example: tariff211WithRestrictions() },
  { name: 'mod_tariffs 2.2.1 §Tariff object', map: mapTariff221, example: specJson('2.2.1', 'tariff_12_025kwh_min_price.json') },
  { name: 'mod_tariffs 2.3.0 §Tariff object', map: mapTariff230, example: specJson('2.3.0', 'tariff_12_025kwh_min_price.json') },
  { name: 'mod_cdrs 2.1.1 §3.1 CDR', map: (r) => mapCdr211(r, OWNER), example: loadCdrExample('2.1.1') },
  { name: 'mod_cdrs 2.2.1 §CDR object', map: mapCdr221, example: loadCdrExample('2.2.1') },
  { name: 'mod_cdrs 2.3.0 §CDR object', map: mapCdr230, example: loadCdrExample('2.3.0') },
];

/** The 2.1.1 example Location of our fixtures (test/fixtures/ocpi/2.1.1/locations). */
function loadJson211Location(): Raw {
  return JSON.parse(readFileSync(join(findProjectRoot(), 'test', 'fixtures', 'ocpi', '2.1.1', 'locations', 'location_example.json'), 'utf8')) as Raw;
}

/** A 2.1.1 example Tariff whose elements carry restrictions (mod_tariffs 2.1.1 §3.1 Examples). */
function tariff211WithRestrictions(): Raw {
  const tariffs = markdownJsonBlocks('2.1.1', 'mod_tariffs.md').filter((b) => Array.isArray(b.elements));
  return tariffs.find((t) => t.elements.some((e: Raw) => e.restrictions));
}

/** Dotted paths (list indexes as numbers) of every plain-object value below the root of `value`. */
function objectPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [];
  const here = prefix.length > 0 && !Array.isArray(value) ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [...here, ...entries.flatMap(([k, v]) => objectPaths(v, [...prefix, k]))];
}

function withValue(example: Raw, path: string[], value: unknown): Raw {
  // Through JSON, not structuredClone: under jest its objects come from another realm, which no plain-object check takes.
  const copy = JSON.parse(JSON.stringify(example)) as Raw;
  let node: any = copy;
  for (const k of path.slice(0, -1)) node = node[k];
  node[path[path.length - 1]] = value;
  return copy;
}

/** How class-validator and our reasons write a path: `a.b[0].c`. */
const fieldName = (path: string[]) => path.map((k, i) => (/^\d+$/.test(k) ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

describe.each(CASES)('$name: an object field sent as a list', ({ map, example }) => {
  const paths = objectPaths(example);

  it('the example has object fields, and is accepted as it is', () => {
    expect(paths.length).toBeGreaterThan(0);
    expect(map(example)).toMatchObject({ ok: true });
  });

  it.each([[[]], [[{}]]])('every object field set to %j is refused naming the field, nothing thrown', (list) => {
    const outcomes = paths.map((path) => {
      const field = fieldName(path);
      let result: { ok: boolean; reason?: string };
      try {
        result = map(withValue(example, path, list));
      } catch (error) {
        return { field, thrown: String(error) };
      }
      // A CDR's own tariff is read by the Tariff mapper, whose reason follows `tariffs[0]: `.
      return { field, ok: result.ok, names: (result.reason ?? '').replace(/\]: (?=\w)/g, '].').includes(field) };
    });
    expect(outcomes.filter((o) => 'thrown' in o || o.ok !== false || !o.names)).toEqual([]);
  });
});
