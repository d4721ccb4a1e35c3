/**
 * The reconciliation report is read, matched and written a page of lines at a time (issue 17, invoices of 100,000
 * lines): an invoice longer than several pages comes out whole, in line order, each line once, with the totals the
 * exact sums of what the file invoices and the outcomes what one pass over the whole invoice gives (a CDR invoiced
 * again pages later is still INVOICED_TWICE). CDRs from the simulator (mod_cdrs 2.2.1 §CDR object).
 */
import { Decimal } from 'decimal.js';
import { parse } from 'csv-parse/sync';
import { CdrCpo, startCdrCpo } from '../cdrs/support/cdr-cpo';
import { startTestService, TEST_FINANCE_API_KEY, TestService } from '../support/test-service';

let service: TestService;
let cpo: CdrCpo;
const LINES = 4_500; // more than two pages of 2,000 (nine of 500 now)
const MAPPING = { delimiter: ',', decimal_separator: '.', line_per: 'CDR', currency: 'EUR', columns: { cdr_id: 'cdr', amount_excl_vat: 'net' } };

beforeAll(async () => {
  service = await startTestService();
  cpo = await startCdrCpo(service, '2.2.1', { countryCode: 'NL', partyId: 'PAG' });
  await cpo.sync();
  expect((await service.finance('PUT', `/invoice-mappings/${cpo.connectionId}`, { body: MAPPING })).status).toBe(200);
});
afterAll(async () => {
  await cpo?.close();
  await service?.stop();
});

describe('a reconciliation report longer than a page', () => {
  let report: any;
  let csvRows: Array<Record<string, string>>;
  let amounts: string[];
  let ids: string[];
  beforeAll(async () => {
    const g = cpo.generated;
    // Line i (file line i + 2) invoices CDR g[i % g.length], or a CDR nobody sent every 7th line; amounts in cents.
    ids = Array.from({ length: LINES }, (_, i) => (i % 7 === 3 ? `GHOST-${i}` : String(g[i % g.length].id)));
    amounts = Array.from({ length: LINES }, (_, i) => new Decimal(1 + (i % 97)).plus(new Decimal(i % 100).div(100)).toFixed(2));
    const csv = ['cdr,net', ...ids.map((id, i) => `${id},${amounts[i]}`)].join('\n');
    const imported = await service.finance('POST', '/invoices', {
      body: { connection_id: cpo.connectionId, invoice_number: 'PAGES-1', period_from: '2024-06-01T00:00:00Z', period_to: '2024-07-01T00:00:00Z', csv },
    });
    expect(imported.status).toBe(201);
    const id = imported.body.invoice.id;
    report = (await service.finance('GET', `/invoices/${id}/reconciliation`)).body;
    const response = await fetch(`${service.url}/api/v1/finance/invoices/${id}/reconciliation?format=csv`, { headers: { 'X-API-Key': TEST_FINANCE_API_KEY } });
    expect(response.status).toBe(200);
    csvRows = parse(await response.text(), { columns: true });
  });

  it('has every line once, in line order, in the JSON and in the CSV', () => {
    const expected = Array.from({ length: LINES }, (_, i) => i + 2);
    expect(report.lines.map((l: any) => l.line_no)).toEqual(expected);
    expect(csvRows.map((r) => Number(r.line_no))).toEqual(expected);
    expect(csvRows.map((r) => r.outcome)).toEqual(report.lines.map((l: any) => l.outcome));
  });

  it('gives each line the outcome of one pass over the whole invoice, across pages', () => {
    const firstLineOf = new Map<string, number>();
    const expected = ids.map((id, i) => {
      if (id.startsWith('GHOST-')) return ['CDR_NOT_HELD', null];
      const first = firstLineOf.get(id);
      if (first !== undefined) return ['INVOICED_TWICE', first];
      firstLineOf.set(id, i + 2);
      const cdr = cpo.generated.find((c) => c.id === id)!;
      return [new Decimal(amounts[i]).eq(String(cdr.total_cost.excl_vat)) ? 'MATCHED' : 'AMOUNT_DIFFERS', null];
    });
    expect(report.lines.map((l: any) => [l.outcome, l.first_line_no])).toEqual(expected);
    // A CDR first invoiced on the first page is invoiced again on the third.
    expect(report.lines[4_400]).toMatchObject({ outcome: 'INVOICED_TWICE' });
    expect(report.lines[4_400].first_line_no).toBeLessThan(2_002);
  });

  it('totals are the exact sums of the file, per outcome too, and every disputed line is listed once', () => {
    const sum = (vs: string[]) => vs.reduce((s, v) => s.plus(v), new Decimal(0)).toFixed(2);
    expect(report.totals.invoiced).toEqual({ lines: LINES, excl_vat: sum(amounts), incl_vat: null });
    const byOutcome = new Map<string, string[]>();
    report.lines.forEach((l: any, i: number) => byOutcome.set(l.outcome, [...(byOutcome.get(l.outcome) ?? []), amounts[i]]));
    expect(report.totals.matched).toEqual({
      lines: byOutcome.get('MATCHED')?.length ?? 0,
      excl_vat: byOutcome.has('MATCHED') ? sum(byOutcome.get('MATCHED')!) : null,
      incl_vat: null,
    });
    for (const d of report.totals.disputed) expect(d.invoiced).toEqual({ lines: byOutcome.get(d.outcome)!.length, excl_vat: sum(byOutcome.get(d.outcome)!), incl_vat: null });
    expect(report.totals.disputed.reduce((n: number, d: any) => n + d.lines, 0) + report.totals.matched.lines).toBe(LINES);
    expect(report.disputes.map((d: any) => d.line_no)).toEqual(report.lines.filter((l: any) => l.outcome !== 'MATCHED').map((l: any) => l.line_no));
    expect(report.not_invoiced.count).toBe(report.not_invoiced.cdrs.length);
  });
});

