import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { defaultMetadataStorage, DtoClass } from './wire-fast-check';

/** A property checked with @ValidateNested: the class @Type gives it (null without one), and whether it is a list (`each`). */
interface NestedProperty {
  name: string;
  each: boolean;
  cls: DtoClass | null;
}

const nestedByClass = new Map<DtoClass, NestedProperty[]>();

/**
 * Where a CPO sent a JSON list in place of an object of the DTO (types §GeoLocation, §Price, mod_cdrs §CdrToken …), or
 * a list as an element of a list of objects (`evses: [[]]`): one line per such place, `<path>: must be an object, not a
 * list`. class-validator's @ValidateNested reads a list as "each element" whether or not the field is a list, so
 * `cdr_token: []` or `evses: [[]]` passed every check and the mapper then read fields of a list (a TypeError, whose
 * words were all the CPO and operations got). validateWireObject adds these lines to class-validator's.
 */
export function listWhereObjectBelongs(cls: DtoClass, raw: unknown, prefix = ''): string[] {
  if (!isObject(raw)) return [];
  const problems: string[] = [];
  for (const property of nestedPropertiesOf(cls)) {
    const value = (raw as Record<string, unknown>)[property.name];
    const path = prefix ? `${prefix}.${property.name}` : property.name;
    if (!property.each) {
      if (Array.isArray(value)) problems.push(`${path}: must be an object, not a list`);
      else if (property.cls) problems.push(...listWhereObjectBelongs(property.cls, value, path));
      continue;
    }
    if (!Array.isArray(value)) continue;
    value.forEach((element, i) => {
      if (Array.isArray(element)) problems.push(`${path}[${i}]: must be an object, not a list`);
      else if (property.cls) problems.push(...listWhereObjectBelongs(property.cls, element, `${path}[${i}]`));
    });
  }
  return problems;
}

function nestedPropertiesOf(cls: DtoClass): NestedProperty[] {
  const known = nestedByClass.get(cls);
  if (known) return known;
  // The call class-validator's executor makes for validateSync(object) without options (inherited rules included).
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, undefined as unknown as string, false, false, undefined);
  const properties = metadatas
    .filter((m) => m.type === ValidationTypes.NESTED_VALIDATION)
    .map((m) => ({ name: m.propertyName, each: m.each === true, cls: nestedClassOf(cls, m.propertyName) }));
  nestedByClass.set(cls, properties);
  return properties;
}

function nestedClassOf(cls: DtoClass, property: string): DtoClass | null {
  const typed = defaultMetadataStorage.findTypeMetadata(cls, property);
  if (!typed || typed.options?.discriminator) return null;
  const target = typed.typeFunction() as DtoClass | undefined;
  return target && target !== Object && target !== Array ? target : null;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
