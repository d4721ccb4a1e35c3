/**
 * An invoice's reconciliation does not depend on the CPO's history (issue 17): a CPO holding many CDRs of earlier
 * months and an earlier invoice gets, for June's invoice, the outcomes of matching against everything it holds (a CDR
 * the earlier invoice already invoiced is INVOICED_TWICE, naming that invoice and line; a CDR it invoiced is not "not
 * invoiced"; not_invoiced lists June's CDRs only), while the service reads far fewer CDRs than the CPO holds: what it
 * reads is counted by invoice_reconciliation_cdrs_read_total at GET /metrics. CDRs from the simulator (mod_cdrs 2.2.1
 * §CDR object).
 */
import { generateCdrs } from '../cpo-simulator';
import { simpleTariffs, tariffFor } from '../cdrs/support/cdr-cpo';
import { metricValue, parseMetrics } from '../observability/support/prometheus-text';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const OWNER = { countryCode: 'NL', partyId: 'HIS' };
/** CDRs of the CPO's history, one a day from November 2023 to May 2024: none in June. */
const HISTORY = 200;
const MAPPING = { delimiter: ',', decimal_separator: '.', line_per: 'CDR', currency: 'EUR', columns: { cdr_id: 'cdr', amount_excl_vat: 'net' } };

let service: TestService;
let cpo: RegisteredCpo;
let june: Array<Record<string, any>>;
let history: Array<Record<string, any>>;

beforeAll(async () => {
  service = await startTestService();
  const locations = locationsFor('2.2.1', { count: 3, seed: 11, center: { latitude: 50.85, longitude: 4.35 }, radiusKm: 3, tariffIds: ['AC-KWH', 'AC-TIME'], ...OWNER }) as Array<
    Record<string, any>
  >;
  const tariffs = simpleTariffs(OWNER).map((t) => tariffFor('2.2.1', t));
  june = generateCdrs({ version: '2.2.1', locations, tariffs, ...OWNER, count: 6, seed: 5, firstDay: '2024-06-03' });
  // Sessions of their own (the generator numbers sessions from 1 whatever the CDR ids).
  history = generateCdrs({ version: '2.2.1', locations, tariffs, ...OWNER, count: HISTORY, seed: 9, firstDay: '2023-11-01', idPrefix: 'OLD-' }).map((c) => ({
    ...c,
    session_id: `OLD-${String(c.session_id)}`,
  }));
  expect(history.every((c) => c.start_date_time < '2024-06-01')).toBe(true);
  cpo = await registerCpo(service, { version: '2.2.1', ...OWNER, locations, tariffs, cdrs: [...history, ...june], maxPageLimit: 100 });
  await cpo.sync();
  expect((await service.finance('PUT', `/invoice-mappings/${cpo.connectionId}`, { body: MAPPING })).status).toBe(200);
});
afterAll(async () => {
  await cpo?.close();
  await service?.stop();
});

const csvOf = (cdrs: Array<Record<string, any>>) => ['cdr,net', ...cdrs.map((c) => `${c.id},${String(c.total_cost.excl_vat)}`)].join('\n');

async function importInvoice(invoiceNumber: string, period: { period_from: string; period_to: string }, cdrs: Array<Record<string, any>>): Promise<string> {
  const imported = await service.finance('POST', '/invoices', { body: { connection_id: cpo.connectionId, invoice_number: invoiceNumber, ...period, csv: csvOf(cdrs) } });
  expect(imported.status).toBe(201);
  return imported.body.invoice.id;
}

async function cdrsRead(): Promise<number> {
  const response = await fetch(`${service.url}/metrics`);
  expect(response.status).toBe(200);
  return metricValue(parseMetrics(await response.text()), 'invoice_reconciliation_cdrs_read_total', { cpo: cpo.connectionId }) ?? 0;
}

describe("June's invoice of a CPO with a history", () => {
  let report: any;
  let read: number;
  beforeAll(async () => {
    // March's invoice, imported first: 30 CDRs of its own, then (lines 32 and 33) two of June's, by mistake.
    await importInvoice('HIS-2024-03', { period_from: '2024-03-01T00:00:00Z', period_to: '2024-04-01T00:00:00Z' }, [...history.slice(0, 30), june[0], june[4]]);
    const id = await importInvoice('HIS-2024-06', { period_from: '2024-06-01T00:00:00Z', period_to: '2024-07-01T00:00:00Z' }, june.slice(0, 4));
    const before = await cdrsRead();
    const answer = await service.finance('GET', `/invoices/${id}/reconciliation`);
    expect(answer.status).toBe(200);
    report = answer.body;
    read = (await cdrsRead()) - before;
  });

  it('finds a CDR the earlier invoice invoiced INVOICED_TWICE, naming that invoice and its line', () => {
    expect(report.lines.map((l: any) => [l.line_no, l.outcome, l.first_invoice_number, l.first_line_no])).toEqual([
      [2, 'INVOICED_TWICE', 'HIS-2024-03', 32],
      [3, 'MATCHED', null, null],
      [4, 'MATCHED', null, null],
      [5, 'MATCHED', null, null],
    ]);
    expect(report.disputes).toHaveLength(1);
    expect(report.disputes[0].tell_cpo).toContain('already invoiced on invoice HIS-2024-03, line 32');
  });

  it("lists as not invoiced only June's CDR nobody invoiced: not the one March's invoice invoiced, nor the history", () => {
    expect(report.not_invoiced).toEqual({ count: 1, cdrs: [expect.objectContaining({ cdr_id: june[5].id, session_id: june[5].session_id })] });
  });

  it('reads a few CDRs of June, not the CPO history', () => {
    // Each of June's six CDRs a few times over (looked up, followed, read whole, the period's cursor); none of the 200 others.
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(HISTORY / 2);
  });
});