describe('an invoice file longer than an import batch (read as a stream into batched inserts of 1,000 lines)', () => {
  const post = (body: Record<string, unknown>) =>
    service.finance('POST', '/invoices', {
      body: { connection_id: cpo.connectionId, invoice_number: 'PAGES-1', period_from: '2024-06-01T00:00:00Z', period_to: '2024-07-01T00:00:00Z', ...body },
    });
  // Built when the tests run (the CDRs are generated in beforeAll).
  const csvOf = (g: Array<Record<string, any>>) => ['cdr,net', ...Array.from({ length: LINES }, (_, i) => `${g[i % g.length].id},${i === 3_999 ? 'vier' : '1.00'}`)].join('\n');
  const reason = 'net: "vier" is not a number with a decimal point';

  it('a corrected file whose line 4,001 cannot be read is refused whole, after batches were written: the previous invoice stays current, as it was', async () => {
    const before = (await service.finance('GET', `/invoices?connection_id=${cpo.connectionId}`)).body;
    const refused = await post({ csv: csvOf(cpo.generated) });
    expect(refused.status).toBe(400);
    expect(refused.body.unreadable_lines).toEqual([{ line: 4_001, reason }]);
    const after = (await service.finance('GET', `/invoices?connection_id=${cpo.connectionId}`)).body;
    expect(after).toEqual(before);
    expect(after.map((i: any) => [i.invoice_number, i.superseded_by, i.line_count])).toEqual([['PAGES-1', null, LINES]]);
  });

  it('asked to skip it, the file supersedes the previous one with every other line, in line order', async () => {
    const previous = (await service.finance('GET', `/invoices?connection_id=${cpo.connectionId}`)).body[0];
    const csv = csvOf(cpo.generated);
    const imported = await post({ csv, skip_unreadable: true });
    expect(imported).toMatchObject({
      status: 201,
      body: { status: 'SUPERSEDED_PREVIOUS', invoice: { supersedes: previous.id, line_count: LINES - 1, skipped: [{ line: 4_001, reason }] } },
    });
    const report = (await service.finance('GET', `/invoices/${imported.body.invoice.id}/reconciliation`)).body;
    expect(report.lines.map((l: any) => l.line_no)).toEqual(Array.from({ length: LINES }, (_, i) => i + 2).filter((n) => n !== 4_001));
    expect((await post({ csv, skip_unreadable: true })).body).toMatchObject({ status: 'UNCHANGED', invoice: { id: imported.body.invoice.id } });
  });
});
