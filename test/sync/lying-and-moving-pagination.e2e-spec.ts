/**
 * transport_and_format 2.2.1 §Pagination (§Paginated Request, §Paginated Response; 2.1.1 §Pagination the same) met
 * by CPOs that bend it, through a real pull (mod_tariffs 2.2.1 §4.2.1 Sender interface, GET list) over HTTP from the
 * CPO simulator into the database:
 * - full pages without `Link: rel="next"` and an X-Total-Count equal to the page size (seen in the field): read on by
 *   offset while pages come back full, every Tariff stored, the missing Link counted as a deviation;
 * - a Sender whose pages never end: stopped at OCPI_MAX_PAGES_PER_PULL with an error naming the cap and the setting;
 * - a list that grows at the front while we page: every object the CPO lists at the end is stored, none missing.
 */
import { loadFixtureTariffs } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

/** `count` Tariffs of `owner` (copies of a spec example with their own ids and last_updated, oldest first). */
function tariffs(owner: { countryCode: string; partyId: string }, count: number, prefix: string): any[] {
  const [example] = loadFixtureTariffs(owner);
  return Array.from({ length: count }, (_, i) => ({
    ...example,
    id: `${prefix}-${String(i).padStart(3, '0')}`,
    last_updated: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace('.000Z', 'Z'),
  }));
}

async function storedTariffIds(service: TestService, owner: { countryCode: string; partyId: string }): Promise<string[]> {
  const rows = await withClient(service.database.url, (c) =>
    c.query(`SELECT ocpi_id FROM tariff WHERE country_code = $1 AND party_id = $2 ORDER BY ocpi_id`, [owner.countryCode, owner.partyId]).then((r) => r.rows),
  );
  return rows.map((r: any) => r.ocpi_id);
}

const ids = (objects: any[]) => objects.map((o) => o.id).sort();

