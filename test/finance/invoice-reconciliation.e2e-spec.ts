/**
 * Invoices in and matching (issue 17): a CPO's invoice CSV, read with its column mapping, matched line by line against
 * the CDRs pulled from the simulator (mod_cdrs 2.2.1 §CDR object; total_cost is what the CPO bills). Each kind of
 * discrepancy is planted once; every one is found with its outcome and amount, no other line flagged, sums exact.
 */
import { Decimal } from 'decimal.js';
import { parse } from 'csv-parse/sync';
import { CdrCpo, MISPRICED, startCdrCpo } from '../cdrs/support/cdr-cpo';
import { startTestService, TEST_FINANCE_API_KEY, TestService } from '../support/test-service';

let service: TestService;
let cpo: CdrCpo;
let g: Array<Record<string, any>>;
const PERIOD = { period_from: '2024-06-01T00:00:00Z', period_to: '2024-07-01T00:00:00Z' };

/** Mapping of a CPO with a German layout: semicolons, decimal comma, one line per CDR, both amounts and the VAT rate. */
const GERMAN = {
  delimiter: ';',
  decimal_separator: ',',
  line_per: 'CDR',
  currency: 'EUR',
  columns: { cdr_id: 'CDR-Nr', session_id: 'Sitzung', energy_kwh: 'kWh', amount_excl_vat: 'Netto', amount_incl_vat: 'Brutto', vat_rate: 'MwSt', currency: 'Währung' },
};
const comma = (d: Decimal) => d.toFixed(2).replace('.', ',');
const excl = (c: Record<string, any>) => new Decimal(String(c.total_cost.excl_vat));
const incl = (c: Record<string, any>) => new Decimal(String(c.total_cost.incl_vat));

function line(cdrId: string, session: string, c: Record<string, any>, over: { netto?: Decimal; brutto?: Decimal; vat?: string; currency?: string } = {}): string {
  return [cdrId, session, String(c.total_energy).replace('.', ','), comma(over.netto ?? excl(c)), comma(over.brutto ?? incl(c)), over.vat ?? '', over.currency ?? 'EUR'].join(';');
}

let planted: string;
beforeAll(async () => {
  service = await startTestService();
  cpo = await startCdrCpo(service, '2.2.1', { countryCode: 'DE', partyId: 'INV' });
  await cpo.sync();
  g = cpo.generated;
  expect(MISPRICED).toEqual([2, 5]);
  planted = [
    'CDR-Nr;Sitzung;kWh;Netto;Brutto;MwSt;Währung',
    line(g[0].id, g[0].session_id, g[0]), // 2: MATCHED
    line(g[1].id, g[1].session_id, g[1], { netto: excl(g[1]).plus(1), brutto: incl(g[1]).plus('1.20') }), // 3: AMOUNT_DIFFERS
    line('CDR-GHOST', 'SESSION-GHOST', g[1], { netto: new Decimal('7.50'), brutto: new Decimal('9.00') }), // 4: CDR_NOT_HELD
    line(g[0].id, g[0].session_id, g[0]), // 5: INVOICED_TWICE
    line(g[3].id, g[3].session_id, g[3], { brutto: excl(g[3]).times('1.25').toDecimalPlaces(2), vat: '25' }), // 6: VAT_RATE_DIFFERS
    line(g[4].id, g[4].session_id, g[4], { currency: 'USD' }), // 7: CURRENCY_DIFFERS
    line('', g[2].session_id, g[2]), // 8: MATCHED by session id; the CPO's own total is € 0.50 above its tariff
  ].join('\r\n');
  expect((await service.finance('PUT', `/invoice-mappings/${cpo.connectionId}`, { body: GERMAN })).status).toBe(200);
});
afterAll(async () => {
  await cpo?.close();
  await service?.stop();
});

async function importInvoice(csv: string, extra: Record<string, unknown> = {}) {
  return service.finance('POST', '/invoices', { body: { connection_id: cpo.connectionId, invoice_number: 'INV-2024-06', ...PERIOD, csv, ...extra } });
}

