import fc from 'fast-check';
import { jsonTextNestsDeeperThan, MAX_JSON_DEPTH, valueNestsDeeperThan } from './json-depth';

/** The depth of a parsed value, recursively (test oracle: only for shallow values). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('JSON nesting depth, read before and after parsing', () => {
  it('counts arrays and objects, at the limit and one beyond', () => {
    const nest = (n: number) => '{"a":['.repeat(n / 2) + '1' + ']}'.repeat(n / 2);
    expect(jsonTextNestsDeeperThan(nest(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTextNestsDeeperThan(nest(MAX_JSON_DEPTH + 2))).toBe(true);
    expect(valueNestsDeeperThan(JSON.parse(nest(MAX_JSON_DEPTH)))).toBe(false);
    expect(valueNestsDeeperThan(JSON.parse(nest(MAX_JSON_DEPTH + 2)))).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[[{{{{', b: 'say \\"[[[[" and "{{{{' });
    expect(jsonTextNestsDeeperThan(text, 1)).toBe(false);
    expect(jsonTextNestsDeeperThan('["\\\\", [[1]]]', 2)).toBe(true);
    expect(jsonTextNestsDeeperThan('[[["a\\\\"]]]', 2)).toBe(true);
    expect(jsonTextNestsDeeperThan('{"a": "\\\\\\"{{{"}', 1)).toBe(false);
    expect(jsonTextNestsDeeperThan('"unterminated [[[', 1)).toBe(false);
  });

  it('reads any depth without a stack overflow (a million levels, text and value)', () => {
    const text = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(jsonTextNestsDeeperThan(text)).toBe(true);
    expect(valueNestsDeeperThan(JSON.parse(text))).toBe(true);
  });

  it('agrees with the parsed depth on any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (value, max) => {
        const deeper = depthOf(value) > max;
        expect(jsonTextNestsDeeperThan(JSON.stringify(value), max)).toBe(deeper);
        expect(valueNestsDeeperThan(value, max)).toBe(deeper);
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});
