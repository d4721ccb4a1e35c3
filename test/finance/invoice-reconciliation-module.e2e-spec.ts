/**
 * The 2.3.0 InvoiceReconciliation module (mod_invoice_reconciliation), over real HTTP with the CPO simulator: our
 * Receiver interface (push model: POST, PUT, GET, DELETE), pulling the CPO's Sender interface (pull model: date
 * windows, paging), listed in our 2.3.0 version details, and each record linked to our invoice and CDR matching.
 */
import { CdrCpo, startCdrCpo } from '../cdrs/support/cdr-cpo';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
let cpo: CdrCpo;
let g: Array<Record<string, any>>;
const OWNER = { countryCode: 'FR', partyId: 'IRR' };
const record = (id: string, invoiceId: string, cdrs: string[], lastUpdated: string) => ({
  country_code: 'FR',
  party_id: 'IRR',
  id,
  invoice_id: invoiceId,
  cdrs,
  last_updated: lastUpdated,
});
let served: Array<Record<string, any>>;

beforeAll(async () => {
  service = await startTestService();
  cpo = await startCdrCpo(service, '2.3.0', OWNER, { invoiceReconciliation: [], maxPageLimit: 2 });
  g = cpo.generated;
  served = [
    record('PULL-OLD', 'INV-2024-05', [g[5].id], '2024-06-01T08:00:00Z'),
    record('PULL-1', 'INV-2024-06', [g[0].id, g[1].id, 'CDR-NOT-THERE'], '2024-07-01T08:00:00Z'),
    { ...record('PULL-BAD', 'INV-2024-06', [], '2024-07-01T09:00:00Z') },
    record('PULL-OK', 'INV-2024-06B', [g[3].id], '2024-07-02T08:00:00Z'),
  ];
  cpo.simulator.setInvoiceReconciliation(served);
  await cpo.sync();
  const mapping = { delimiter: ',', decimal_separator: '.', line_per: 'CDR', currency: 'EUR', columns: { cdr_id: 'cdr', amount_excl_vat: 'net' } };
  expect((await service.finance('PUT', `/invoice-mappings/${cpo.connectionId}`, { body: mapping })).status).toBe(200);
  const net = (c: Record<string, any>) => String(c.total_cost.before_taxes);
  const period = { period_from: '2024-06-01T00:00:00Z', period_to: '2024-07-01T00:00:00Z' };
  for (const [number, csv] of [
    ['INV-2024-06', ['cdr,net', `${g[0].id},${net(g[0])}`, `${g[1].id},${(Number(net(g[1])) + 1).toFixed(2)}`].join('\n')],
    ['INV-2024-06B', ['cdr,net', `${g[3].id},${net(g[3])}`].join('\n')],
  ]) {
    const r = await service.finance('POST', '/invoices', { body: { connection_id: cpo.connectionId, invoice_number: number, ...period, csv } });
    expect(r.status).toBe(201);
  }
});
afterAll(async () => {
  await cpo?.close();
  await service?.stop();
});

