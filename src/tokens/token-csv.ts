import { BadRequestException } from '@nestjs/common';
import { CsvError, parse } from 'csv-parse/sync';
import { TokenFields } from './token.model';

/** One data line of a Tokens CSV: its line number in the file (1 = the header), and the Token as a JSON-like object. */
export type TokenCsvLine = { line: number; ok: true; raw: Record<string, unknown> } | { line: number; ok: false; errors: string[] };

/** The columns of a Tokens CSV: the JSON field names; energy_contract as two dotted columns. */
const SIMPLE_COLUMNS: ReadonlyArray<Exclude<keyof TokenFields, 'energy_contract'>> = [
  'uid',
  'type',
  'contract_id',
  'visual_number',
  'issuer',
  'group_id',
  'valid',
  'whitelist',
  'language',
  'default_profile_type',
  'valid_until',
  'denial',
];
const CONTRACT_COLUMNS = ['energy_contract.supplier_name', 'energy_contract.contract_id'] as const;
const KNOWN_COLUMNS: ReadonlySet<string> = new Set<string>([...SIMPLE_COLUMNS, ...CONTRACT_COLUMNS]);
const REQUIRED_COLUMNS = ['uid', 'type', 'contract_id', 'issuer'];

/**
 * Reads a Tokens CSV (RFC 4180 through csv-parse: quotes, embedded newlines, a BOM; comma-separated, cells trimmed):
 * a header row naming the JSON fields of a Token (any order; energy_contract as energy_contract.supplier_name and
 * energy_contract.contract_id), then one Token per line. Each line becomes the object POST /api/v1/tokens takes, so
 * the same checks apply with the same messages: an empty cell is an absent field (its default, or "is required");
 * valid reads true/false in any case (anything else is left for the check to refuse); every other cell is a string.
 * A line with another number of cells than the header is refused alone. Line numbers count from the header (line 1);
 * a line spanning several lines (a quoted newline) is named by its first.
 * @throws BadRequestException when the text is no CSV (an unclosed quote…), has no header, or the header names an
 *   unknown or repeated column or lacks a required one (every line would be refused the same way).
 */
export function readTokenCsv(text: string): TokenCsvLine[] {
  let records: Array<{ record: string[]; info: { lines: number; empty_lines: number } }>;
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    throw new BadRequestException(`body is no readable CSV: ${error instanceof CsvError ? error.message : (error as Error).message}`);
  }
  if (records.length === 0) throw new BadRequestException('body must be CSV with a header row naming the Token fields (uid,type,contract_id,issuer,…)');
  const header = records[0].record;
  const problems: string[] = [];
  header.forEach((name, i) => {
    if (!KNOWN_COLUMNS.has(name)) problems.push(`column ${i + 1} "${name}" is not a Token field`);
    else if (header.indexOf(name) !== i) problems.push(`column ${i + 1} "${name}" appears twice`);
  });
  for (const name of REQUIRED_COLUMNS) if (!header.includes(name)) problems.push(`the header lacks the required column ${name}`);
  if (problems.length > 0) throw new BadRequestException(problems.map((p) => `CSV header (line 1): ${p}`));

  const lines: TokenCsvLine[] = [];
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i];
    const previous = records[i - 1].info;
    // Where this record starts: past the previous one and the empty lines skipped since.
    const line = previous.lines + 1 + (info.empty_lines - previous.empty_lines);
    if (record.length !== header.length) {
      lines.push({ line, ok: false, errors: [`line ${line} has ${record.length} cells, the header ${header.length}`] });
      continue;
    }
    lines.push({ line, ok: true, raw: tokenObject(header, record) });
  }
  return lines;
}

/** The cells of one line as a Token object in the JSON import's shape. */
function tokenObject(header: string[], cells: string[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const contract: Record<string, string> = {};
  header.forEach((name, i) => {
    const cell = cells[i];
    if (cell === '') return;
    if (name.startsWith('energy_contract.')) contract[name.slice('energy_contract.'.length)] = cell;
    else if (name === 'valid') raw.valid = /^(true|false)$/i.test(cell) ? cell.toLowerCase() === 'true' : cell;
    else raw[name] = cell;
  });
  if (Object.keys(contract).length > 0) raw.energy_contract = contract;
  return raw;
}
