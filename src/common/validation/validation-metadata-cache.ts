import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** A class, as class-validator keys its rules (its `Function` type). */
type Target = Parameters<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[0];
type Lookup = (target: Target, schema: string, always: boolean, strictGroups: boolean, groups?: string[]) => ValidationMetadata[];

let installed = false;

/**
 * Memoises class-validator's lookup of a class's validation rules (its own and inherited ones). Unmemoised, every
 * validated object, nested ones included, scans the rules of every decorated class of the application to find its
 * ancestors' (typestack/class-validator#2686): about a sixth of a pull's validation time, which is most of its CPU.
 * The rules of a class are all registered when its module loads, before any object of it can be validated, and never
 * change after; a rule registered later (a module loaded late) empties the memo anyway. Keyed by the class and the
 * lookup's options, so validation with groups stays correct. The rules' grouping by property is memoised with them
 * (by the rule list). Installed once per process; idempotent.
 */
export function installValidationMetadataCache(): void {
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage();
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const register = storage.addValidationMetadata.bind(storage);
  let memo = new WeakMap<Target, Map<string, ValidationMetadata[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let forTarget = memo.get(target);
    if (!forTarget) memo.set(target, (forTarget = new Map<string, ValidationMetadata[]>()));
    let rules = forTarget.get(key);
    if (!rules) forTarget.set(key, (rules = lookup(target, schema, always, strictGroups, groups)));
    return rules;
  };
  // The executor groups a class's rules by property on every validated object; the memoised rule lists above are
  // the same arrays each time and never change, so their grouping is kept with them (read only by the executor).
  const group = storage.groupByPropertyName.bind(storage);
  const grouped = new WeakMap<ValidationMetadata[], ReturnType<typeof group>>();
  storage.groupByPropertyName = (metadata) => {
    let byProperty = grouped.get(metadata);
    if (!byProperty) grouped.set(metadata, (byProperty = group(metadata)));
    return byProperty;
  };
  storage.addValidationMetadata = (metadata) => {
    memo = new WeakMap();
    register(metadata);
  };
}
