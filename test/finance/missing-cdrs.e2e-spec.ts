/**
 * CDRs that never came (issue 17): a COMPLETED Session (mod_sessions 2.2.1 §Session object, status COMPLETED) whose
 * CDR we do not hold SESSION_CDR_OVERDUE_HOURS after its end, and an invoice line matching no CDR, listed per CPO for
 * finance to chase, as JSON and CSV; a session without energy and cost is its own kind, not a lost CDR.
 */
import { parse } from 'csv-parse/sync';
import { SessionCpo, startSessionCpo } from '../sessions/support/session-cpo';
import { startTestService, TEST_FINANCE_API_KEY, TestService } from '../support/test-service';

let service: TestService;
let cpo: SessionCpo;
let other: SessionCpo;
let lost: Array<Record<string, any>>;

beforeAll(async () => {
  service = await startTestService();
  // Generated CDRs 0..3 started 10 days ago; the CPO serves CDRs 0 and 1 only: the CDRs of sessions 2 and 3 never came.
  cpo = await startSessionCpo(service, '2.2.1', { countryCode: 'NL', partyId: 'MIS' });
  lost = cpo.completed.slice(2);
  const zero = { ...cpo.completed[0], id: 'S-ZERO', kwh: 0, total_cost: { excl_vat: 0, incl_vat: 0 }, charging_periods: [] };
  const ended = new Date(cpo.now - 3600_000).toISOString();
  const recent = { ...cpo.completed[1], id: 'S-RECENT', start_date_time: new Date(cpo.now - 2 * 3600_000).toISOString(), end_date_time: ended, last_updated: ended };
  cpo.serve([...cpo.completed, zero, recent, cpo.running, cpo.abandoned]);
  await cpo.sync();
  // Another CPO whose every CDR came: listed nowhere.
  other = await startSessionCpo(service, '2.2.1', { countryCode: 'NL', partyId: 'ALL' });
  other.simulator.setCdrs(other.cdrs);
  other.serve(other.completed);
  await other.sync();
  const mapping = { delimiter: ',', decimal_separator: '.', line_per: 'CDR', currency: 'EUR', columns: { cdr_id: 'cdr', amount_excl_vat: 'net' } };
  expect((await service.finance('PUT', `/invoice-mappings/${cpo.connectionId}`, { body: mapping })).status).toBe(200);
  const c = cpo.cdrs;
  const csv = ['cdr,net', `${c[0].id},${c[0].total_cost.excl_vat}`, `${c[2].id},${c[2].total_cost.excl_vat}`, 'CDR-GHOST,7.50'].join('\n');
  const imported = await service.finance('POST', '/invoices', {
    body: {
      connection_id: cpo.connectionId,
      invoice_number: 'M-1',
      period_from: new Date(cpo.now - 30 * 86_400_000).toISOString(),
      period_to: new Date(cpo.now + 86_400_000).toISOString(),
      csv,
    },
  });
  expect(imported.status).toBe(201);
});
afterAll(async () => {
  await cpo?.close();
  await other?.close();
  await service?.stop();
});

describe('GET /api/v1/finance/missing-cdrs', () => {
  it('mod_sessions 2.2.1 §Session object (COMPLETED) and mod_cdrs §CDR object: the lost CDR, the zero session apart, the invoiced CDR we lack; per CPO', async () => {
    const { status, body } = await service.finance('GET', '/missing-cdrs');
    expect(status).toBe(200);
    expect(body.expected_within_hours).toBe(48);
    expect(body.cpos.map((c: any) => c.connection_id)).toEqual([cpo.connectionId]);
    const [mine] = body.cpos;
    expect(mine.counts).toEqual({ SESSION_WITHOUT_CDR: 2, ZERO_SESSION_WITHOUT_CDR: 1, INVOICED_CDR_NOT_HELD: 2 });
    expect(mine.missing.map((m: any) => [m.kind, m.session_id, m.line_no, m.cdr_ref])).toEqual([
      ['ZERO_SESSION_WITHOUT_CDR', 'S-ZERO', null, null],
      ['SESSION_WITHOUT_CDR', lost[0].id, null, null],
      ['SESSION_WITHOUT_CDR', lost[1].id, null, null],
      ['INVOICED_CDR_NOT_HELD', null, 3, cpo.cdrs[2].id],
      ['INVOICED_CDR_NOT_HELD', null, 4, 'CDR-GHOST'],
    ]);
    expect(mine.missing[1]).toMatchObject({ kwh: String(lost[0].kwh), currency: 'EUR', start_date_time: new Date(lost[0].start_date_time).toISOString() });
    expect(mine.missing[4]).toMatchObject({ invoice_number: 'M-1', amount_excl_vat: '7.50', currency: 'EUR' });
  });

  it('one CPO by connection_id; the other CPO lacks nothing', async () => {
    expect((await service.finance('GET', `/missing-cdrs?connection_id=${other.connectionId}`)).body.cpos).toEqual([]);
    expect((await service.finance('GET', `/missing-cdrs?connection_id=${cpo.connectionId}`)).body.cpos).toHaveLength(1);
    expect((await service.finance('GET', '/missing-cdrs?connection_id=nope')).status).toBe(400);
  });

  it('as CSV: one row per missing CDR with its CPO and kind', async () => {
    const response = await fetch(`${service.url}/api/v1/finance/missing-cdrs?format=csv`, { headers: { 'X-API-Key': TEST_FINANCE_API_KEY } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const table: string[][] = parse(await response.text());
    const [header, ...rows] = table;
    expect(header.slice(0, 3)).toEqual(['connection_id', 'kind', 'reason']);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      [cpo.connectionId, 'ZERO_SESSION_WITHOUT_CDR'],
      [cpo.connectionId, 'SESSION_WITHOUT_CDR'],
      [cpo.connectionId, 'SESSION_WITHOUT_CDR'],
      [cpo.connectionId, 'INVOICED_CDR_NOT_HELD'],
      [cpo.connectionId, 'INVOICED_CDR_NOT_HELD'],
    ]);
  });
});
