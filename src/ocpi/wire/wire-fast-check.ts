import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';

// class-transformer's rule storage (where @Type is kept) is not exported from its index; its typings are.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage };

/**
 * A quick "certainly valid" for a wire object against its DTO class, without class-transformer's instance building or
 * class-validator's error bookkeeping (issue 15: on a pull they were most of the CPU per Location; the constraint
 * functions themselves are cheap). It runs the class's own class-validator constraints (the same `validate` functions,
 * in the same order of conditions as class-validator's ValidationExecutor) on the plain object, nested classes taken
 * from the @Type decorators as plainToInstance would, and answers:
 *   true  — validateSync(plainToInstance(cls, raw)) finds nothing, and the plain object reads the same as that instance
 *           (a field that plainToInstance would convert, @Type(() => Number) on a numeric string, is never "true");
 *   false — anything else, including every case it does not model (then the caller takes the full path, which also
 *           writes the reasons). So it may only ever be stricter than the full path, never looser.
 * A class whose rules it cannot model (groups, `always`, async or conditional constraints other than @IsOptional,
 * class-transformer @Transform/@Expose/@Exclude, a discriminated or unusual @Type) is answered false every time.
 */
export function certainlyValid(cls: DtoClass, raw: unknown): boolean {
  const plan = planOf(cls);
  return plan !== null && isPlainObject(raw) && passes(plan, raw);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator and class-transformer key their rules by Function
export type DtoClass = Function;

interface Constraint {
  metadata: ValidationMetadata;
  validate: (value: unknown, args: ValidationArguments) => unknown;
}

interface PropertyPlan {
  name: string;
  /** @IsOptional: the other rules apply only when the value is neither null nor undefined. */
  optional: boolean;
  /** @IsDefined rules: they apply always. */
  defined: Constraint[];
  custom: Constraint[];
  /** @ValidateNested: the class its objects are checked against (from @Type), or 'plain' without @Type (nothing to check). */
  nested: DtoClass | 'plain' | null;
  /** @ValidateNested({ each: true }): a list of such objects; otherwise one object (a list there is refused, see nested-shape). */
  nestedEach: boolean;
  /** @Type(() => Number) / String: the value must already be one (or null/undefined), or plainToInstance would convert it. */
  primitive: 'number' | 'string' | null;
}

interface ClassPlan {
  cls: DtoClass;
  properties: PropertyPlan[];
}

const plans = new Map<DtoClass, ClassPlan | null>();

function planOf(cls: DtoClass): ClassPlan | null {
  if (plans.has(cls)) return plans.get(cls)!;
  // Set before the properties are planned: a class nested in itself is planned once.
  const plan: ClassPlan = { cls, properties: [] };
  plans.set(cls, plan);
  const built = buildPlan(cls, plan);
  if (!built) plans.set(cls, null);
  return built ? plan : null;
}

function buildPlan(cls: DtoClass, plan: ClassPlan): boolean {
  if (hasTransformerRules(cls)) return false;
  const storage = getMetadataStorage();
  // The call class-validator's executor makes for validateSync(object) without options.
  const metadatas = storage.getTargetValidationMetadatas(cls, undefined as unknown as string, false, false, undefined);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of metadatas) {
    if ((m.groups && m.groups.length > 0) || m.always || typeof m.target === 'string') return false;
    byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  }
  for (const [name, list] of byProperty) {
    const property: PropertyPlan = { name, optional: false, defined: [], custom: [], nested: null, nestedEach: false, primitive: null };
    for (const m of list) {
      if (m.validateIf || m.context) return false;
      switch (m.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          if (m.name !== 'isOptional') return false;
          property.optional = true;
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          const constraints = storage.getTargetValidatorConstraints(m.constraintCls);
          for (const c of constraints) {
            if (c.async) return false;
            const instance = c.instance as { validate: Constraint['validate'] };
            (m.type === ValidationTypes.IS_DEFINED ? property.defined : property.custom).push({ metadata: m, validate: instance.validate.bind(instance) });
          }
          break;
        }
        case ValidationTypes.NESTED_VALIDATION: {
          const nested = nestedClassOf(cls, name);
          if (nested === undefined) return false;
          if (nested !== 'plain' && !planOf(nested)) return false;
          property.nested = nested;
          property.nestedEach = m.each === true;
          break;
        }
        default:
          return false;
      }
    }
    const typed = defaultMetadataStorage.findTypeMetadata(cls, name);
    if (typed && property.nested === null) {
      const target = typed.typeFunction();
      if (target === Number) property.primitive = 'number';
      else if (target === String) property.primitive = 'string';
      else return false;
    }
    plan.properties.push(property);
  }
  return true;
}

/** The class @Type gives a nested property; 'plain' without @Type; undefined when it is not one we model. */
function nestedClassOf(cls: DtoClass, property: string): DtoClass | 'plain' | undefined {
  const typed = defaultMetadataStorage.findTypeMetadata(cls, property);
  if (!typed) return 'plain';
  if (typed.options?.discriminator) return undefined;
  const target = typed.typeFunction() as DtoClass | undefined;
  if (!target || target === Number || target === String || target === Boolean || target === Date || target === Object || target === Array) return undefined;
  return target;
}

/** Whether class-transformer holds @Transform, @Expose or @Exclude rules for the class or an ancestor (then the instance may differ from the plain object). */
function hasTransformerRules(cls: DtoClass): boolean {
  const storage = defaultMetadataStorage as unknown as { _transformMetadatas?: Map<unknown, unknown> };
  if (!(storage._transformMetadatas instanceof Map)) return true;
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (storage._transformMetadatas.has(c)) return true;
  }
  return defaultMetadataStorage.getExposedMetadatas(cls).length > 0 || defaultMetadataStorage.getExcludedMetadatas(cls).length > 0;
}

function passes(plan: ClassPlan, object: Record<string, unknown>): boolean {
  for (const property of plan.properties) {
    const value = object[property.name];
    const absent = value === undefined || value === null;
    if (property.optional && absent) continue;
    if (!allPass(property.defined, object, value, property.name, plan.cls)) return false;
    if (property.primitive !== null && !absent && typeof value !== property.primitive) return false;
    if (!allPass(property.custom, object, value, property.name, plan.cls)) return false;
    if (property.nested !== null && value !== undefined && !nestedPasses(property.nested, property.nestedEach, value)) return false;
  }
  return true;
}

function allPass(constraints: Constraint[], object: Record<string, unknown>, value: unknown, property: string, cls: DtoClass): boolean {
  for (const { metadata, validate } of constraints) {
    const args: ValidationArguments = { targetName: cls.name, property, object, value, constraints: metadata.constraints };
    if (metadata.each && Array.isArray(value)) {
      for (const item of value) if (validate(item, args) !== true) return false;
    } else if (validate(value, args) !== true) return false;
  }
  return true;
}

/** One plain object, or with `each` a list of them: class-validator would also take a list for one object (see nested-shape). */
function nestedPasses(nested: DtoClass | 'plain', each: boolean, value: unknown): boolean {
  const check = (item: unknown) => isPlainObject(item) && (nested === 'plain' || passes(planOf(nested)!, item));
  return each ? Array.isArray(value) && value.every(check) : check(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
