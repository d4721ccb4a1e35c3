import fc from 'fast-check';
import { findUnstorableText, storableCopy, storableText, unstorableTextProblem } from './storable-text';

describe('text PostgreSQL cannot hold: found, named, written out storably', () => {
  it('names NUL and lone surrogates (high or low); a surrogate pair is ordinary text', () => {
    expect(unstorableTextProblem('A\u0000B')).toBe('contains U+0000 (NUL), which no text we store may hold');
    expect(unstorableTextProblem('x\ud800')).toBe('contains a lone surrogate (U+D800), which is not Unicode text');
    expect(unstorableTextProblem('\udc00x')).toBe('contains a lone surrogate (U+DC00), which is not Unicode text');
    expect(unstorableTextProblem('emoji 😀, ü, \u0001')).toBeNull();
  });

  it('writes each such character out as its JSON escape, and leaves the rest alone', () => {
    expect(storableText('A\u0000B\ud800C😀\udfff')).toBe('A\\u0000B\\ud800C😀\\udfff');
    expect(storableText('plain')).toBe('plain');
  });

  it('finds the first one in an object, by path, keys included', () => {
    expect(findUnstorableText({ id: 'ok', cdr_token: { uid: 'a\u0000' }, z: '\ud800' })).toEqual({ path: 'cdr_token.uid', problem: expect.stringContaining('U+0000') });
    expect(findUnstorableText({ tariffs: [{}, { elements: ['\ud800'] }] })).toEqual({ path: 'tariffs[1].elements[0]', problem: expect.stringContaining('U+D800') });
    expect(findUnstorableText({ ['k\u0000']: 1 })).toEqual({ path: 'k\\u0000', problem: 'is a key that contains U+0000 (NUL), which no text we store may hold' });
    expect(findUnstorableText('\u0000')).toEqual({ path: '', problem: expect.any(String) });
    expect(findUnstorableText({ a: [1, true, null, 'fine'] })).toBeNull();
  });

  it('copies a value storably, cutting what is nested deeper than asked', () => {
    expect(storableCopy({ ['k\u0000']: ['\ud800', 1, { deep: { deeper: 1 } }] }, 3)).toEqual({ 'k\\u0000': ['\\ud800', 1, { deep: '[nested deeper than 3 levels]' }] });
  });

  it('any text, once made storable, has nothing left to find, and text without a problem is unchanged (property)', () => {
    fc.assert(
      // Any UTF-16 code units, lone surrogates and NUL included, often.
      fc.property(
        fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0x41)).map((c) => String.fromCharCode(c)) }),
        (text) => {
          const stored = storableText(text);
          expect(unstorableTextProblem(stored)).toBeNull();
          if (unstorableTextProblem(text) === null) expect(stored).toBe(text);
        },
      ),
      { seed: 13, numRuns: 2000 },
    );
  });
});
