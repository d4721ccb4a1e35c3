/**
 * How one CPO's invoice CSV reads (kept per connection in invoice_mapping): which column holds which field, the
 * delimiter, decimal comma or point, whether a line is one CDR or one session, and the currency when no column says.
 * Column names are matched exactly (after trimming) against the file's header line.
 */
export interface InvoiceMapping {
  delimiter: ',' | ';' | '\t';
  decimal_separator: '.' | ',';
  /** CDR: a line invoices one CDR; SESSION: a line invoices a session (its CDR, net of credit CDRs). */
  line_per: 'CDR' | 'SESSION';
  /** ISO 4217 code of every line when the file has no currency column; null: the column is required. */
  currency: string | null;
  columns: InvoiceColumns;
}

/** The header name of each field the file has (absent: the file has no such column). */
export interface InvoiceColumns {
  cdr_id?: string;
  session_id?: string;
  authorization_reference?: string;
  location_id?: string;
  /** ISO-8601; without a zone designator read as UTC (as OCPI DateTimes are). */
  start_date_time?: string;
  energy_kwh?: string;
  time_hours?: string;
  parking_hours?: string;
  amount_excl_vat?: string;
  amount_incl_vat?: string;
  /** Percentage, e.g. 21 for 21 %. */
  vat_rate?: string;
  currency?: string;
}

export const COLUMN_FIELDS: ReadonlyArray<keyof InvoiceColumns> = [
  'cdr_id',
  'session_id',
  'authorization_reference',
  'location_id',
  'start_date_time',
  'energy_kwh',
  'time_hours',
  'parking_hours',
  'amount_excl_vat',
  'amount_incl_vat',
  'vat_rate',
  'currency',
];

/** What is wrong with a mapping sent by finance (empty: usable), in plain words naming the field. */
export function mappingProblems(m: InvoiceMapping): string[] {
  const problems: string[] = [];
  if (![',', ';', '\t'].includes(m.delimiter)) problems.push('delimiter must be ",", ";" or a tab');
  if (!['.', ','].includes(m.decimal_separator)) problems.push('decimal_separator must be "." or ","');
  if (m.delimiter === m.decimal_separator) problems.push('delimiter and decimal_separator must differ');
  if (!['CDR', 'SESSION'].includes(m.line_per)) problems.push('line_per must be CDR or SESSION');
  if (m.currency !== null && !/^[A-Z]{3}$/.test(m.currency)) problems.push('currency must be an ISO 4217 code, e.g. EUR, or null');
  const c = m.columns ?? {};
  for (const [k, v] of Object.entries(c)) {
    if (!(COLUMN_FIELDS as readonly string[]).includes(k)) problems.push(`columns.${k}: not a field we read (${COLUMN_FIELDS.join(', ')})`);
    else if (typeof v !== 'string' || v.trim() === '') problems.push(`columns.${k}: must be the column's header name`);
  }
  if (!c.amount_excl_vat && !c.amount_incl_vat) problems.push('columns: amount_excl_vat or amount_incl_vat (or both) is required');
  if (!c.cdr_id && !c.session_id && !c.authorization_reference && !(c.location_id && c.start_date_time && c.energy_kwh)) {
    problems.push('columns: a line must be matchable: cdr_id, session_id, authorization_reference, or location_id + start_date_time + energy_kwh');
  }
  if (m.currency === null && !c.currency) problems.push('currency: give a currency or a currency column');
  return problems;
}
