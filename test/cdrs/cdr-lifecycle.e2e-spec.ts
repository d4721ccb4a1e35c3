/**
 * What can happen to CDRs between a CPO and us: a CDR is immutable (mod_cdrs 2.2.1 §Receiver interface: "CDRs cannot
 * be replaced"), tariffs may arrive after their CDR, the CDR may name another tariff than the Location listed
 * (both are kept and the difference is shown), a CPO may send another party's CDR, a pull may break
 * down mid-way. And the finance API's authentication and validation.
 */
import { generateCdrs, loadCdrExample, loadFixtureTariffs } from '../cpo-simulator';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';
import { simpleTariffs, startCdrCpo } from './support/cdr-cpo';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

async function rows(sql: string, params: unknown[]): Promise<any[]> {
  return withClient(service.database.url, async (c) => (await c.query(sql, params)).rows);
}

async function lines(connectionId: string): Promise<any[]> {
  return (await service.finance('GET', `/cdrs?connection_id=${connectionId}&limit=500`)).body.data;
}

describe('mod_cdrs 2.2.1 §CDR object: a CDR never changes', () => {
  it('the same id again with identical content is one row; with other content it is rejected (kept raw) and the original kept', async () => {
    const cpo = await startCdrCpo(service, '2.2.1', { countryCode: 'NL', partyId: 'DUP' });
    try {
      await cpo.sync();
      const original = (await lines(cpo.connectionId)).find((c) => c.cdr_id === 'CDR-00001');
      const changed = { ...cpo.generated[0], total_cost: { excl_vat: 99, incl_vat: 119.79 } };
      cpo.simulator.setCdrs([cpo.generated[0], changed, cpo.generated[1]]);
      const [, , , pulled] = await cpo.sync(true);
      expect(pulled).toMatchObject({ status: 'SUCCEEDED', received: 3, stored: 2, rejected: 1 });
      const held = (await lines(cpo.connectionId)).filter((c) => c.cdr_id === 'CDR-00001');
      expect(held).toEqual([original]);
      const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=cdrs`)).body;
      const conflict = rejected.find((r: any) => r.raw.id === 'CDR-00001');
      expect(conflict.reason).toMatch(/^CDR NL\*DUP CDR-00001 was already received on .* with other content; a CDR cannot be replaced/);
      expect(conflict.raw.total_cost).toEqual({ excl_vat: 99, incl_vat: 119.79 });
    } finally {
      await cpo.close();
    }
  });
});

describe('mod_cdrs 2.2.1 §Credit CDRs', () => {
  it('a credit CDR (negative total_cost, credit_reference_id) is priced as the original, negated: difference 0', async () => {
    const cpo = await startCdrCpo(service, '2.2.1', { countryCode: 'NL', partyId: 'CRD' });
    try {
      const original = cpo.generated[0];
      const credit = {
        ...original,
        id: `${original.id}-C`,
        credit: true,
        credit_reference_id: original.id,
        total_cost: { excl_vat: -original.total_cost.excl_vat, incl_vat: -original.total_cost.incl_vat },
      };
      cpo.simulator.setCdrs([original, credit]);
      await cpo.sync();
      const byId = Object.fromEntries((await lines(cpo.connectionId)).map((l) => [l.cdr_id, l]));
      expect(byId[credit.id]).toMatchObject({
        credit: true,
        exact: true,
        stated: { before_taxes: `-${byId[original.id].stated.before_taxes}` },
        computed: { before_taxes: `-${byId[original.id].computed.before_taxes}`, after_taxes: `-${byId[original.id].computed.after_taxes}` },
        difference: { before_taxes: '0.00', after_taxes: '0.00' },
      });
    } finally {
      await cpo.close();
    }
  });
});

describe('finance hook: a CDR pulled before its tariff', () => {
  it('cannot be priced (NONE, said why); the pull that brings the tariff prices it with the version in force at its start', async () => {
    const owner = { countryCode: 'NL', partyId: 'LTE' };
    const locations = locationsFor('2.2.1', { count: 2, seed: 3, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 2, tariffIds: ['AC-KWH'], ...owner }) as any[];
    const tariffs = simpleTariffs(owner).slice(0, 1);
    // None of these CDRs carries its tariffs: the eMSP prices them with the tariff the connector lists.
    const cdrs = generateCdrs({ version: '2.2.1', locations, tariffs, ...owner, count: 3, withoutTariffs: [0, 1, 2] });
    const cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations, tariffs: [], cdrs });
    try {
      await cpo.sync();
      const before = await lines(cpo.connectionId);
      expect(before).toHaveLength(3);
      for (const l of before) {
        expect(l).toMatchObject({ priced_with: 'NONE', exact: false, computed: { before_taxes: null }, difference: { before_taxes: null } });
        expect(l.not_exact_because[0]).toMatch(/we hold none of the tariffs its connector lists \(AC-KWH\) in a version in force at/);
      }
      cpo.simulator.setTariffs(tariffs);
      // A full pull: the tariff's last_updated (2024-01-01) is older than an incremental date_from would be.
      await cpo.sync(true);
      for (const l of await lines(cpo.connectionId))
        expect(l).toMatchObject({ priced_with: 'LOCATION_TARIFFS', exact: true, difference: { before_taxes: '0.00', after_taxes: '0.00' } });
      // A full re-run on request gives the same.
      const run = await service.finance('POST', '/cdrs/recompute', { body: { connection_id: cpo.connectionId } });
      expect(run).toMatchObject({ status: 200, body: { checked: 3, match: 3, differ: 0, not_exact: 0 } });
      // Idempotent, and resumable behind the last row a cut-off run reported.
      const again = await service.finance('POST', '/cdrs/recompute', { body: { connection_id: cpo.connectionId, after: run.body.last_id } });
      expect(again.body).toMatchObject({ checked: 0, last_id: run.body.last_id });
    } finally {
      await cpo.close();
    }
  });
});

describe('tariff history: the tariff a CDR names and the one the Location listed', () => {
  it('2.2.1 cdr_example.json names tariff 12 as it was; the CPO serves another 12 today: both kept, their difference in the detail', async () => {
    const owner = { countryCode: 'BE', partyId: 'TDF' };
    // The fixtures hold two tariffs with id 12 (tariff_1_simple_2hour, tariff_2_alt_text): the later one is held.
    const cpo = await registerCpo(service, {
      version: '2.2.1',
      ...owner,
      locations: [],
      tariffs: loadFixtureTariffs(owner).filter((t) => t.id === '12'),
      cdrs: [loadCdrExample('2.2.1', owner)],
    });
    try {
      await cpo.sync();
      const [line] = await lines(cpo.connectionId);
      expect(line).toMatchObject({ priced_with: 'CDR_TARIFFS', difference: { before_taxes: '0.00', after_taxes: '0.00' } });
      const { status, body } = await service.finance('GET', `/cdrs/${line.id}`);
      expect(status).toBe(200);
      expect(body.recomputation.per_tariff[0].cost.breakdown.length).toBeGreaterThan(0);
      expect(body.raw.id).toBe('12345');
      const d = body.tariff_differences;
      expect(d).toMatchObject({ cdr_tariff_ids: ['12'], location_tariffs: [{ id: '12', basis: 'cpo_last_updated' }], cdr_only: [], location_only: [] });
      expect(d.pairs[0]).toMatchObject({ cdr_tariff_id: '12', location_tariff_id: '12', identical: false });
      expect(d.pairs[0].differences).toEqual(expect.arrayContaining([{ path: 'elements[0].price_components[0].price', a: '2', b: '1.9' }]));
      // 1.973 h at € 1.90 / h per 5 minutes: what the listed tariff would have billed.
      expect(d.cost_with_location_tariffs.computed.before_taxes).toBe('3.80');
    } finally {
      await cpo.close();
    }
  });
  it('2.1.1 §3.1 example: the CDR is priced with its tariff 12, its Location object lists tariff 11: both shown, compared, and 11 priced too', async () => {
    const owner = { countryCode: 'BE', partyId: 'TDA' };
    const eleven = { id: '11', currency: 'EUR', elements: [{ price_components: [{ type: 'TIME', price: '2.50', step_size: 60 }] }], last_updated: '2015-01-01T00:00:00Z' };
    const cpo = await registerCpo(service, { version: '2.1.1', ...owner, locations: [], tariffs: [eleven], cdrs: [loadCdrExample('2.1.1')] });
    try {
      await cpo.sync();
      const [line] = await lines(cpo.connectionId);
      expect(line).toMatchObject({ priced_with: 'CDR_TARIFFS', exact: true, difference: { before_taxes: '0.00', after_taxes: null } });
      const d = (await service.finance('GET', `/cdrs/${line.id}`)).body.tariff_differences;
      expect(d).toMatchObject({ cdr_tariff_ids: ['12'], cdr_only: ['12'], location_only: ['11'], location_tariffs: [{ id: '11' }] });
      expect(d.pairs[0]).toMatchObject({ cdr_tariff_id: '12', location_tariff_id: '11', identical: false });
      expect(d.pairs[0].differences).toEqual(
        expect.arrayContaining([
          { path: 'id', a: '12', b: '11' },
          { path: 'elements[0].price_components[0].price', a: '2', b: '2.5' },
        ]),
      );
      // 1.973 h = 118.38 min, billed per minute: 119 min at € 2.50 / h.
      expect(d.cost_with_location_tariffs.computed.before_taxes).toBe('4.96');
    } finally {
      await cpo.close();
    }
  });
});

describe('a CPO may only send CDRs of its own parties', () => {
  it('mod_cdrs 2.2.1 §CDR object country_code / party_id of another party: rejected with the reason, the rest stored', async () => {
    const owner = { countryCode: 'NL', partyId: 'OWN' };
    const locations = locationsFor('2.2.1', { count: 1, seed: 4, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 2, tariffIds: ['AC-KWH'], ...owner }) as any[];
    const tariffs = simpleTariffs(owner).slice(0, 1);
    const cdrs = generateCdrs({ version: '2.2.1', locations, tariffs, ...owner, count: 2 });
    const foreign = { ...cdrs[1], country_code: 'DE', party_id: 'XYZ' };
    const cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations, tariffs, cdrs: [cdrs[0], foreign] });
    try {
      const [, , , pulled] = await cpo.sync();
      expect(pulled).toMatchObject({ stored: 1, rejected: 1 });
      const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=cdrs`)).body;
      expect(rejected[0].reason).toBe(
        `CDR ${String((cdrs[1] as Record<string, unknown>).id)} belongs to party DE*XYZ, which is not a party of this connection (${owner.countryCode}*${owner.partyId}): a CPO may only send objects of its own parties`,
      );
    } finally {
      await cpo.close();
    }
  });
});

