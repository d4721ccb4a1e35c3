/**
 * A CPO invoice uploaded as the request body itself (POST /api/v1/finance/invoices/csv, Content-Type: text/csv), read
 * from the socket as it arrives (issue 17, invoices in): a file larger than the JSON body limit (OCPI_MAX_BODY_BYTES)
 * is imported, sent in small chunks with no Content-Length and UTF-8 characters cut between chunks; it is the same
 * file as the one sent in a JSON body (its SHA-256); the same file again changes nothing and leaves nothing behind;
 * a file over FINANCE_MAX_INVOICE_BYTES, an unreadable line, a bad query field and another Content-Type are refused
 * with nothing imported. Lines are matched against CDRs pulled from the simulator (mod_cdrs 2.2.1 §CDR object).
 */
import { Decimal } from 'decimal.js';
import { CdrCpo, startCdrCpo } from '../cdrs/support/cdr-cpo';
import { startTestService, TEST_FINANCE_API_KEY, TEST_INTERNAL_API_KEY, TestService } from '../support/test-service';

const MAX_BODY_BYTES = 65_536;
const MAX_INVOICE_BYTES = 200_000;
const PERIOD = { period_from: '2024-06-01T00:00:00Z', period_to: '2024-07-01T00:00:00Z' };
const MAPPING = {
  delimiter: ';',
  decimal_separator: ',',
  line_per: 'CDR',
  currency: 'EUR',
  columns: { cdr_id: 'CDR-Nr', energy_kwh: 'kWh', amount_excl_vat: 'Netto', amount_incl_vat: 'Brutto', currency: 'Währung' },
};

let service: TestService;
let cpo: CdrCpo;

beforeAll(async () => {
  service = await startTestService({ env: { OCPI_MAX_BODY_BYTES: String(MAX_BODY_BYTES), FINANCE_MAX_INVOICE_BYTES: String(MAX_INVOICE_BYTES) } });
  cpo = await startCdrCpo(service, '2.2.1', { countryCode: 'DE', partyId: 'STR' });
  await cpo.sync();
  expect((await service.finance('PUT', `/invoice-mappings/${cpo.connectionId}`, { body: MAPPING })).status).toBe(200);
});
afterAll(async () => {
  await cpo?.close();
  await service?.stop();
});

const comma = (v: unknown) => new Decimal(String(v)).toFixed(2).replace('.', ',');

/** An invoice file: the first three generated CDRs as billed, then `ghosts` lines for CDRs we do not hold. */
function invoiceFile(ghosts: number, extraLine?: string): string {
  const held = cpo.generated.slice(0, 3).map((c) => [c.id, String(c.total_energy).replace('.', ','), comma(c.total_cost.excl_vat), comma(c.total_cost.incl_vat), 'EUR'].join(';'));
  const ghostLines = Array.from({ length: ghosts }, (_, i) => `CDR-GHÖST-${String(i).padStart(6, '0')};1,5;0,75;0,89;EUR`);
  return ['CDR-Nr;kWh;Netto;Brutto;Währung', ...held, ...ghostLines, ...(extraLine ? [extraLine] : [])].join('\r\n');
}

/** Sends `text` as a streamed body: chunks of 997 bytes (cutting UTF-8 characters), no Content-Length. */
async function upload(text: string, query: Record<string, string>, contentType = 'text/csv; charset=utf-8'): Promise<{ status: number; body: any }> {
  const bytes = Buffer.from(text, 'utf8');
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 997) controller.enqueue(bytes.subarray(at, at + 997));
      controller.close();
    },
  });
  const url = `${service.url}/api/v1/finance/invoices/csv?${new URLSearchParams(query).toString()}`;
  const response = await fetch(url, { method: 'POST', headers: { 'X-API-Key': TEST_FINANCE_API_KEY, 'Content-Type': contentType }, body, duplex: 'half' });
  const answer = await response.text();
  return { status: response.status, body: answer ? JSON.parse(answer) : null };
}

