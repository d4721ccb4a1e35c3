import { IsInt, IsString, MinLength, validateSync } from 'class-validator';
import { installValidationMetadataCache } from './validation-metadata-cache';

installValidationMetadataCache();

class Base {
  @IsString()
  name!: unknown;
}

class Child extends Base {
  @IsInt()
  count!: unknown;

  @MinLength(5, { groups: ['strict'] })
  code!: unknown;
}

const failed = (object: object, groups?: string[]) =>
  validateSync(object, groups ? { groups } : {})
    .map((e) => e.property)
    .sort();

describe('the memoised lookup of validation rules', () => {
  it("gives a class its own and its ancestors' rules, the same on the first and every later validation", () => {
    const invalid = Object.assign(new Child(), { name: 1, count: 'x', code: 'abcdef' });
    expect(failed(invalid)).toEqual(['count', 'name']);
    expect(failed(invalid)).toEqual(['count', 'name']);
    expect(failed(Object.assign(new Child(), { name: 'n', count: 1, code: 'abcdef' }))).toEqual([]);
  });

  it('keeps validation with groups apart from validation without (without groups, every rule applies)', () => {
    const both = Object.assign(new Child(), { name: 1, count: 1, code: 'ab' });
    expect(failed(both, ['strict'])).toEqual(['code']);
    expect(failed(both)).toEqual(['code', 'name']);
    expect(failed(both, ['strict'])).toEqual(['code']);
  });

  it('sees the rules of a class registered after the first validations', () => {
    expect(failed(Object.assign(new Child(), { name: 1, count: 1, code: 'abcdef' }))).toEqual(['name']);
    class Late extends Child {
      @IsInt()
      extra!: unknown;
    }
    expect(failed(Object.assign(new Late(), { name: 1, count: 1, code: 'abcdef', extra: 'x' }))).toEqual(['extra', 'name']);
  });
});
