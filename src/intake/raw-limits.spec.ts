import { KEPT_HEAD_BYTES, rawFitness } from './raw-limits';

describe('the intake step refuses what no reader or store may meet, and says what it keeps', () => {
  const MAX = 100_000;

  it('takes an ordinary object', () => {
    const raw = { id: 'CDR-1', total_cost: { excl_vat: 1 } };
    expect(rawFitness(raw, MAX)).toEqual({ ok: true, json: JSON.stringify(raw) });
  });

  it('no body: refused, kept as null', () => {
    expect(rawFitness(undefined, MAX)).toEqual({ ok: false, reason: 'the request had no body', keep: null });
  });

  it('nested 100,000 deep (a pulled page may carry one): refused without a stack overflow, kept down to 64 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const fitness = rawFitness(deep, MAX);
    expect(fitness).toMatchObject({ ok: false, reason: 'JSON nested deeper than 64 levels' });
    expect(JSON.stringify(!fitness.ok && fitness.keep)).toContain('"[nested deeper than 64 levels]"');
  });

  it('larger than the limit: refused naming both sizes, kept as its first 64 KiB of JSON and its size', () => {
    const big = { id: 'BIG', x_unknown: 'y'.repeat(MAX) };
    const size = JSON.stringify(big).length;
    expect(rawFitness(big, MAX)).toEqual({
      ok: false,
      reason: `${size} bytes of JSON, more than the ${MAX} we take in and keep per object`,
      keep: { truncated: { size_bytes: size, kept_bytes: KEPT_HEAD_BYTES, head: JSON.stringify(big).slice(0, KEPT_HEAD_BYTES) } },
    });
  });

  it('NUL or a lone surrogate anywhere: refused naming the first field, kept whole with it written out', () => {
    expect(rawFitness({ id: 'A', cdr_token: { uid: 'u\u0000' } }, MAX)).toEqual({
      ok: false,
      reason: 'cdr_token.uid: contains U+0000 (NUL), which no text we store may hold',
      keep: { id: 'A', cdr_token: { uid: 'u\\u0000' } },
    });
    expect(rawFitness('\ud800', MAX)).toMatchObject({ ok: false, reason: 'the value: contains a lone surrogate (U+D800), which is not Unicode text', keep: '\\ud800' });
  });

  it('the text "\\u0000" (a backslash and five characters) is ordinary text', () => {
    expect(rawFitness({ remark: 'see \\u0000' }, MAX)).toEqual({ ok: true, json: '{"remark":"see \\\\u0000"}' });
  });
});
