import { Decimal } from 'decimal.js';
// Each entry point bundles its own CsvError class: an error is checked against both.
import { CsvError as StreamCsvError, parse } from 'csv-parse';
import { CsvError, CsvErrorCode, parse as parseSync } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { COLUMN_FIELDS, InvoiceColumns, InvoiceMapping } from './invoice-mapping.model';

/** One invoice line as read: amounts and quantities exact decimal strings (decimal point), instants ISO-8601 UTC. */
export interface InvoiceLineIn {
  /** The file's line number (1 is the header). */
  line_no: number;
  cdr_ref: string | null;
  session_ref: string | null;
  authorization_reference: string | null;
  location_id: string | null;
  start_date_time: string | null;
  energy_kwh: string | null;
  time_hours: string | null;
  parking_hours: string | null;
  amount_excl_vat: string | null;
  amount_incl_vat: string | null;
  vat_rate: string | null;
  currency: string;
  /** The line as the file has it, by header name. */
  raw: Record<string, string>;
}

/** A line that cannot be read, and why (plain words naming the column). */
export interface UnreadableLine {
  line: number;
  reason: string;
}

/** The file cannot be read at all (no header, a column the mapping names is missing, broken quoting). */
export class UnreadableInvoice extends Error {}

/** Lines read and lines unreadable, in file order. */
export interface ReadInvoice {
  lines: InvoiceLineIn[];
  unreadable: UnreadableLine[];
}

/**
 * Reads an invoice CSV with a CPO's mapping. Each line is read or said unreadable (wrong number of fields, a number
 * or instant that does not read, no amount, nothing to match it by); the caller decides whether an unreadable line
 * refuses the file. The whole file at once: for tests and small files; imports read it as a stream (readInvoiceCsvStream).
 * @throws UnreadableInvoice when the file as a whole cannot be read
 */
export function readInvoiceCsv(text: string, mapping: InvoiceMapping): ReadInvoice {
  const records = readRecords(text, mapping.delimiter);
  if (records.length === 0) throw new UnreadableInvoice(EMPTY);
  const [header, ...rows] = records;
  const reader = new InvoiceLineReader(header, mapping);
  const read: ReadInvoice = { lines: [], unreadable: [] };
  for (const r of rows) reader.read(r, read);
  return read;
}

/**
 * Reads an invoice CSV as a stream (csv-parse's stream API), `batchLines` records at a time, so that memory stays flat
 * whatever the file's size: yields the lines read and the lines unreadable of each batch, in file order (either may be
 * empty). The same reading as readInvoiceCsv, record for record.
 * @param source the file's bytes or text, in chunks of any size (a chunk may end inside a record or a UTF-8 character)
 * @throws UnreadableInvoice when the file as a whole cannot be read (no header, a mapped column missing, broken
 * quoting: possibly after batches were yielded)
 */
export async function* readInvoiceCsvStream(
  source: AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
  mapping: InvoiceMapping,
  batchLines = 1000,
): AsyncGenerator<ReadInvoice> {
  const parser = parse(parseOptions(mapping.delimiter));
  const input = Readable.from(source, { objectMode: false });
  // Errors of the source end the parsing with that error; the parser's own surface in the loop below.
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let reader: InvoiceLineReader | null = null;
  let batch: ReadInvoice = { lines: [], unreadable: [] };
  let size = 0;
  try {
    for await (const parsed of parser as AsyncIterable<ParsedRecord>) {
      const r = recordOf(parsed);
      if (reader === null) {
        reader = new InvoiceLineReader(r, mapping);
        continue;
      }
      reader.read(r, batch);
      if (++size >= batchLines) {
        yield batch;
        batch = { lines: [], unreadable: [] };
        size = 0;
      }
    }
  } catch (error) {
    throw syntaxError(error);
  } finally {
    input.destroy();
  }
  if (reader === null) throw new UnreadableInvoice(EMPTY);
  if (size > 0) yield batch;
}

const EMPTY = 'the file is empty: a header line is expected';

/** Reads the records after the header with a CPO's mapping (one mapping, one header: built once per file). */
class InvoiceLineReader {
  private readonly names: string[];
  private readonly index: Partial<Record<keyof InvoiceColumns, number>> = {};

  /** @throws UnreadableInvoice when the header lacks a column the mapping names */
  constructor(
    header: CsvRecord,
    private readonly mapping: InvoiceMapping,
  ) {
    const names = header.fields.map((f) => f.trim());
    for (const field of COLUMN_FIELDS) {
      const name = mapping.columns[field];
      if (!name) continue;
      const at = names.indexOf(name.trim());
      if (at < 0) throw new UnreadableInvoice(`the header has no column "${name}" (mapped to ${field}); it has: ${names.join(', ')}`);
      this.index[field] = at;
    }
    this.names = names;
  }