describe('transport_and_format 2.2.1 §Pagination: a CDR pull that breaks down mid-way', () => {
  it('keeps the pages it stored; the next pull resumes from the last good run: every CDR once, no gap', async () => {
    const cpo = await startCdrCpo(service, '2.2.1', { countryCode: 'NL', partyId: 'MID' }, { maxPageLimit: 2 });
    try {
      // Page 1 of the CDRs arrives, then the CPO answers HTTP 400 (not retried).
      cpo.simulator.setQuirks({ modules: ['cdrs'], failures: { after: 1, count: 1, httpStatus: 400 } });
      const [, , , failed] = await cpo.sync();
      expect(failed).toMatchObject({ status: 'FAILED', pages: 1, stored: 2 });
      expect(await lines(cpo.connectionId)).toHaveLength(2);
      cpo.simulator.setQuirks(undefined);
      const [, , , resumed] = await cpo.sync();
      expect(resumed).toMatchObject({ status: 'SUCCEEDED', received: 8, stored: 7, rejected: 1 });
      const held = await rows(`SELECT ocpi_id, count(*)::int AS n FROM cdr WHERE party_id = 'MID' GROUP BY ocpi_id`, []);
      expect(held).toHaveLength(7);
      expect(held.every((r) => r.n === 1)).toBe(true);
    } finally {
      await cpo.close();
    }
  });
});

