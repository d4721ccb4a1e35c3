/**
 * CSV as RFC 4180 writes it: fields separated by a delimiter, a field holding the delimiter, a quote or a line break
 * quoted with '"' and its quotes doubled; lines end in CRLF (LF read too). Written here because the project has no CSV
 * library yet (csv-parse / csv-stringify would be the well-kept choice: reported as a needed dependency); both
 * functions are small and pure so that swapping them is a one-file change.
 */

/** One record read from a CSV text: its 1-based line number (where it starts) and its fields. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Why a CSV text cannot be read at all (an unterminated quote), with the line where the bad field starts. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/**
 * Reads `text` (a UTF-8 BOM is skipped) into records, blank lines left out.
 * @throws CsvSyntaxError for a quoted field that never ends or a quote inside an unquoted field
 */
export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        const next = text[i];
        if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n') throw new CsvSyntaxError(line, 'a quoted field is followed by more than a delimiter');
        continue;
      }
      if (ch === '\n') line += 1;
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (field !== '') throw new CsvSyntaxError(line, 'a quote inside an unquoted field');
      quoted = true;
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    field += ch;
    fieldStarted = true;
    i += 1;
  }
  if (quoted) throw new CsvSyntaxError(recordLine, 'a quoted field is never closed');
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return records;
}

/** Writes `rows` (the header first) as CSV text, CRLF line ends; null and undefined become empty fields. */
export function toCsv(rows: Array<Array<string | number | boolean | null | undefined>>, delimiter = ','): string {
  const quote = (v: string | number | boolean | null | undefined) => {
    const s = v === null || v === undefined ? '' : String(v);
    return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(quote).join(delimiter)).join('\r\n') + '\r\n';
}
