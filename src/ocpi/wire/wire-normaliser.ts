import { assertNever } from '../../common/assert-never';
import { readOcpiDateTime } from './ocpi-datetime';
import { WireDeviation } from './wire-deviation';
import { FieldSpec, VocabularyModule, WIRE_VOCABULARY } from './wire-vocabulary';

/** A wire object after the tolerant-reading pass, with every deviation it showed. */
export interface NormalisedWireObject {
  value: unknown;
  deviations: WireDeviation[];
}

const DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?([zZ]|[+-]\d{2}(?::?\d{2})?)?$/;
const DATETIME_KEYS = new Set(['last_updated', 'period_begin', 'period_end', 'start_date_time', 'end_date_time', 'timestamp']);
const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;
const INTEGER = /^\s*-?\d+\s*$/;

/**
 * The version-independent tolerant-reading pass, run on a CPO's raw object before its version mapper (which then
 * validates strictly against the version's DTO). Where the meaning is unambiguous it normalises, and records:
 * - DateTimes without 'Z', with an offset or with fractional seconds → UTC 'Z', whole seconds or milliseconds (types §DateTime);
 * - numbers sent as strings → numbers, for fields the spec types as int or number;
 * - "" for an optional field → absent;
 * - enum values no version defines → kept as sent, recorded (the canonical model carries them).
 * `raw` itself is never changed (it is stored as received); a new object is returned. Never throws.
 * @param module which vocabulary applies (see wire-vocabulary.ts).
 */
export function normaliseWireObject(module: VocabularyModule, raw: unknown): NormalisedWireObject {
  const deviations: WireDeviation[] = [];
  const value = walk(raw, '', WIRE_VOCABULARY[module], deviations);
  return { value, deviations };
}

/**
 * Copy on write: a node nothing in which changes is returned as it is (shared with `raw`, which nobody changes), so
 * that the usual spec-conformant object costs a walk, not a second copy held beside the raw one while its page is
 * stored (issue 15: a pull's memory); a changed node is a new object or array with the unchanged parts shared.
 */
function walk(node: unknown, path: string, vocabulary: ReadonlyMap<string, FieldSpec>, out: WireDeviation[]): unknown {
  if (Array.isArray(node)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      const read = walk(item, path, vocabulary, out);
      if (copy === null && read !== item) copy = node.slice(0, i) as unknown[];
      copy?.push(read);
    }
    return copy ?? node;
  }
  if (node === null || typeof node !== 'object') return node;
  const object = node as Record<string, unknown>;
  let result: Record<string, unknown> | null = null;
  // Every field of every object of every page passes here: no per-field allocation (pairs, paths, results) unless a
  // value changes (the garbage of a pull was a tenth of its CPU).
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = object[key];
    const field = fieldPath(path, key);
    const read = readField(key, field, value, vocabulary.get(field), out);
    const next = read !== ABSENT && typeof read === 'object' && read !== null ? walk(read, field, vocabulary, out) : read;
    if (result === null && next !== value) {
      result = {};
      for (let j = 0; j < i; j++) put(result, keys[j], object[keys[j]]);
    }
    if (result !== null && next !== ABSENT) put(result, key, next);
  }
  return result ?? node;
}