describe('invoice reconciliation, one line per CDR (mod_cdrs 2.2.1 §CDR object)', () => {
  let invoiceId: string;
  let report: any;
  beforeAll(async () => {
    const imported = await importInvoice(planted, { file_name: 'juni.csv' });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ status: 'IMPORTED', invoice: { line_count: 7, skipped: [], supersedes: null } });
    invoiceId = imported.body.invoice.id;
    report = (await service.finance('GET', `/invoices/${invoiceId}/reconciliation`)).body;
  });

  it('every planted discrepancy gets its outcome, and no other line is flagged', () => {
    expect(report.lines.map((l: any) => [l.line_no, l.outcome])).toEqual([
      [2, 'MATCHED'],
      [3, 'AMOUNT_DIFFERS'],
      [4, 'CDR_NOT_HELD'],
      [5, 'INVOICED_TWICE'],
      [6, 'VAT_RATE_DIFFERS'],
      [7, 'CURRENCY_DIFFERS'],
      [8, 'MATCHED'],
    ]);
  });

  it('each by the right amount, on the right side; matched by CDR id, then by session id', () => {
    const byLine = Object.fromEntries(report.lines.map((l: any) => [l.line_no, l]));
    expect(byLine[2].unit).toMatchObject({ cdr_ids: [g[0].id], matched_by: 'CDR_ID' });
    expect(byLine[3]).toMatchObject({ difference: { excl_vat: '1.00', incl_vat: '1.20' }, disputed: { excl_vat: '1.00', incl_vat: '1.20' } });
    expect(byLine[4].disputed).toEqual({ excl_vat: '7.50', incl_vat: '9.00' });
    expect(byLine[5]).toMatchObject({ first_line_no: 2, disputed: { excl_vat: excl(g[0]).toFixed(2), incl_vat: incl(g[0]).toFixed(2) } });
    const vatDiff = excl(g[3]).times('1.25').toDecimalPlaces(2).minus(incl(g[3])).toFixed(2);
    expect(byLine[6]).toMatchObject({ difference: { excl_vat: '0.00', incl_vat: vatDiff }, disputed: { excl_vat: null, incl_vat: vatDiff } });
    expect(byLine[7].unit.currency).toBe('EUR');
    expect(byLine[8].unit).toMatchObject({ cdr_ids: [g[2].id], matched_by: 'SESSION_ID' });
  });

  it("on matched lines: whether the CDR's own total differs from our recomputed price (the mispriced CDR)", () => {
    const byLine = Object.fromEntries(report.lines.map((l: any) => [l.line_no, l]));
    expect(byLine[2].cdr_price_check).toEqual({ differs: false, exact: true, difference_before_taxes: '0.00', difference_after_taxes: '0.00' });
    expect(byLine[8].cdr_price_check).toEqual({ differs: true, exact: true, difference_before_taxes: '-0.50', difference_after_taxes: '-0.50' });
    expect(report.totals.matched_with_cdr_price_difference).toBe(1);
  });

  it('totals invoiced, matched and disputed per reason, exact to the cent; the CDR nobody invoiced is listed', () => {
    const lineExcl = [excl(g[0]), excl(g[1]).plus(1), new Decimal('7.50'), excl(g[0]), excl(g[3]), excl(g[4]), excl(g[2])];
    const lineIncl = [incl(g[0]), incl(g[1]).plus('1.20'), new Decimal('9.00'), incl(g[0]), excl(g[3]).times('1.25').toDecimalPlaces(2), incl(g[4]), incl(g[2])];
    const total = (ds: Decimal[]) => ds.reduce((s, d) => s.plus(d), new Decimal(0)).toFixed(2);
    expect(report.totals.invoiced).toEqual({ lines: 7, excl_vat: total(lineExcl), incl_vat: total(lineIncl) });
    expect(report.totals.matched).toEqual({ lines: 2, excl_vat: total([excl(g[0]), excl(g[2])]), incl_vat: total([incl(g[0]), incl(g[2])]) });
    expect(report.totals.disputed.map((d: any) => [d.outcome, d.reason, d.lines, d.disputed])).toEqual([
      ['AMOUNT_DIFFERS', 'amount differs from the CDR', 1, { excl_vat: '1.00', incl_vat: '1.20' }],
      ['VAT_RATE_DIFFERS', 'VAT rate differs from the CDR', 1, { excl_vat: null, incl_vat: total([lineIncl[4].minus(incl(g[3]))]) }],
      ['CDR_NOT_HELD', 'no CDR received for it', 1, { excl_vat: '7.50', incl_vat: '9.00' }],
      ['INVOICED_TWICE', 'CDR invoiced twice', 1, { excl_vat: excl(g[0]).toFixed(2), incl_vat: incl(g[0]).toFixed(2) }],
      ['CURRENCY_DIFFERS', 'currency differs from the CDR', 1, { excl_vat: excl(g[4]).toFixed(2), incl_vat: incl(g[4]).toFixed(2) }],
    ]);
    expect(report.not_invoiced.cdrs.map((c: any) => c.cdr_id)).toEqual([g[5].id]);
  });

  it('the lines to dispute, each with what to tell the CPO in plain words; the same as CSV', async () => {
    expect(report.disputes.map((d: any) => d.line_no)).toEqual([3, 4, 5, 6, 7]);
    const tell = Object.fromEntries(report.disputes.map((d: any) => [d.line_no, d.tell_cpo]));
    expect(tell[4]).toBe('Line 4 (7.50 EUR excl. VAT / 9.00 EUR incl. VAT): we have not received a CDR for it. Please send the CDR through OCPI before we can settle this line.');
    expect(tell[5]).toMatch(new RegExp(`^Line 5 invoices CDR ${g[0].id} again, already invoiced on line 2\\.`));
    expect(tell[3]).toMatch(/more by 1\.00 EUR excl\. VAT, more by 1\.20 EUR incl\. VAT/);
    expect(tell[6]).toMatch(/^Line 6 applies 25 % VAT to CDR/);
    const response = await fetch(`${service.url}/api/v1/finance/invoices/${invoiceId}/reconciliation?format=csv`, { headers: { 'X-API-Key': TEST_FINANCE_API_KEY } });
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const table: string[][] = parse(await response.text());
    const [header, ...rows] = table;
    const outcome = header.indexOf('outcome');
    const told = header.indexOf('tell_cpo');
    expect(rows.map((r) => r[outcome])).toEqual(['MATCHED', 'AMOUNT_DIFFERS', 'CDR_NOT_HELD', 'INVOICED_TWICE', 'VAT_RATE_DIFFERS', 'CURRENCY_DIFFERS', 'MATCHED']);
    expect(rows[2][told]).toBe(tell[4]);
  });

  it('importing the same file again changes nothing; a corrected invoice supersedes the old one, which is kept', async () => {
    const again = await importInvoice(planted, { file_name: 'juni-kopie.csv' });
    expect(again).toMatchObject({ status: 200, body: { status: 'UNCHANGED', invoice: { id: invoiceId, file_name: 'juni.csv' } } });
    const corrected = planted.replace(line(g[1].id, g[1].session_id, g[1], { netto: excl(g[1]).plus(1), brutto: incl(g[1]).plus('1.20') }), line(g[1].id, g[1].session_id, g[1]));
    const replaced = await importInvoice(corrected);
    expect(replaced).toMatchObject({ status: 201, body: { status: 'SUPERSEDED_PREVIOUS', invoice: { supersedes: invoiceId, superseded_by: null } } });
    const history = (await service.finance('GET', `/invoices?connection_id=${cpo.connectionId}`)).body;
    expect(history.map((i: any) => [i.id, i.superseded_by])).toEqual([
      [replaced.body.invoice.id, null],
      [invoiceId, replaced.body.invoice.id],
    ]);
    const now = (await service.finance('GET', `/invoices/${replaced.body.invoice.id}/reconciliation`)).body;
    expect(now.lines.find((l: any) => l.line_no === 3).outcome).toBe('MATCHED');
    // The old one still reconciles as it was.
    expect((await service.finance('GET', `/invoices/${invoiceId}/reconciliation`)).body.lines.find((l: any) => l.line_no === 3).outcome).toBe('AMOUNT_DIFFERS');
  });

  it('an unreadable line refuses the whole file, naming the line and why; asked to, it is imported without it and the line reported', async () => {
    const broken = `${planted}\r\n${g[5].id};${g[5].session_id};1,0;zwölf;9,00;;EUR`;
    const refused = await importInvoice(broken, { invoice_number: 'INV-BROKEN' });
    expect(refused.status).toBe(400);
    expect(refused.body.unreadable_lines).toEqual([{ line: 9, reason: 'Netto: "zwölf" is not a number with a decimal comma' }]);
    expect(refused.body.message).toMatch(/^invoice refused: line 9 cannot be read: Netto: "zwölf" is not a number with a decimal comma; nothing was imported/);
    expect((await service.finance('GET', `/invoices?connection_id=${cpo.connectionId}`)).body.some((i: any) => i.invoice_number === 'INV-BROKEN')).toBe(false);
    const skipped = await importInvoice(broken, { invoice_number: 'INV-BROKEN', skip_unreadable: true });
    expect(skipped).toMatchObject({
      status: 201,
      body: { status: 'IMPORTED', invoice: { line_count: 7, skipped: [{ line: 9, reason: 'Netto: "zwölf" is not a number with a decimal comma' }] } },
    });
  });
});

