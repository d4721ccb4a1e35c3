import { PageWalker } from './page-walker';

const page = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ country_code: 'NL', party_id: 'ABC', id: `L${from + i}`, last_updated: '2024-01-01T00:00:00Z' }));
const link = (offset: number) => ({ link: `<https://cpo.example/locations?offset=${offset}>; rel="next"`, 'x-total-count': '10' });

describe('transport_and_format 2.2.1 §Paginated Response: PageWalker', () => {
  it('stops a CPO whose fresh, non-empty pages keep linking on after X-Total-Count objects', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    const steps = [0, 5, 10].map((offset) => walker.afterPage(`https://cpo.example/locations?offset=${offset}`, page(offset, 5), link(offset + 5)));
    expect(steps.slice(0, 2)).toMatchObject([{ next: 'https://cpo.example/locations?offset=5' }, { next: 'https://cpo.example/locations?offset=10' }]);
    // One page of slack beyond the announced total (objects created meanwhile), then it stops.
    expect(steps[2]).toMatchObject({ error: expect.stringContaining('after the 10 objects its X-Total-Count announced (15 received)') });
  });

  it('without a Link, asks the next offset while pages come back full, even past X-Total-Count; an empty page ends it', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    expect(walker.afterPage('https://cpo.example/l', page(0, 5), { 'x-total-count': '10' })).toMatchObject({ next: 'https://cpo.example/l?offset=5&limit=5', linkMissing: false });
    // Full although X-Total-Count is reached: a CPO that sends no Link may also send a wrong total (seen in the field).
    expect(walker.afterPage('https://cpo.example/l?offset=5&limit=5', page(5, 5), { 'x-total-count': '10' })).toMatchObject({
      next: 'https://cpo.example/l?offset=10&limit=5',
      linkMissing: true,
    });
    // Nothing there: the Link was not missing after all.
    expect(walker.afterPage('https://cpo.example/l?offset=10&limit=5', [], { 'x-total-count': '10' })).toMatchObject({ next: null, linkMissing: false });
  });

  it('a page without a Link after pages that had one is the last, even when full (the spec way of ending)', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    walker.afterPage('https://cpo.example/l', page(0, 5), link(5));
    expect(walker.afterPage('https://cpo.example/locations?offset=5', page(5, 5), { 'x-total-count': '10' })).toMatchObject({ next: null, linkMissing: false });
  });

  it('without a Link, a short page ends the crawl once X-Total-Count is reached', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    walker.afterPage('https://cpo.example/l', page(0, 5), { 'x-total-count': '8' });
    expect(walker.afterPage('https://cpo.example/l?offset=5&limit=5', page(5, 3), { 'x-total-count': '8' })).toMatchObject({ next: null, linkMissing: true });
  });

  it('§Paginated Response: X-Total-Count lower by d re-reads from the offset lowered by d, once; the re-read page does not rewind again', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    walker.afterPage('https://cpo.example/l', page(0, 5), { ...link(5), 'x-total-count': '20' });
    const step = walker.afterPage('https://cpo.example/locations?offset=5', page(7, 5), { ...link(10), 'x-total-count': '18' });
    expect(step).toMatchObject({ next: 'https://cpo.example/locations?offset=3', reread: true, moved: true });
    expect(walker.beforeFetch('https://cpo.example/locations?offset=3')).toBeNull();
    expect(walker.isReread('https://cpo.example/locations?offset=3')).toBe(true);
    expect(walker.afterPage('https://cpo.example/locations?offset=3', page(5, 5), { ...link(8), 'x-total-count': '17' })).toMatchObject({
      next: 'https://cpo.example/locations?offset=8',
    });
  });

  it('a page that begins with an object the previous page held (objects inserted before our offset) is marked moved', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    expect(walker.afterPage('https://cpo.example/l', page(0, 5), link(5))).toMatchObject({ moved: false });
    expect(walker.afterPage('https://cpo.example/locations?offset=5', page(4, 5), link(10))).toMatchObject({ moved: true, next: 'https://cpo.example/locations?offset=10' });
  });

  it('does not treat a growing X-Total-Count as an error (objects created while paging, §Paginated Response)', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    walker.afterPage('https://cpo.example/l', page(0, 5), { ...link(5), 'x-total-count': '10' });
    expect(walker.afterPage('https://cpo.example/locations?offset=5', page(5, 5), { ...link(10), 'x-total-count': '11' })).toMatchObject({
      next: 'https://cpo.example/locations?offset=10',
    });
  });

  describe('§Pagination with §Security and authentication: a Link is followed only within the origin of the endpoint', () => {
    const endpoint = 'https://cpo.example/ocpi/cpo/2.2.1/locations';
    const after = (target: string) => new PageWalker(endpoint, { requestedLimit: 5, maxPages: 100 }).afterPage(endpoint, page(0, 5), { link: `<${target}>; rel="next"` });
    it.each([
      ['the default port spelled out', 'https://cpo.example:443/ocpi/cpo/2.2.1/locations?offset=5'],
      ['the host in upper case', 'https://CPO.EXAMPLE/ocpi/cpo/2.2.1/locations?offset=5'],
      ['another path on the same origin', 'https://cpo.example/elsewhere?offset=5'],
    ])('same origin: %s', (_what, target) => {
      expect(after(target)).toMatchObject({ next: new URL(target).toString() });
    });
    it.each([
      ['http instead of https', 'http://cpo.example/ocpi/cpo/2.2.1/locations?offset=5'],
      ['another port', 'https://cpo.example:8443/ocpi/cpo/2.2.1/locations?offset=5'],
      ['a sub-domain', 'https://api.cpo.example/ocpi/cpo/2.2.1/locations?offset=5'],
      ['another host whose name starts with the same text', 'https://cpo.example.attacker.test/ocpi?offset=5'],
      ['credentials in the authority', 'https://cpo.example@attacker.test/ocpi?offset=5'],
    ])('another origin, refused naming the URL: %s', (_what, target) => {
      expect(after(target)).toMatchObject({
        error: expect.stringContaining(`points to ${new URL(target).toString()}, another origin than the endpoint the CPO gave us (https://cpo.example)`),
      });
    });
  });

  it("resumed from another walk's position: judges the end of the list, X-Total-Count and the page cap as that walk would have; refuses another origin", () => {
    const resumed = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 3 });
    expect(resumed.resumeAt({ next: 'https://cpo.example/locations?offset=5', totalCount: 10, pages: 1, received: 5, sawLink: true })).toBeNull();
    // The first walk saw Links: a full page without one is the last (a fresh walker would ask for the next offset).
    expect(resumed.afterPage('https://cpo.example/locations?offset=5', page(5, 5), { 'x-total-count': '10' })).toMatchObject({ next: null, moved: false });
    expect(resumed.progress()).toEqual({ pages: 2, received: 10, sawLink: true });

    const grown = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 3 });
    grown.resumeAt({ next: 'https://cpo.example/locations?offset=5', totalCount: 10, pages: 2, received: 10, sawLink: true });
    // The total seen before the takeover counts: a change since is a list that moved.
    expect(grown.afterPage('https://cpo.example/locations?offset=5', page(5, 5), { ...link(10), 'x-total-count': '11' })).toMatchObject({ moved: true });
    // Two pages before, one now: the cap of 3 pages is reached.
    expect(grown.beforeFetch('https://cpo.example/locations?offset=10')).toContain('more than 3 pages');

    const elsewhere = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 3 });
    expect(elsewhere.resumeAt({ next: 'https://other.example/locations?offset=5', totalCount: 10, pages: 1, received: 5, sawLink: true })).toContain('another origin');
  });
});