/** `object[key] = value` as an own property, also for a key "__proto__" (JSON.parse makes it one; `=` would set the prototype). */
function put(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/** A field read as absent (dropped from the copy). */
const ABSENT = Symbol('absent');

/** Field paths by parent path and key ("evses" + "connectors" → "evses.connectors"), made once, not once per field read. */
const FIELD_PATHS = new Map<string, Map<string, string>>();
/**
 * Beyond this many distinct paths (a CPO's unknown fields), or for a path longer than MAX_FIELD_PATH_LENGTH (a key
 * no spec names is as long as a CPO likes), paths are made as they come rather than remembered: at most ~2.5 MB held.
 */
const MAX_FIELD_PATHS = 10_000;
const MAX_FIELD_PATH_LENGTH = 128;
let fieldPaths = 0;

function fieldPath(path: string, key: string): string {
  if (!path) return key;
  let byKey = FIELD_PATHS.get(path);
  const known = byKey?.get(key);
  if (known !== undefined) return known;
  const field = `${path}.${key}`;
  if (fieldPaths < MAX_FIELD_PATHS && field.length <= MAX_FIELD_PATH_LENGTH) {
    if (!byKey) FIELD_PATHS.set(path, (byKey = new Map<string, string>()));
    byKey.set(key, field);
    fieldPaths += 1;
  }
  return field;
}

/** The value of one field after the tolerant reading (see normaliseWireObject), or ABSENT when it is read as not sent. */
function readField(key: string, field: string, value: unknown, spec: FieldSpec | undefined, out: WireDeviation[]): unknown {
  if (value === '' && spec?.optional) {
    out.push({ kind: 'EMPTY_STRING_AS_ABSENT', field });
    return ABSENT;
  }
  if (typeof value === 'string' && (DATETIME_KEYS.has(key) || spec?.kind === 'datetime')) return readDateTime(field, value, out);
  if (!spec) return value;
  switch (spec.kind) {
    case 'int':
    case 'decimal':
      return readNumber(field, value, spec.kind, out);
    case 'enum':
      checkEnum(field, value, spec.values, out);
      return value;
    case 'enum[]':
      if (Array.isArray(value)) value.forEach((v) => checkEnum(field, v, spec.values, out));
      return value;
    case 'string':
    case 'datetime':
      return value;
    default:
      return assertNever(spec, 'field kind');
  }
}

/** types 2.2.1 §DateTime: UTC; no designator means UTC; fractional seconds allowed since 2.2; offsets are not UTC. */
function readDateTime(field: string, value: string, out: WireDeviation[]): string {
  const match = DATETIME.exec(value);
  if (!match) return value; // not a DateTime at all: the version's DTO rejects it with the field's name
  const [, , fraction, zone] = match;
  // The spec's own form (whole seconds, 'Z'), nearly every value a CPO sends: nothing to count or rewrite, whether or not
  // its fields are in range (an out-of-range one is the DTO's to reject), so the instant need not be computed.
  if (!fraction && (zone === 'Z' || zone === 'z')) return value;
  const instant = readOcpiDateTime(value);
  if (instant === null) return value; // e.g. a month 13: rejected by the DTO, not counted as a shape we read
  const before = out.length;
  if (fraction) out.push({ kind: 'DATETIME_FRACTIONAL_SECONDS', field });
  if (!zone) out.push({ kind: 'DATETIME_WITHOUT_TIMEZONE', field });
  else if (!/^[zZ]$/.test(zone)) out.push({ kind: 'DATETIME_WITH_OFFSET', field, example: value });
  if (out.length === before) return value;
  // The form a spec-perfect CPO sends: whole seconds stay whole ("…:09Z"), otherwise milliseconds.
  return instant.replace('.000Z', 'Z');
}

function readNumber(field: string, value: unknown, kind: 'int' | 'decimal', out: WireDeviation[]): unknown {
  if (typeof value !== 'string' || !NUMERIC.test(value)) return value;
  out.push({ kind: 'NUMBER_AS_STRING', field, example: value });
  if (kind === 'int') return INTEGER.test(value) ? Number(value) : value;
  // A decimal travels on as a number only when the double holds every digit sent (OCPI numbers are short).
  const digits = value.replace(/[^\d]/g, '').replace(/^0+/, '').length;
  return digits <= 15 ? Number(value) : value.trim();
}

function checkEnum(field: string, value: unknown, values: ReadonlySet<string>, out: WireDeviation[]): void {
  if (typeof value === 'string' && !values.has(value)) out.push({ kind: 'UNKNOWN_ENUM_VALUE', field, example: value.slice(0, 64) });
}
