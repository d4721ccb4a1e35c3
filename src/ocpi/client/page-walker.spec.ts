import { PageWalker } from './page-walker';

const page = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ country_code: 'NL', party_id: 'ABC', id: `L${from + i}`, last_updated: '2024-01-01T00:00:00Z' }));
const link = (offset: number) => ({ link: `<https://cpo.example/locations?offset=${offset}>; rel="next"`, 'x-total-count': '10' });

describe('transport_and_format 2.2.1 §Paginated Response: PageWalker', () => {
  it('stops a CPO whose fresh, non-empty pages keep linking on after X-Total-Count objects', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    const steps = [0, 5, 10].map((offset) => walker.afterPage(`https://cpo.example/locations?offset=${offset}`, page(offset, 5), link(offset + 5)));
    expect(steps.slice(0, 2)).toEqual([{ next: 'https://cpo.example/locations?offset=5' }, { next: 'https://cpo.example/locations?offset=10' }]);
    // One page of slack beyond the announced total (objects created meanwhile), then it stops.
    expect(steps[2]).toEqual({ error: expect.stringContaining('after the 10 objects its X-Total-Count announced (15 received)') });
  });

  it('ends when X-Total-Count is reached without a Link', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    expect(walker.afterPage('https://cpo.example/l', page(0, 5), { 'x-total-count': '10' })).toEqual({ next: 'https://cpo.example/l?offset=5&limit=5' });
    expect(walker.afterPage('https://cpo.example/l?offset=5&limit=5', page(5, 5), { 'x-total-count': '10' })).toEqual({ next: null });
  });

  it('does not treat a growing X-Total-Count as an error (objects created while paging, §Paginated Response)', () => {
    const walker = new PageWalker('https://cpo.example/locations', { requestedLimit: 5, maxPages: 100 });
    walker.afterPage('https://cpo.example/l', page(0, 5), { ...link(5), 'x-total-count': '10' });
    expect(walker.afterPage('https://cpo.example/locations?offset=5', page(5, 5), { ...link(10), 'x-total-count': '11' })).toEqual({
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
      expect(after(target)).toEqual({ next: new URL(target).toString() });
    });
    it.each([
      ['http instead of https', 'http://cpo.example/ocpi/cpo/2.2.1/locations?offset=5'],
      ['another port', 'https://cpo.example:8443/ocpi/cpo/2.2.1/locations?offset=5'],
      ['a sub-domain', 'https://api.cpo.example/ocpi/cpo/2.2.1/locations?offset=5'],
      ['another host whose name starts with the same text', 'https://cpo.example.attacker.test/ocpi?offset=5'],
      ['credentials in the authority', 'https://cpo.example@attacker.test/ocpi?offset=5'],
    ])('another origin, refused naming the URL: %s', (_what, target) => {
      expect(after(target)).toEqual({
        error: expect.stringContaining(`points to ${new URL(target).toString()}, another origin than the endpoint the CPO gave us (https://cpo.example)`),
      });
    });
  });
});