describe('another layout: comma-separated, decimal point, only amounts incl. VAT, matched by location, start and energy', () => {
  it('each line finds its CDR without any id, a CDR already on an earlier invoice is INVOICED_TWICE; a mapping that cannot work is refused naming why', async () => {
    const bad = await service.finance('PUT', `/invoice-mappings/${cpo.connectionId}`, { body: { columns: { location_id: 'Site' }, currency: 'EUR' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual([
      'columns: amount_excl_vat or amount_incl_vat (or both) is required',
      'columns: a line must be matchable: cdr_id, session_id, authorization_reference, or location_id + start_date_time + energy_kwh',
    ]);
    const mapping = { currency: 'EUR', columns: { location_id: 'Site', start_date_time: 'Started', energy_kwh: 'Energy', amount_incl_vat: 'Total' } };
    expect((await service.finance('PUT', `/invoice-mappings/${cpo.connectionId}`, { body: mapping })).status).toBe(200);
    // CDR 6 was invoiced nowhere yet; CDR 1 is on the current INV-2024-06 already (line 2).
    const csv = ['Site,Started,Energy,Total', ...[g[5], g[0]].map((c) => `${c.cdr_location.id},${c.start_date_time},${c.total_energy},${incl(c).toFixed(2)}`)].join('\n');
    const imported = await importInvoice(csv, { invoice_number: 'INV-SITES' });
    expect(imported.status).toBe(201);
    const report = (await service.finance('GET', `/invoices/${imported.body.invoice.id}/reconciliation`)).body;
    expect(report.lines.map((l: any) => [l.outcome, l.unit.matched_by, l.unit.cdr_ids])).toEqual([
      ['MATCHED', 'LOCATION_START_ENERGY', [g[5].id]],
      ['INVOICED_TWICE', 'LOCATION_START_ENERGY', [g[0].id]],
    ]);
    expect(report.disputes[0].tell_cpo).toBe(
      `Line 3 invoices CDR ${g[0].id} again, already invoiced on invoice INV-2024-06, line 2. Please remove it (${incl(g[0]).toFixed(2)} EUR incl. VAT).`,
    );
    expect(report.not_invoiced.cdrs).toEqual([]);
  });
});
