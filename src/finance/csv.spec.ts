import { CsvSyntaxError, parseCsv, toCsv } from './csv';

describe('CSV (RFC 4180)', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, numbering records by their first line', () => {
    const text = '\uFEFFa;b;c\r\n"x;1";"say ""hi""";"two\nlines"\r\n\r\nlast;;\n';
    expect(parseCsv(text, ';')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x;1', 'say "hi"', 'two\nlines'] },
      { line: 5, fields: ['last', '', ''] },
    ]);
  });

  it('refuses an unterminated quote naming the line', () => {
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow(new CsvSyntaxError(2, 'a quoted field is never closed'));
  });

  it('writes what it reads back', () => {
    const rows = [
      ['id', 'note'],
      ['1', 'a, "b"'],
      ['2', null],
    ];
    expect(parseCsv(toCsv(rows)).map((r) => r.fields)).toEqual([
      ['id', 'note'],
      ['1', 'a, "b"'],
      ['2', ''],
    ]);
  });
});
