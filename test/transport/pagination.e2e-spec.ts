/**
 * transport_and_format 2.2.1 §Pagination (§Paginated Request, §Paginated Response; the same in 2.3.0, and in
 * 2.1.1 apart from date_from/date_to, which we send only when pulling incrementally): the client follows Link,
 * falls back to offset/limit, honours the CPO's X-Limit and stops with a clear error instead of spinning.
 */
import { collectPages, directClient, DirectClient, registeredSimulator, RegisteredSimulator, someLocations } from '../support/direct-client';

const LOCATIONS = someLocations(23, 11);
const ids = (items: any[]) => items.map((l) => l.id);

describe("transport_and_format 2.2.1 §Pagination: every object exactly once, whatever the CPO's style", () => {
  let cpo: RegisteredSimulator;
  let direct: DirectClient;
  beforeAll(async () => {
    cpo = await registeredSimulator({ locations: LOCATIONS, maxPageLimit: 5 });
    direct = directClient();
  });
  afterEach(() => cpo.simulator.setQuirks(undefined));
  afterAll(() => cpo.close());

  const listCalls = (from: number) => cpo.simulator.requests.slice(from).filter((r) => r.url.includes('/locations'));

  it.each([
    ['an absolute Link (the spec example)', 'absolute'],
    ['a relative Link, resolved against the page URL (RFC 8288 §3.1)', 'relative'],
    ['rel=next unquoted after a rel="prev" link whose title holds a comma', 'bare-rel'],
  ] as const)('follows %s', async (_what, link) => {
    cpo.simulator.setQuirks({ pagination: { link } });
    const { items, pages, error } = await collectPages(direct.client, cpo.call('locations', { params: { limit: 100 } }));
    expect(error).toBeNull();
    expect(ids(items)).toEqual(ids(LOCATIONS));
    expect(pages).toBe(5);
  });

  it("without Link, continues with offset/limit while X-Total-Count says more remain, using the CPO's smaller X-Limit", async () => {
    cpo.simulator.setQuirks({ pagination: { link: 'none' } });
    const before = cpo.simulator.requests.length;
    const { items, error } = await collectPages(direct.client, cpo.call('locations', { params: { limit: 100 } }));
    expect(error).toBeNull();
    expect(ids(items)).toEqual(ids(LOCATIONS));
    const urls = listCalls(before).map((r) => new URL(r.url, 'http://x').searchParams);
    expect(urls.map((q) => [q.get('offset'), q.get('limit')])).toEqual([
      [null, '100'],
      ['5', '5'],
      ['10', '5'],
      ['15', '5'],
      ['20', '5'],
    ]);
  });

  it('without Link nor X-Total-Count, continues while pages come back full (X-Limit), and stops at a short page', async () => {
    cpo.simulator.setQuirks({ pagination: { link: 'none', omitTotalCount: true } });
    const { items, pages, error } = await collectPages(direct.client, cpo.call('locations', { params: { limit: 5 } }));
    expect(error).toBeNull();
    expect(ids(items)).toEqual(ids(LOCATIONS));
    expect(pages).toBe(5);
  });
});

describe('transport_and_format 2.2.1 §Paginated Response: a CPO whose pages do not add up is stopped with a clear error', () => {
  let cpo: RegisteredSimulator;
  let direct: DirectClient;
  beforeAll(async () => {
    cpo = await registeredSimulator({ locations: LOCATIONS, maxPageLimit: 5 });
  });
  beforeEach(() => {
    direct = directClient();
  });
  afterEach(() => cpo.simulator.setQuirks(undefined));
  afterAll(() => cpo.close());

  it('a Link back to the page just served (a loop): stops before fetching it again', async () => {
    cpo.simulator.setQuirks({ pagination: { link: 'loop' } });
    const before = cpo.simulator.requests.length;
    const { items, error } = await collectPages(direct.client, cpo.call('locations'));
    expect(error).toMatchObject({ kind: 'PAGINATION' });
    expect(error!.explanation).toContain('points back to a page we already fetched');
    expect(items).toHaveLength(5);
    expect(cpo.simulator.requests.length - before).toBe(1);
    expect(direct.recorded[0]).toMatchObject({ kind: 'PAGINATION', method: 'GET' });
  });

  it('the same page again (the CPO ignores offset): stops at the first repeat', async () => {
    cpo.simulator.setQuirks({ pagination: { link: 'none', ignoreOffset: true } });
    const { items, pages, error } = await collectPages(direct.client, cpo.call('locations'));
    expect(error!.explanation).toContain('the same objects as on an earlier page');
    expect(pages).toBe(2);
    expect(ids(items)).toEqual([...ids(LOCATIONS.slice(0, 5)), ...ids(LOCATIONS.slice(0, 5))]);
  });

  it('a Link that never ends (empty pages that still link on): stops at the first empty page', async () => {
    cpo.simulator.setQuirks({ pagination: { link: 'endless' } });
    const { items, pages, error } = await collectPages(direct.client, cpo.call('locations'));
    expect(error!.explanation).toContain('an empty page that still links to a next one');
    expect(ids(items)).toEqual(ids(LOCATIONS));
    expect(pages).toBe(6);
  });

  it('an X-Total-Count that drops on every page (the list unchanged): re-reads each offset lowered by the drop, skips nothing, and stops once the Links pass the total', async () => {
    cpo.simulator.setQuirks({ pagination: { shrinkingTotal: true } });
    const before = cpo.simulator.requests.length;
    const { items, error } = await collectPages(direct.client, cpo.call('locations'));
    const calls = cpo.simulator.requests.slice(before).filter((r) => r.url.includes('/locations'));
    const offsets = calls.map((r) => new URL(r.url, 'http://x').searchParams.get('offset'));
    // §Paginated Response: "redo the previous GET with the offset lowered"; a re-read page does not rewind again.
    expect(offsets.slice(0, 5)).toEqual([null, '5', '4', '9', '8']);
    // No object skipped up to where it stopped (the Link to offset 22 lies past 15 + one page of slack).
    expect(new Set(ids(items))).toEqual(new Set(ids(LOCATIONS.slice(0, 22))));
    expect(error!.explanation).toContain('keeps sending next-page links after the 15 objects its X-Total-Count announced');
  });

  it('a cap on the number of pages (maxPages) stops any pull that goes beyond it', async () => {
    const capped = directClient({ tuning: { maxPages: 3 } });
    const { pages, error } = await collectPages(capped.client, cpo.call('locations'));
    expect(pages).toBe(3);
    expect(error!.explanation).toContain('more than 3 pages');
    expect(error!.explanation).toContain('OCPI_MAX_PAGES_PER_PULL');
  });
});