describe('transport_and_format 2.2.1 §Pagination: pulls from CPOs whose pagination lies or moves', () => {
  let service: TestService;
  const cpos: RegisteredCpo[] = [];
  beforeAll(async () => {
    // A small cap, so that an endless Sender is stopped quickly.
    service = await startTestService({ env: { OCPI_MAX_PAGES_PER_PULL: '6' } });
  });
  afterAll(async () => {
    for (const cpo of cpos) await cpo.close();
    await service?.stop();
  });

  async function cpoWith(partyId: string, served: any[], quirks: object): Promise<RegisteredCpo> {
    const owner = { countryCode: 'NL', partyId };
    // Pages of 50 (X-Limit), Locations left empty: the tariffs' pull is the one under test.
    const cpo = await registerCpo(service, { ...owner, maxPageLimit: 50, tariffs: served, locations: [], quirks: { modules: ['tariffs'], ...quirks } });
    cpos.push(cpo);
    return cpo;
  }

  it('§Paginated Response: full pages without Link and X-Total-Count = page size are read on by offset; all 120 Tariffs stored, the missing Link counted', async () => {
    const owner = { countryCode: 'NL', partyId: 'LIE' };
    const served = tariffs(owner, 120, 'LIE');
    const cpo = await cpoWith(owner.partyId, served, { pagination: { link: 'none', totalIsPageSize: true } });
    const before = cpo.simulator.requests.length;

    const pulled = (await cpo.sync()).find((o) => o.module === 'tariffs')!;

    expect(pulled).toMatchObject({ status: 'SUCCEEDED', pages: 3, pages_reread: 0, received: 120, stored: 120, rejected: 0, message: null });
    expect(await storedTariffIds(service, owner)).toEqual(ids(served));
    const asked = cpo.simulator.requests
      .slice(before)
      .filter((r) => r.url.includes('/tariffs'))
      .map((r) => new URL(r.url, 'http://x').searchParams.get('offset'));
    expect(asked).toEqual([null, '50', '100']);
    // The second and the third page were found by offset because the page before had no Link: two deviations.
    const deviations = (await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body;
    expect(deviations.filter((d: any) => d.kind === 'PAGINATION_LINK_MISSING')).toEqual([expect.objectContaining({ module: 'tariffs', field: 'Link', count: 2 })]);
    expect(pulled.deviations).toBe(2);
  });

  it('§Pagination: a Sender whose pages never end is stopped at OCPI_MAX_PAGES_PER_PULL, the error naming the cap and the setting', async () => {
    const owner = { countryCode: 'NL', partyId: 'END' };
    const cpo = await cpoWith(owner.partyId, tariffs(owner, 10, 'END'), { pagination: { endlessObjects: true } });

    const pulled = (await cpo.sync()).find((o) => o.module === 'tariffs')!;

    expect(pulled).toMatchObject({ status: 'FAILED', pages: 6, received: 300, stored: 300 });
    expect(pulled.message).toContain('more than 6 pages');
    expect(pulled.message).toContain('OCPI_MAX_PAGES_PER_PULL');
    // The pages before the cap stay stored (each page in its own transaction).
    expect(await storedTariffIds(service, owner)).toHaveLength(300);
  });

  it('§Paginated Response: a list that grows at the front while we page ends with every object stored, none missing', async () => {
    const owner = { countryCode: 'NL', partyId: 'GRW' };
    const served = tariffs(owner, 120, 'GRW');
    const inserted = tariffs(owner, 3, 'NEW');
    // After the first page, three Tariffs are inserted at the front: everything not yet read moves back three places.
    const cpo = await cpoWith(owner.partyId, served, { pagination: { growAtFront: { afterLists: 1, objects: inserted } } });

    const pulled = (await cpo.sync()).find((o) => o.module === 'tariffs')!;

    // 120 + 3 objects listed at the end; page 2 repeats the last 3 of page 1 (harmless: upserts); 3 caught up.
    expect(pulled).toMatchObject({ status: 'SUCCEEDED', pages: 4, received: 126, rejected: 0, message: null });
    // The moved list is caught up with date_from = the crawl's start (minus the clock-skew margin): only the three new.
    expect(pulled.pages_reread).toBe(1);
    const held = await storedTariffIds(service, owner);
    for (const id of ids([...inserted, ...served])) expect([id, held.includes(id)]).toEqual([id, true]);
    expect(held).toHaveLength(123);
  });

  it('§Paginated Response: a list that loses objects at the front while we page: the offset lowered by the drop is read again, none skipped', async () => {
    const owner = { countryCode: 'NL', partyId: 'SHR' };
    const served = tariffs(owner, 120, 'SHR');
    // After the first page, the first three Tariffs go: everything not yet read moves forward three places, and
    // offset 50 now starts at the 54th; without a re-read the 51st to 53rd would be skipped.
    const cpo = await cpoWith(owner.partyId, served, { pagination: { shrinkAtFront: { afterLists: 1, count: 3 } } });
    const before = cpo.simulator.requests.length;

    const pulled = (await cpo.sync()).find((o) => o.module === 'tariffs')!;

    expect(pulled).toMatchObject({ status: 'SUCCEEDED', rejected: 0, message: null });
    const asked = cpo.simulator.requests
      .slice(before)
      .filter((r) => r.url.includes('/tariffs'))
      .map((r) => new URL(r.url, 'http://x').searchParams);
    // X-Total-Count 120 then 117: offset 50 read again as 47; then on by Link; then the catch-up (date_from) finds nothing new.
    expect(asked.map((q) => q.get('offset'))).toEqual([null, '50', '47', '97', null]);
    expect(asked[4].get('date_from')).not.toBeNull();
    expect(pulled.pages_reread).toBe(2);
    const held = await storedTariffIds(service, owner);
    for (const id of ids(served)) expect([id, held.includes(id)]).toEqual([id, true]);
  });
});