describe('mod_invoice_reconciliation 2.3.0', () => {
  it('version_information_endpoint 2.3.0 §Version details: we list invoicereconciliation as RECEIVER (direct billing: we are the eMSP)', () => {
    const endpoints = cpo.simulator.registration.clientVersionDetails?.endpoints ?? [];
    expect(endpoints.filter((e) => e.identifier === 'invoicereconciliation')).toEqual([
      { identifier: 'invoicereconciliation', role: 'RECEIVER', url: expect.stringMatching(/\/ocpi\/emsp\/2\.3\.0\/invoicereconciliation$/) },
    ]);
  });

  it('§Receiver Interface §POST / §GET: a new record is stored (HTTP 201), the same again is HTTP 200, GET returns it as sent', async () => {
    const r = record('PUSH-1', 'INV-2024-06', [g[0].id], '2024-07-03T10:00:00Z');
    expect(await cpo.simulator.sendInvoiceReconciliation('POST', r)).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    expect(await cpo.simulator.sendInvoiceReconciliation('POST', r)).toMatchObject({ httpStatus: 200, ocpiStatus: 1000 });
    expect(await cpo.simulator.sendInvoiceReconciliation('GET', r)).toMatchObject({ httpStatus: 200, ocpiStatus: 1000, data: r });
  });

  it('§Receiver Interface §PUT: an updated record replaces the held one; an older copy changes nothing', async () => {
    const updated = record('PUSH-1', 'INV-2024-06', [g[0].id, g[2].id], '2024-07-04T10:00:00Z');
    expect(await cpo.simulator.sendInvoiceReconciliation('PUT', updated)).toMatchObject({ httpStatus: 200, ocpiStatus: 1000 });
    const older = record('PUSH-1', 'INV-2024-06', [g[4].id], '2024-07-01T00:00:00Z');
    expect(await cpo.simulator.sendInvoiceReconciliation('PUT', older)).toMatchObject({ httpStatus: 200, ocpiStatus: 1000 });
    expect((await cpo.simulator.sendInvoiceReconciliation('GET', updated)).data).toEqual(updated);
  });

  it('§InvoiceReconciliationRecord Object: a record without CDRs (card. +) or of another party is refused with 2001, kept raw', async () => {
    const empty = await cpo.simulator.sendInvoiceReconciliation('POST', record('PUSH-EMPTY', 'INV-X', [], '2024-07-03T10:00:00Z'));
    expect(empty).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    expect(empty.message).toBe('Invalid InvoiceReconciliationRecord: cdrs must be a list of at least one CDR id (card. +)');
    const foreign = await cpo.simulator.sendInvoiceReconciliation('POST', { ...record('PUSH-FOREIGN', 'INV-X', [g[0].id], '2024-07-03T10:00:00Z'), country_code: 'DE' });
    expect(foreign).toMatchObject({ httpStatus: 200, ocpiStatus: 2001 });
    const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects`)).body.filter((x: any) => x.module === 'invoicereconciliation');
    expect(rejected.map((x: any) => x.raw.id).sort()).toEqual(['PUSH-EMPTY', 'PUSH-FOREIGN']);
    expect(rejected.find((x: any) => x.raw.id === 'PUSH-FOREIGN').reason).toBe('InvoiceReconciliationRecord of DE*IRR, which is not a party of this connection');
  });

  it('§Receiver Interface §DELETE: the record is gone for GET (HTTP 404) and for matching', async () => {
    const r = record('PUSH-DEL', 'INV-2024-06', [g[0].id], '2024-07-03T10:00:00Z');
    expect(await cpo.simulator.sendInvoiceReconciliation('POST', r)).toMatchObject({ httpStatus: 201 });
    expect(await cpo.simulator.sendInvoiceReconciliation('DELETE', r)).toMatchObject({ httpStatus: 200, ocpiStatus: 1000 });
    expect(await cpo.simulator.sendInvoiceReconciliation('GET', r)).toMatchObject({ httpStatus: 404, ocpiStatus: 2000 });
    expect(await cpo.simulator.sendInvoiceReconciliation('DELETE', r)).toMatchObject({ httpStatus: 404 });
    const list = (await service.finance('GET', `/invoice-reconciliation-records?connection_id=${cpo.connectionId}`)).body;
    expect(list.map((x: any) => x.id)).not.toContain('PUSH-DEL');
  });

  it('§Sender Interface §GET: pulled in a date window, every page followed; the bad record refused without sinking its page', async () => {
    const before = cpo.simulator.requests.length;
    const r = await service.finance('POST', '/invoice-reconciliation-records/pull', {
      body: { connection_id: cpo.connectionId, date_from: '2024-07-01T00:00:00Z', date_to: '2024-08-01T00:00:00Z' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ received: 3, stored: 2, unchanged: 0, rejected: 1, pages: 2 });
    const asked = cpo.simulator.requests.slice(before).filter((q) => q.url.includes('/invoicereconciliation'));
    expect(asked).toHaveLength(2);
    const first = new URL(asked[0].url, 'http://x').searchParams;
    expect([first.get('date_from'), first.get('date_to')]).toEqual(['2024-07-01T00:00:00.000Z', '2024-08-01T00:00:00.000Z']);
    const again = await service.finance('POST', '/invoice-reconciliation-records/pull', { body: { connection_id: cpo.connectionId, date_from: '2024-07-01T00:00:00Z' } });
    expect(again.body).toMatchObject({ received: 3, stored: 2, unchanged: 0 });
  });

  it('records linked to our matching: which CDRs we hold, the invoice line and outcome of each, what the invoice has beyond the record', async () => {
    const { status, body } = await service.finance('GET', `/invoice-reconciliation-records?connection_id=${cpo.connectionId}`);
    expect(status).toBe(200);
    expect(body.map((x: any) => [x.id, x.source])).toEqual([
      ['PULL-1', 'PULL'],
      ['PULL-OK', 'PULL'],
      ['PUSH-1', 'PUSH'],
    ]);
    const [pulled, ok, pushed] = body;
    expect(pulled.invoice).toMatchObject({ invoice_number: 'INV-2024-06' });
    expect(pulled.cdrs).toEqual([
      { cdr_id: g[0].id, held: true, invoice_line_no: 2, outcome: 'MATCHED' },
      { cdr_id: g[1].id, held: true, invoice_line_no: 3, outcome: 'AMOUNT_DIFFERS' },
      { cdr_id: 'CDR-NOT-THERE', held: false, invoice_line_no: null, outcome: null },
    ]);
    expect(pulled).toMatchObject({ cdrs_not_held: ['CDR-NOT-THERE'], invoiced_not_in_record: [], agrees_with_invoice: false });
    expect(ok).toMatchObject({ invoice: { invoice_number: 'INV-2024-06B' }, cdrs_not_held: [], invoiced_not_in_record: [], agrees_with_invoice: true });
    // PUSH-1 lists g[0] and g[2]; the invoice has g[1] beyond it, and g[2] on no line.
    expect(pushed.cdrs.map((c: any) => [c.cdr_id, c.invoice_line_no])).toEqual([
      [g[0].id, 2],
      [g[2].id, null],
    ]);
    expect(pushed).toMatchObject({ invoiced_not_in_record: [g[1].id], agrees_with_invoice: false });
  });

  it('a pull from a CPO that is not on 2.3.0 is refused in plain words (HTTP 400)', async () => {
    const other = await startCdrCpo(service, '2.2.1', { countryCode: 'FR', partyId: 'OLD' });
    try {
      const r = await service.finance('POST', '/invoice-reconciliation-records/pull', { body: { connection_id: other.connectionId } });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ statusCode: 400, error: 'NOT_REGISTERED_2_3_0', reason: 'NOT_REGISTERED_2_3_0', message: expect.any(String) });
    } finally {
      await other.close();
    }
  });

  it('a pull from a CPO that fails the GET (here: gone) is HTTP 502 naming the failure, never a 500 (issue 18); runs last', async () => {
    await cpo.close();
    const r = await service.finance('POST', '/invoice-reconciliation-records/pull', { body: { connection_id: cpo.connectionId } });
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway', message: expect.stringMatching(/^Pulling the records failed \(TRANSPORT\): GET http/) });
  });
});
