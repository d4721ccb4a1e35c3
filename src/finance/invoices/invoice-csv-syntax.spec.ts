import { readInvoiceCsv, UnreadableInvoice } from './invoice-csv.reader';
import { InvoiceMapping } from './invoice-mapping.model';

const mapping: InvoiceMapping = {
  delimiter: ';',
  decimal_separator: ',',
  line_per: 'CDR',
  currency: 'EUR',
  columns: { cdr_id: 'CDR', amount_excl_vat: 'Netto' },
};

describe('invoice CSV through csv-parse (RFC 4180)', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, numbering lines by where they start', () => {
    const text = '\uFEFFCDR;Netto;Note\r\n"x;1";"1.234,50";"two\nlines"\r\n\r\nCDR-2;;\n"say ""hi""";2,5;\n';
    const { lines, unreadable } = readInvoiceCsv(text, mapping);
    expect(lines.map((l) => [l.line_no, l.cdr_ref, l.amount_excl_vat, l.raw.Note])).toEqual([
      [2, 'x;1', '1234.50', 'two\nlines'],
      [6, 'say "hi"', '2.5', ''],
    ]);
    expect(unreadable).toEqual([{ line: 5, reason: 'no amount: the amount columns are empty' }]);
  });

  it('names a line with the wrong number of fields and reads the others', () => {
    const { lines, unreadable } = readInvoiceCsv('CDR;Netto\nA;1\nB;2;3\n', mapping);
    expect(lines.map((l) => l.cdr_ref)).toEqual(['A']);
    expect(unreadable).toEqual([{ line: 3, reason: '3 fields where the header has 2' }]);
  });

  it.each([
    ['CDR;Netto\n"open;1\n', 'line 2: a quoted field is never closed'],
    ['CDR;Netto\nx"y;1\n', 'line 2: a quote inside an unquoted field'],
    ['CDR;Netto\n"x"y;1\n', 'line 2: a quoted field is followed by more than a delimiter'],
  ])('refuses broken quoting as a whole, naming the line and the reason: %j', (text, reason) => {
    expect(() => readInvoiceCsv(text, mapping)).toThrow(new UnreadableInvoice(`the file is not readable CSV: ${reason}`));
  });
});
