import { readInvoiceCsv, readDecimal } from './invoice-csv.reader';
import { InvoiceMapping } from './invoice-mapping.model';
import { HeldCdr, matchInvoice } from './invoice-matching';

const cdr = (over: Partial<HeldCdr>): HeldCdr => ({
  cdr_id: 'CDR-1',
  session_id: 'S-1',
  authorization_reference: null,
  location_id: 'LOC-1',
  start_date_time: '2024-06-03T10:00:00.000Z',
  currency: 'EUR',
  energy_kwh: '10',
  time_hours: '1',
  parking_hours: null,
  before_taxes: '5.00',
  after_taxes: '6.00',
  credit: false,
  credit_reference_id: null,
  difference_before_taxes: '0.00',
  difference_after_taxes: '0.00',
  exact: true,
  ...over,
});

const PERIOD = { from: '2024-06-01T00:00:00Z', to: '2024-07-01T00:00:00Z' };

describe('invoice CSV reading', () => {
  it('reads a decimal comma with thousands grouped by points, and a decimal point with thousands grouped by commas', () => {
    expect(readDecimal('1.234,5', ',')).toBe('1234.5');
    expect(readDecimal('-0,50', ',')).toBe('-0.50');
    expect(readDecimal('1,234.50', '.')).toBe('1234.50');
    expect(readDecimal('1,5', '.')).toBeNull();
    expect(readDecimal('12.34.5', ',')).toBeNull();
  });

  it('a start without zone is UTC; a line with too few fields or no amount is unreadable, naming why', () => {
    const mapping: InvoiceMapping = {
      delimiter: ',',
      decimal_separator: '.',
      line_per: 'CDR',
      currency: 'EUR',
      columns: { cdr_id: 'id', start_date_time: 'start', amount_excl_vat: 'net' },
    };
    const read = readInvoiceCsv('id,start,net\nA,2024-06-03 10:00,1.00\nB,2024-06-03T10:00:00+02:00\nC,,\n', mapping);
    expect(read.lines.map((l) => [l.line_no, l.cdr_ref, l.start_date_time, l.amount_excl_vat])).toEqual([[2, 'A', '2024-06-03T10:00:00.000Z', '1.00']]);
    expect(read.unreadable).toEqual([
      { line: 3, reason: '2 fields where the header has 3' },
      { line: 4, reason: 'no amount: the amount columns are empty' },
    ]);
  });
});

describe('matching, one line per session (mod_cdrs 2.2.1 §Credit CDRs)', () => {
  const original = cdr({ cdr_id: 'CDR-1', session_id: 'S-1' });
  const credit = cdr({ cdr_id: 'CDR-1-C', session_id: 'S-1', credit: true, credit_reference_id: 'CDR-1', before_taxes: '-5.00', after_taxes: '-6.00' });
  const rebill = cdr({ cdr_id: 'CDR-1-B', session_id: 'S-1', before_taxes: '4.00', after_taxes: '4.80' });
  const line = (over: Record<string, unknown>) => ({
    line_no: 2,
    cdr_ref: null,
    session_ref: 'S-1',
    authorization_reference: null,
    location_id: null,
    start_date_time: null,
    energy_kwh: null,
    time_hours: null,
    parking_hours: null,
    amount_excl_vat: '4.00',
    amount_incl_vat: '4.80',
    vat_rate: null,
    currency: 'EUR',
    raw: {},
    ...over,
  });

  it("a session credited and billed again is invoiced at its net: the rebilled CDR's amount", () => {
    const m = matchInvoice([line({})], [original, credit, rebill], 'SESSION', PERIOD);
    expect(m.lines[0]).toMatchObject({
      outcome: 'MATCHED',
      unit: { cdr_ids: ['CDR-1', 'CDR-1-C', 'CDR-1-B'], before_taxes: '4.00', after_taxes: '4.80', matched_by: 'SESSION_ID' },
    });
  });

  it('invoiced at the original amount, the credit not taken into account: AMOUNT_DIFFERS by the credited amount', () => {
    const m = matchInvoice([line({ amount_excl_vat: '9.00', amount_incl_vat: '10.80' })], [original, credit, rebill], 'SESSION', PERIOD);
    expect(m.lines[0]).toMatchObject({ outcome: 'AMOUNT_DIFFERS', difference: { excl_vat: '5.00', incl_vat: '6.00' } });
  });

  it('a credited CDR nobody invoiced is not listed as not invoiced', () => {
    expect(matchInvoice([], [original, credit], 'CDR', PERIOD).not_invoiced).toEqual([]);
  });
});