const query = (invoiceNumber: string, extra: Record<string, string> = {}) => ({ connection_id: cpo.connectionId, invoice_number: invoiceNumber, ...PERIOD, ...extra });
const invoicesNumbered = async (n: string) =>
  ((await service.finance('GET', `/invoices?connection_id=${cpo.connectionId}`)).body as Array<{ invoice_number: string }>).filter((i) => i.invoice_number === n);

describe('POST /api/v1/finance/invoices/csv: the invoice file as a streamed text/csv body', () => {
  it('a file larger than the JSON body limit is imported from a chunked stream, every line, and reconciled', async () => {
    const file = invoiceFile(2_000);
    expect(Buffer.byteLength(file)).toBeGreaterThan(MAX_BODY_BYTES);
    // The same file in a JSON body is over OCPI_MAX_BODY_BYTES.
    const asJson = await service.finance('POST', '/invoices', { body: { ...query('INV-BIG'), csv: file } });
    expect(asJson.status).toBe(413);

    const imported = await upload(file, query('INV-BIG', { file_name: 'gross.csv' }));
    expect(imported).toMatchObject({ status: 201, body: { status: 'IMPORTED', invoice: { invoice_number: 'INV-BIG', file_name: 'gross.csv', line_count: 2_003, skipped: [] } } });
    const report = (await service.finance('GET', `/invoices/${imported.body.invoice.id}/reconciliation`)).body;
    const outcomes = new Map<string, number>();
    for (const l of report.lines as Array<{ outcome: string }>) outcomes.set(l.outcome, (outcomes.get(l.outcome) ?? 0) + 1);
    // Generated CDR 2 is billed € 0.50 above its tariff, so it is MATCHED with its own total differing (not a line outcome).
    expect(Object.fromEntries(outcomes)).toEqual({ MATCHED: 3, CDR_NOT_HELD: 2_000 });
    expect(report.lines.slice(0, 4).map((l: any) => [l.line_no, l.outcome])).toEqual([
      [2, 'MATCHED'],
      [3, 'MATCHED'],
      [4, 'MATCHED'],
      [5, 'CDR_NOT_HELD'],
    ]);
  });

  it('the same file again, streamed or in a JSON body, is UNCHANGED and leaves nothing behind', async () => {
    const small = invoiceFile(10);
    const first = await service.finance('POST', '/invoices', { body: { ...query('INV-SAME'), csv: small } });
    expect(first).toMatchObject({ status: 201, body: { status: 'IMPORTED', invoice: { line_count: 13 } } });
    const streamed = await upload(small, query('INV-SAME-AGAIN'));
    expect(streamed).toMatchObject({ status: 200, body: { status: 'UNCHANGED', invoice: { id: first.body.invoice.id, content_hash: first.body.invoice.content_hash } } });
    expect(await invoicesNumbered('INV-SAME-AGAIN')).toEqual([]);

    const big = invoiceFile(1_000);
    const once = await upload(big, query('INV-TWICE'));
    expect(once.status).toBe(201);
    const twice = await upload(big, query('INV-TWICE'));
    expect(twice).toMatchObject({ status: 200, body: { status: 'UNCHANGED', invoice: { id: once.body.invoice.id, superseded_by: null } } });
    expect(await invoicesNumbered('INV-TWICE')).toHaveLength(1);
    // A corrected file under the same number supersedes it, streamed too.
    const corrected = await upload(invoiceFile(999), query('INV-TWICE'));
    expect(corrected).toMatchObject({ status: 201, body: { status: 'SUPERSEDED_PREVIOUS', invoice: { supersedes: once.body.invoice.id, line_count: 1_002 } } });
  });

  it('a file over FINANCE_MAX_INVOICE_BYTES is refused with 413 naming the setting, nothing imported', async () => {
    const file = invoiceFile(6_000);
    expect(Buffer.byteLength(file)).toBeGreaterThan(MAX_INVOICE_BYTES);
    const refused = await upload(file, query('INV-HUGE'));
    expect(refused.status).toBe(413);
    expect(refused.body.message).toBe(`invoice file larger than the ${MAX_INVOICE_BYTES} bytes we accept (FINANCE_MAX_INVOICE_BYTES); nothing was imported`);
    // Declared by its Content-Length: refused before it is read.
    const declared = await fetch(`${service.url}/api/v1/finance/invoices/csv?${new URLSearchParams(query('INV-HUGE')).toString()}`, {
      method: 'POST',
      headers: { 'X-API-Key': TEST_FINANCE_API_KEY, 'Content-Type': 'text/csv' },
      body: file,
    });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { message: string }).message).toBe(refused.body.message);
    expect(await invoicesNumbered('INV-HUGE')).toEqual([]);
  });

  it('an unreadable line refuses the whole streamed file, naming the line; skip_unreadable=true imports the others', async () => {
    const file = invoiceFile(1_500, 'CDR-X;1,0;zwölf;9,00;EUR');
    const refused = await upload(file, query('INV-BROKEN'));
    expect(refused.status).toBe(400);
    expect(refused.body.unreadable_lines).toEqual([{ line: 1_505, reason: 'Netto: "zwölf" is not a number with a decimal comma' }]);
    expect(await invoicesNumbered('INV-BROKEN')).toEqual([]);
    const skipped = await upload(file, query('INV-BROKEN', { skip_unreadable: 'true' }));
    expect(skipped).toMatchObject({ status: 201, body: { status: 'IMPORTED', invoice: { line_count: 1_503, skipped: [{ line: 1_505 }] } } });
  });

  it('a bad query field is named (400), another Content-Type is 415, an unknown CPO 404; nothing imported', async () => {
    const file = invoiceFile(1);
    const { invoice_number: _dropped, ...noNumber } = query('X');
    const missing = await upload(file, noNumber);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('invoice_number is required');
    const badPeriod = await upload(file, query('INV-Q', { period_from: 'June' }));
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.message).toContain('period_from must be an ISO-8601 date-time');
    const badSkip = await upload(file, query('INV-Q', { skip_unreadable: 'yes' }));
    expect(badSkip.body.message).toContain('skip_unreadable must be true or false');
    const plain = await upload(file, query('INV-Q'), 'text/plain');
    expect(plain).toMatchObject({ status: 415, body: { message: 'Content-Type "text/plain" is not supported here: the body is the invoice file, text/csv' } });
    const unknown = await upload(file, query('INV-Q', { connection_id: '00000000-0000-4000-8000-000000000000' }));
    expect(unknown.status).toBe(404);
    expect(await invoicesNumbered('INV-Q')).toEqual([]);
  });

  it('other text/csv routes still read their body whole under OCPI_MAX_BODY_BYTES: a Token CSV above it is 413', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => `TOKEN-${String(i).padStart(8, '0')},RFID,DE-STR-C${String(i).padStart(8, '0')},Test eMSP,true,ALWAYS`);
    const csv = ['uid,type,contract_id,issuer,valid,whitelist', ...rows].join('\n');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(MAX_BODY_BYTES);
    const response = await fetch(`${service.url}/api/v1/tokens/import`, { method: 'POST', headers: { 'X-API-Key': TEST_INTERNAL_API_KEY, 'Content-Type': 'text/csv' }, body: csv });
    expect(response.status).toBe(413);
    const small = ['uid,type,contract_id,issuer,valid,whitelist', ...rows.slice(0, 3)].join('\n');
    const ok = await fetch(`${service.url}/api/v1/tokens/import`, { method: 'POST', headers: { 'X-API-Key': TEST_INTERNAL_API_KEY, 'Content-Type': 'text/csv' }, body: small });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ created: 3, updated: 0, rejected: [] });
  });
});
