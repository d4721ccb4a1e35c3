import { Decimal } from 'decimal.js';
import { CsvError, CsvErrorCode, parse } from 'csv-parse/sync';
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

/**
 * Reads an invoice CSV with a CPO's mapping. Each line is read or said unreadable (wrong number of fields, a number
 * or instant that does not read, no amount, nothing to match it by); the caller decides whether an unreadable line
 * refuses the file.
 * @throws UnreadableInvoice when the file as a whole cannot be read
 */
export function readInvoiceCsv(text: string, mapping: InvoiceMapping): { lines: InvoiceLineIn[]; unreadable: UnreadableLine[] } {
  const records = readRecords(text, mapping.delimiter);
  if (records.length === 0) throw new UnreadableInvoice('the file is empty: a header line is expected');
  const [header, ...rows] = records;
  const names = header.fields.map((f) => f.trim());
  const index: Partial<Record<keyof InvoiceColumns, number>> = {};
  for (const field of COLUMN_FIELDS) {
    const name = mapping.columns[field];
    if (!name) continue;
    const at = names.indexOf(name.trim());
    if (at < 0) throw new UnreadableInvoice(`the header has no column "${name}" (mapped to ${field}); it has: ${names.join(', ')}`);
    index[field] = at;
  }
  const lines: InvoiceLineIn[] = [];
  const unreadable: UnreadableLine[] = [];
  for (const r of rows) {
    if (r.fields.length !== names.length) {
      unreadable.push({ line: r.line, reason: `${r.fields.length} fields where the header has ${names.length}` });
      continue;
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
    if (problems.length > 0) unreadable.push({ line: r.line, reason: problems.join('; ') });
    else lines.push(line);
  }
  return { lines, unreadable };
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
    const parsed = parse(text, {
      delimiter,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    // info.lines is the line the record ends on; a quoted line break inside a field moves its start up.
    return parsed.map(({ record, info }) => ({ line: info.lines - record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0), fields: record }));
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new UnreadableInvoice(`the file is not readable CSV: line ${line ?? '?'}: ${syntaxReason(error)}`);
    }
    throw error;
  }
}

/** csv-parse's quoting errors in plain words (its codes are a closed set; any other keeps the library's message). */
const SYNTAX_REASONS: Partial<Record<CsvErrorCode, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field is followed by more than a delimiter',
};

function syntaxReason(error: CsvError): string {
  return SYNTAX_REASONS[error.code] ?? error.message;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})?$/;

function readInstant(v: string): string | null {
  if (!INSTANT.test(v)) return null;
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(v) ? v : `${v}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
