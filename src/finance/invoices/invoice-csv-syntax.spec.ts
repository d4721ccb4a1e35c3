import { ReadInvoice, readInvoiceCsv, readInvoiceCsvStream, UnreadableInvoice } from './invoice-csv.reader';
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

/** The stream reader's batches joined into one ReadInvoice. */
async function readStreamed(chunks: Array<string | Buffer>, batchLines: number): Promise<ReadInvoice> {
  const read: ReadInvoice = { lines: [], unreadable: [] };
  for await (const batch of readInvoiceCsvStream(chunks, mapping, batchLines)) {
    read.lines.push(...batch.lines);
    read.unreadable.push(...batch.unreadable);
  }
  return read;
}

/** `bytes` cut every `size` bytes (inside records, quoted fields, line ends and multi-byte characters alike). */
const cut = (bytes: Buffer, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe('invoice CSV read as a stream (imports)', () => {
  const text = '\uFEFFCDR;Netto;Note\r\n"x;1";"1.234,50";"two\nlines"\r\n\r\nCDR-2;;\n"say ""hi""";2,5;Grüße €\nB;2;3;4\nC;7;\rD;8;';

  it.each([1, 2, 3, 5, 64, 4096])('reads what the whole-file reader reads, line for line, with the bytes cut every %i bytes', async (size) => {
    const whole = readInvoiceCsv(text, mapping);
    expect(whole.lines).toHaveLength(4);
    expect(whole.unreadable).toHaveLength(2);
    expect(await readStreamed(cut(Buffer.from(text, 'utf8'), size), 2)).toEqual(whole);
  });

  it('yields batches of at most batchLines records, in file order', async () => {
    const many = ['CDR;Netto', ...Array.from({ length: 25 }, (_, i) => `C-${i};${i},5`)].join('\n');
    const batches: ReadInvoice[] = [];
    for await (const batch of readInvoiceCsvStream([many], mapping, 10)) batches.push(batch);
    expect(batches.map((b) => b.lines.length)).toEqual([10, 10, 5]);
    expect(batches.flatMap((b) => b.lines.map((l) => l.line_no))).toEqual(Array.from({ length: 25 }, (_, i) => i + 2));
  });

  it.each([
    ['CDR;Netto\n"open;1\n', 'the file is not readable CSV: line 2: a quoted field is never closed'],
    ['CDR;Netto\nA;1\nx"y;1\n', 'the file is not readable CSV: line 3: a quote inside an unquoted field'],
    ['', 'the file is empty: a header line is expected'],
    ['Nummer;Netto\nA;1\n', 'the header has no column "CDR" (mapped to cdr_id); it has: Nummer, Netto'],
  ])('refuses a file the whole-file reader refuses, with the same reason: %j', async (bad, reason) => {
    expect(() => readInvoiceCsv(bad, mapping)).toThrow(new UnreadableInvoice(reason));
    await expect(readStreamed([bad], 1)).rejects.toThrow(new UnreadableInvoice(reason));
  });
});
