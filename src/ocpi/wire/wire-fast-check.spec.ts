import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { generateLocations } from '../../../test/cpo-simulator';
import { CdrDto211 } from '../v2_1_1/cdrs/cdr.dto';
import { Location211Dto } from '../v2_1_1/locations/location.dto';
import { CdrDto } from '../v2_2_1/cdrs/cdr.dto';
import { LocationDto } from '../v2_2_1/locations/location.dto';
import { TariffDto } from '../v2_2_1/tariffs/tariff.dto';
import { TariffDto230 } from '../v2_3_0/tariffs/tariff.dto';
import { CdrDto230 } from '../v2_3_0/cdrs/cdr.dto';
import { certainlyValid } from './wire-fast-check';
import { validateWireObject } from './wire-validation';

/**
 * The quick check of wire objects (wire-fast-check.ts) may only say "valid" where class-validator, run on what
 * class-transformer builds, finds nothing, and only where that instance reads the same as the plain object the mapper
 * then gets: mod_locations 2.2.1 §8.3.1–8.3.3 (and 2.1.1 §3.3), mod_tariffs 2.2.1 §4.3.1, mod_cdrs 2.2.1 §10.3.1.
 */
type Json = Record<string, unknown>;
const fixtures = join(__dirname, '../../../test/fixtures/ocpi');
const read = (dir: string, only?: RegExp): Json[] =>
  readdirSync(join(fixtures, dir))
    .filter((f) => f.endsWith('.json') && (!only || only.test(f)))
    .map((f) => JSON.parse(readFileSync(join(fixtures, dir, f), 'utf8')) as Json);

const generated = generateLocations({
  countryCode: 'NL',
  partyId: 'FST',
  count: 20,
  seed: 7,
  center: { latitude: 52.37, longitude: 4.9 },
  radiusKm: 10,
  tariffIds: ['T1'],
}) as unknown as Json[];

const cases: Array<{ name: string; cls: ClassConstructor<object>; examples: Json[] }> = [
  { name: 'Location 2.2.1', cls: LocationDto, examples: [...read('2.2.1/locations'), ...read('2.2.1/odd', /^location/), ...generated] },
  { name: 'Location 2.1.1', cls: Location211Dto, examples: read('2.1.1/locations') },
  { name: 'Tariff 2.2.1', cls: TariffDto, examples: read('2.2.1/tariffs') },
  { name: 'Tariff 2.3.0', cls: TariffDto230, examples: read('2.2.1/tariffs').map((t) => ({ ...t, country_code: t.country_code ?? 'NL' })) },
  { name: 'CDR 2.2.1', cls: CdrDto, examples: read('2.2.1/cdrs') },
  { name: 'CDR 2.3.0', cls: CdrDto230, examples: read('2.3.0/cdrs') },
  { name: 'CDR 2.1.1', cls: CdrDto211, examples: read('2.1.1/cdrs') },
];

/** What the full path says: class-validator's errors on class-transformer's instance, and that instance as JSON. */
function fullPath(cls: ClassConstructor<object>, raw: Json) {
  const instance = plainToInstance(cls, raw);
  return { errors: validateSync(instance, { forbidUnknownValues: false }).length, asJson: JSON.parse(JSON.stringify(instance)) as unknown };
}

/** Every path to a value inside `o` (object keys and array indexes). */
function pathsOf(o: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(o)) return o.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (o && typeof o === 'object') return Object.entries(o).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

const DELETE = Symbol('delete');
const ODD_VALUES: unknown[] = [
  DELETE,
  null,
  '',
  ' ',
  'x',
  ' NL',
  0,
  -1,
  1.5,
  1e308,
  '230',
  '52.1',
  true,
  [],
  {},
  [{}],
  ['x'],
  [1],
  '2024-13-01T00:00:00Z',
  '2024-06-03T25:00:00Z',
  '2024-06-03',
  'X'.repeat(50),
  'Ünïcode',
  { latitude: '91.0', longitude: '4.9' },
];

/** `o` with the value at `path` replaced by `value` (or deleted). */
function mutate(o: Json, path: Array<string | number>, value: unknown): Json {
  const copy = JSON.parse(JSON.stringify(o)) as Json;
  let at: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === DELETE) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else at[last] = JSON.parse(JSON.stringify(value)) as unknown;
  return copy;
}

describe("The quick check of wire objects is never looser than class-validator on class-transformer's instance", () => {
  it.each(cases)('an ordinary $name is certainly valid, read as it is (the quick path is taken)', ({ cls, examples }) => {
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      expect(fullPath(cls, example)).toEqual({ errors: 0, asJson: example });
      expect(certainlyValid(cls, example)).toBe(true);
      expect(validateWireObject(cls, example)).toEqual({ ok: true, value: example });
    }
  });

  it("the spec-breaking fixtures are not certainly valid, and keep the full path's reasons", () => {
    const broken = read('2.2.1/not-ok', /^location/);
    expect(broken.length).toBeGreaterThan(3);
    for (const raw of broken) {
      expect(certainlyValid(LocationDto, raw)).toBe(false);
      expect(validateWireObject(LocationDto, raw).ok).toBe(false);
    }
    const tariffs = read('2.2.1/not-ok', /^tariff/);
    for (const raw of tariffs) expect([certainlyValid(TariffDto, raw), fullPath(TariffDto, raw).errors > 0]).not.toEqual([true, true]);
  });

  it.each(cases)('$name with one to three fields broken: "certainly valid" only where the full path finds nothing and reads the same', ({ cls, examples }) => {
    let quick = 0;
    let declined = 0;
    const mutation = fc.tuple(fc.nat(), fc.constantFrom(...ODD_VALUES));
    fc.assert(
      fc.property(fc.nat({ max: examples.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (which, changes) => {
        let o = examples[which];
        for (const [at, value] of changes) {
          const paths = pathsOf(o);
          if (paths.length > 0) o = mutate(o, paths[at % paths.length], value);
        }
        const fast = certainlyValid(cls, o);
        const full = fullPath(cls, o);
        if (fast) quick += 1;
        else declined += 1;
        // Quick "valid" ⇒ no error on the full path, and the same object as class-transformer's instance.
        expect(fast ? full : { errors: 0, asJson: o }).toEqual({ errors: 0, asJson: o });
      }),
      { numRuns: 400, seed: 15 },
    );
    expect(quick).toBeGreaterThan(0);
    expect(declined).toBeGreaterThan(0);
  });
});