describe('tolerant reading of CDRs (types 2.2.1 §number, §DateTime)', () => {
  it('numbers sent as strings and DateTimes without Z: read, counted as deviations, priced as the CPO billed them', async () => {
    const cpo = await startCdrCpo(service, '2.3.0', { countryCode: 'NL', partyId: 'TOL' });
    try {
      cpo.simulator.setQuirks({ modules: ['cdrs'], wire: { numbersAsStrings: true, timestampsWithoutZ: true } });
      const [, , , pulled] = await cpo.sync();
      expect(pulled).toMatchObject({ status: 'SUCCEEDED', stored: 7, rejected: 1 });
      expect(pulled.deviations).toBeGreaterThan(0);
      const all = await lines(cpo.connectionId);
      expect(all.filter((l) => l.exact && l.difference.before_taxes === '0.00')).toHaveLength(5);
      const deviations = (await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body;
      const kinds = new Set(JSON.stringify(deviations).match(/NUMBER_AS_STRING|DATETIME_WITHOUT_TIMEZONE/g));
      expect([...kinds].sort()).toEqual(['DATETIME_WITHOUT_TIMEZONE', 'NUMBER_AS_STRING']);
    } finally {
      await cpo.close();
    }
  });
});

describe('finance API: X-API-Key FINANCE_API_KEY, parameters named when wrong', () => {
  it("401 without the key, with another API's key", async () => {
    expect((await service.finance('GET', '/cdrs', { key: null })).status).toBe(401);
    const other = await service.finance('GET', '/cdrs', { key: 'test-internal-api-key-0001' });
    expect(other).toMatchObject({ status: 401, body: { message: 'Missing or wrong X-API-Key for the finance API' } });
    expect((await service.finance('POST', '/cdrs/recompute', { key: null, body: {} })).status).toBe(401);
  });

  it.each([
    ['/cdrs?connection_id=abc', 'connection_id must be a UUID'],
    ['/cdrs?from=yesterday', 'from must be an ISO-8601 date-time, e.g. 2024-06-01T00:00:00Z'],
    ['/cdrs?discrepancy=maybe', 'discrepancy must be true or false'],
    ['/cdrs?limit=0', 'limit must be an integer from 1 to 500'],
    ['/cdrs?cursor=bm9wZQ', 'cursor: not a cursor this API gave out (pass meta.next_cursor back unchanged)'],
  ])('400 for %s', async (path, message) => {
    const { status, body } = await service.finance('GET', path);
    expect(status).toBe(400);
    expect(JSON.stringify(body.message)).toContain(message);
  });

  it('400 for a recompute with a malformed connection_id; 404 for an unknown CDR', async () => {
    expect((await service.finance('POST', '/cdrs/recompute', { body: { connection_id: 'x' } })).status).toBe(400);
    expect((await service.finance('GET', '/cdrs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('pages by cursor without repeats', async () => {
    const cpo = await startCdrCpo(service, '2.3.0', { countryCode: 'NL', partyId: 'PAG' });
    try {
      await cpo.sync();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await service.finance('GET', `/cdrs?connection_id=${cpo.connectionId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.data.map((c: any) => c.id));
        cursor = page.body.meta.next_cursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      const summary = (await service.finance('GET', `/cdrs/summary?connection_id=${cpo.connectionId}`)).body;
      expect(summary).toEqual([
        {
          connection_id: cpo.connectionId,
          connection_name: 'NL*PAG',
          currency: 'EUR',
          stored: 7,
          match: 5,
          differ: 2,
          not_exact: 0,
          not_computed: 0,
          sum_difference: { before_taxes: '-1.00', after_taxes: '-1.00' },
        },
      ]);
    } finally {
      await cpo.close();
    }
  });
});
