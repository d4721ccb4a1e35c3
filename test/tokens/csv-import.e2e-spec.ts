/**
 * Import of our Tokens (mod_tokens 2.2.1 §Token Object) as CSV: POST /api/v1/tokens/import with Content-Type text/csv,
 * a header row of the JSON field names, one Token a line. The same checks as the JSON import, with the same messages
 * naming the line and the field; bad lines refused by line number, the good ones stored; a repeated uid and type keeps
 * the later line; a wrong header refuses the whole file (HTTP 400). The stored Tokens are then what a CPO authorizes
 * (mod_tokens 2.2.1 §POST Method: real-time authorization answers from them).
 */
import { startTestService, TEST_INTERNAL_API_KEY, TestService } from '../support/test-service';
import { tokensApi } from './support/tokens-api';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.stop();
});

async function importCsv(text: string, contentType = 'text/csv'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${service.url}/api/v1/tokens/import`, {
    method: 'POST',
    headers: { 'X-API-Key': TEST_INTERNAL_API_KEY, 'Content-Type': contentType },
    body: text,
  });
  return { status: response.status, body: await response.json() };
}

describe('POST /api/v1/tokens/import with Content-Type: text/csv (mod_tokens 2.2.1 §Token Object)', () => {
  it('stores the good lines, refuses the bad ones by line number naming the field as the JSON import does', async () => {
    const csv = [
      '\uFEFFuid,type,contract_id,issuer,valid,whitelist,group_id,energy_contract.supplier_name,energy_contract.contract_id,valid_until',
      'CSV-1,RFID,NL-TST-C00000001,Test eMSP,true,ALWAYS,FLEET-1,Green Power,GP-1,',
      'CSV-2,RFID,NL-TST-C00000002,Test eMSP,FALSE,,,,,2030-01-01T00:00:00Z',
      '',
      'CSV-3,CARD,NL-TST-C00000003,Test eMSP,yes,SOMETIMES,,,,',
      'CSV-4,RFID,,Test eMSP,,,,,,',
      'CSV-5,RFID,NL-TST-C00000005',
      '"CSV-6",APP_USER,"NL-TST-C00000006","Test, eMSP",,,,,,',
      'CSV-1,RFID,NL-TST-C00000001,Second issuer,,,,,,',
    ].join('\r\n');
    const { status, body } = await importCsv(csv);
    expect(status).toBe(200);
    expect(body).toEqual({
      created: 3,
      updated: 0,
      rejected: [
        { line: 2, errors: ['line 2 has the same uid and type as line 9, which replaces it'] },
        {
          line: 5,
          errors: [
            'line 5: type must be one of AD_HOC_USER, APP_USER, EMAID, OTHER, RFID',
            'line 5: valid must be true or false',
            'line 5: whitelist must be one of ALWAYS, ALLOWED, ALLOWED_OFFLINE, NEVER',
          ],
        },
        { line: 6, errors: ['line 6: contract_id is required'] },
        { line: 7, errors: ['line 7 has 3 cells, the header 10'] },
      ],
    });
    const api = tokensApi(service);
    // The later line of CSV-1 replaced the earlier one: its own fields, the others at their defaults.
    expect((await api.get('RFID', 'CSV-1')).body).toMatchObject({ issuer: 'Second issuer', valid: true, whitelist: 'ALLOWED', group_id: null, energy_contract: null });
    expect((await api.get('RFID', 'CSV-2')).body).toMatchObject({ valid: false, whitelist: 'ALLOWED', valid_until: '2030-01-01T00:00:00.000Z' });
    expect((await api.get('APP_USER', 'CSV-6')).body).toMatchObject({ contract_id: 'NL-TST-C00000006', issuer: 'Test, eMSP' });
    expect((await api.get('RFID', 'CSV-4')).status).toBe(404);
  });

  it('a second import of the same lines replaces them (updated); energy_contract from its two columns', async () => {
    const csv = 'uid,type,contract_id,issuer,energy_contract.supplier_name,energy_contract.contract_id\nCSV-7,RFID,NL-TST-C00000007,Test eMSP,Green Power,GP-7\n';
    expect((await importCsv(csv, 'text/csv; charset=utf-8')).body).toEqual({ created: 1, updated: 0, rejected: [] });
    expect((await importCsv(csv)).body).toEqual({ created: 0, updated: 1, rejected: [] });
    expect((await tokensApi(service).get('RFID', 'CSV-7')).body.energy_contract).toEqual({ supplier_name: 'Green Power', contract_id: 'GP-7' });
  });

  it('a header with an unknown or missing column, an empty body or broken CSV: HTTP 400 for the whole file, nothing stored', async () => {
    const unknown = await importCsv('uid,type,contract,issuer\nCSV-8,RFID,NL-TST-C00000008,Test eMSP\n');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toEqual([
      'CSV header (line 1): column 3 "contract" is not a Token field',
      'CSV header (line 1): the header lacks the required column contract_id',
    ]);
    expect((await importCsv('')).status).toBe(400);
    const broken = await importCsv('uid,type,contract_id,issuer\n"CSV-9,RFID,NL-TST-C00000009,Test eMSP\n');
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/^body is no readable CSV: /);
    expect((await tokensApi(service).get('RFID', 'CSV-8')).status).toBe(404);
    expect((await tokensApi(service).get('RFID', 'CSV-9')).status).toBe(404);
  });
});
