/**
 * Finance ledger (issue 17): per CPO, period and currency, every CDR with its totals, credit CDRs netted against the CDR
 * they credit (mod_cdrs 2.2.1 §Credit CDRs), exact decimals, as JSON and CSV through the finance API.
 */
import { Decimal } from 'decimal.js';
import { parse } from 'csv-parse/sync';
import { CdrCpo, startCdrCpo } from '../cdrs/support/cdr-cpo';
import { startTestService, TEST_FINANCE_API_KEY, TestService } from '../support/test-service';

let service: TestService;
let cpo: CdrCpo;
let credit: Record<string, any>;
const PERIOD = 'from=2024-06-01T00:00:00Z&to=2024-07-01T00:00:00Z';

beforeAll(async () => {
  service = await startTestService();
  cpo = await startCdrCpo(service, '2.2.1', { countryCode: 'NL', partyId: 'LGR' });
  const original = cpo.generated[0];
  // The credit CDR names the original's session and start (it "will contain all the data of the original CDR").
  credit = {
    ...original,
    id: `${original.id}-C`,
    credit: true,
    credit_reference_id: original.id,
    total_cost: { excl_vat: -original.total_cost.excl_vat, incl_vat: -original.total_cost.incl_vat },
  };
  cpo.simulator.setCdrs([...cpo.generated, credit]);
  await cpo.sync();
});
afterAll(async () => {
  await cpo?.close();
  await service?.stop();
});

describe('GET /api/v1/finance/ledger', () => {
  it('mod_cdrs 2.2.1 §Credit CDRs: every CDR of the period with its totals; the credited one nets to zero; totals are the exact sums', async () => {
    const { status, body } = await service.finance('GET', `/ledger?connection_id=${cpo.connectionId}&${PERIOD}`);
    expect(status).toBe(200);
    expect(body.lines.map((l: any) => l.cdr_id)).toEqual(cpo.generated.map((g) => g.id));
    const first = body.lines[0];
    expect(first).toMatchObject({
      kind: 'CDR',
      credited_by: [credit.id],
      cost_excl_vat: new Decimal(cpo.generated[0].total_cost.excl_vat).toFixed(2),
      net: { energy_kwh: '0', time_hours: '0', parking_hours: '0', cost_excl_vat: '0.00', cost_incl_vat: '0.00' },
    });
    for (const [i, g] of cpo.generated.entries()) {
      expect([g.id, body.lines[i].energy_kwh, body.lines[i].cost_incl_vat]).toEqual([g.id, String(g.total_energy), new Decimal(g.total_cost.incl_vat).toFixed(2)]);
    }
    const rest = cpo.generated.slice(1);
    const sum = (f: (g: any) => number) => rest.reduce((s, g) => s.plus(String(f(g))), new Decimal(0));
    expect(body.totals).toEqual([
      {
        currency: 'EUR',
        cdrs: 6,
        credited: 1,
        energy_kwh: sum((g) => g.total_energy).toFixed(),
        time_hours: sum((g) => g.total_time).toFixed(),
        parking_hours: sum((g) => g.total_parking_time ?? 0).toFixed(),
        cost_excl_vat: sum((g) => g.total_cost.excl_vat).toFixed(2),
        cost_incl_vat: sum((g) => g.total_cost.incl_vat).toFixed(2),
      },
    ]);
  });

  it('as CSV: one row per CDR and a TOTAL row, the same figures', async () => {
    const response = await fetch(`${service.url}/api/v1/finance/ledger?connection_id=${cpo.connectionId}&${PERIOD}&format=csv`, { headers: { 'X-API-Key': TEST_FINANCE_API_KEY } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const json = (await service.finance('GET', `/ledger?connection_id=${cpo.connectionId}&${PERIOD}`)).body;
    const table: string[][] = parse(await response.text());
    const [header, ...rows] = table;
    expect(header.slice(0, 4)).toEqual(['kind', 'country_code', 'party_id', 'cdr_id']);
    expect(rows).toHaveLength(7);
    const total = Object.fromEntries(header.map((h, i) => [h, rows[6][i]]));
    expect(total).toMatchObject({ kind: 'TOTAL', currency: 'EUR', net_cost_excl_vat: json.totals[0].cost_excl_vat, net_cost_incl_vat: json.totals[0].cost_incl_vat });
    const firstRow = Object.fromEntries(header.map((h, i) => [h, rows[0][i]]));
    expect(firstRow).toMatchObject({ kind: 'CDR', cdr_id: cpo.generated[0].id, credited_by: credit.id, net_cost_excl_vat: '0.00' });
  });

  it('another period holds none of them; bad parameters are 400, an unknown connection 404', async () => {
    const empty = await service.finance('GET', `/ledger?connection_id=${cpo.connectionId}&from=2023-01-01T00:00:00Z&to=2023-02-01T00:00:00Z`);
    expect(empty.body).toMatchObject({ lines: [], totals: [] });
    expect((await service.finance('GET', `/ledger?connection_id=${cpo.connectionId}&from=2024-07-01T00:00:00Z&to=2024-06-01T00:00:00Z`)).status).toBe(400);
    expect((await service.finance('GET', `/ledger?connection_id=${cpo.connectionId}&${PERIOD}&format=xml`)).body.message).toEqual(['format must be json or csv']);
    expect((await service.finance('GET', `/ledger?connection_id=00000000-0000-4000-8000-000000000000&${PERIOD}`)).status).toBe(404);
  });
});