  /** Reads record `r` into `into`: a line, or an unreadable line with its reasons. */
  read(r: CsvRecord, into: ReadInvoice): void {
    const { names, index, mapping } = this;
    if (r.fields.length !== names.length) {
      into.unreadable.push({ line: r.line, reason: `${r.fields.length} fields where the header has ${names.length}` });
      return;
    }
    const problems: string[] = [];
    const text = (field: keyof InvoiceColumns): string | null => {
      const at = index[field];
      if (at === undefined) return null;
      const v = r.fields[at].trim();
      return v === '' ? null : v;
    };
    const decimal = (field: keyof InvoiceColumns): string | null => {
      const v = text(field);
      if (v === null) return null;
      const read = readDecimal(v, mapping.decimal_separator);
      if (read === null) problems.push(`${mapping.columns[field]}: "${v}" is not a number with a decimal ${mapping.decimal_separator === ',' ? 'comma' : 'point'}`);
      return read;
    };
    const start = text('start_date_time');
    const startIso = start === null ? null : readInstant(start);
    if (start !== null && startIso === null) problems.push(`${mapping.columns.start_date_time}: "${start}" is not an ISO-8601 date-time`);
    const currency = (text('currency') ?? mapping.currency ?? '').toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) problems.push(`${mapping.columns.currency ?? 'currency'}: "${currency}" is not an ISO 4217 code`);
    const line: InvoiceLineIn = {
      line_no: r.line,
      cdr_ref: text('cdr_id'),
      session_ref: text('session_id'),
      authorization_reference: text('authorization_reference'),
      location_id: text('location_id'),
      start_date_time: startIso,
      energy_kwh: decimal('energy_kwh'),
      time_hours: decimal('time_hours'),
      parking_hours: decimal('parking_hours'),
      amount_excl_vat: decimal('amount_excl_vat'),
      amount_incl_vat: decimal('amount_incl_vat'),
      vat_rate: decimal('vat_rate'),
      currency,
      raw: Object.fromEntries(names.map((n, i) => [n, r.fields[i]])),
    };
    if (line.amount_excl_vat === null && line.amount_incl_vat === null && problems.length === 0) problems.push('no amount: the amount columns are empty');
    if (!line.cdr_ref && !line.session_ref && !line.authorization_reference && !(line.location_id && line.start_date_time && line.energy_kwh)) {
      problems.push('nothing to match it by: no CDR id, session id, authorization reference, nor location, start and energy');
    }
    if (problems.length > 0) into.unreadable.push({ line: r.line, reason: problems.join('; ') });
    else into.lines.push(line);
  }
}

/**
 * A decimal written with `separator` as decimal mark, optionally a leading minus and thousands grouped by the other
 * mark ("1.234,56" with a comma); null when it is not such a number. Exact: returned as a decimal string.
 */
export function readDecimal(v: string, separator: '.' | ','): string | null {
  const group = separator === ',' ? '\\.' : ',';
  const mark = separator === ',' ? ',' : '\\.';
  const plain = new RegExp(`^-?\\d+(${mark}\\d+)?$`);
  const grouped = new RegExp(`^-?\\d{1,3}(${group}\\d{3})+(${mark}\\d+)?$`);
  const s = v.replace(/\s/g, '');
  if (!plain.test(s) && !grouped.test(s)) return null;
  const normal = s
    .split(separator === ',' ? '.' : ',')
    .join('')
    .replace(',', '.');
  return new Decimal(normal).toFixed(Math.max(0, (normal.split('.')[1] ?? '').length));
}

/** One CSV record: the 1-based line it starts on and its fields. */
interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * The file's records by csv-parse (RFC 4180: quoted fields with delimiters, doubled quotes and line breaks; a UTF-8
 * BOM skipped; CRLF, LF or CR line ends; blank lines left out). Records of any length are returned, so that a line
 * with the wrong number of fields is named by the caller, not refused with the whole file.
 * @throws UnreadableInvoice naming the line and the reason when the quoting is broken
 */
function readRecords(text: string, delimiter: string): CsvRecord[] {
  try {
    return (parseSync(text, parseOptions(delimiter)) as unknown as ParsedRecord[]).map(recordOf);
  } catch (error) {
    throw syntaxError(error);
  }
}

/** The options both readers parse with (see readRecords). */
function parseOptions(delimiter: string) {
  return { delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'], info: true };
}

/** A record as csv-parse gives it with `info`. */
interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** info.lines is the line the record ends on; a quoted line break inside a field moves its start up. */
function recordOf({ record, info }: ParsedRecord): CsvRecord {
  return { line: info.lines - record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0), fields: record };
}

/** A csv-parse error as UnreadableInvoice naming the line; any other error as it is. */
function syntaxError(error: unknown): unknown {
  if (error instanceof CsvError || error instanceof StreamCsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    return new UnreadableInvoice(`the file is not readable CSV: line ${line ?? '?'}: ${syntaxReason(error)}`);
  }
  return error;
}

/** csv-parse's quoting errors in plain words (its codes are a closed set; any other keeps the library's message). */
const SYNTAX_REASONS: Partial<Record<CsvErrorCode, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field is followed by more than a delimiter',
};

function syntaxReason(error: { code: CsvErrorCode; message: string }): string {
  return SYNTAX_REASONS[error.code] ?? error.message;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})?$/;

function readInstant(v: string): string | null {
  if (!INSTANT.test(v)) return null;
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(v) ? v : `${v}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
