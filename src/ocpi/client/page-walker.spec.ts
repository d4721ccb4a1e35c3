import { PageWalker } from './page-walker';

const page = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ country_code: 'NL', party_id: 'ABC', id: `L${from + i}`, last_updated: '2024-01-01T00:00:00Z' }));
const link = (offset: number) => ({ link: `<https://cpo.example/locations?offset=${offset}>; rel="next"`, 'x-total-count': '10' });

describe('transport_and_format 2.2.1 §Paginated Response: PageWalker', () => {
  it('stops a CPO whose fresh, non-empty pages keep linking on after X-Total-Count objects', () => {
    const walker = new PageWalker({ requestedLimit: 5, maxPages: 100 });
    const steps = [0, 5, 10].map((offset) => walker.afterPage(`https://cpo.example/locations?offset=${offset}`, page(offset, 5), link(offset + 5)));
    expect(steps.slice(0, 2)).toEqual([{ next: 'https://cpo.example/locations?offset=5' }, { next: 'https://cpo.example/locations?offset=10' }]);
    // One page of slack beyond the announced total (objects created meanwhile), then it stops.
    expect(steps[2]).toEqual({ error: expect.stringContaining('after the 10 objects its X-Total-Count announced (15 received)') });
  });

  it('ends when X-Total-Count is reached without a Link', () => {
    const walker = new PageWalker({ requestedLimit: 5, maxPages: 100 });
    expect(walker.afterPage('https://cpo.example/l', page(0, 5), { 'x-total-count': '10' })).toEqual({ next: 'https://cpo.example/l?offset=5&limit=5' });
    expect(walker.afterPage('https://cpo.example/l?offset=5&limit=5', page(5, 5), { 'x-total-count': '10' })).toEqual({ next: null });
  });

  it('does not treat a growing X-Total-Count as an error (objects created while paging, §Paginated Response)', () => {
    const walker = new PageWalker({ requestedLimit: 5, maxPages: 100 });
    walker.afterPage('https://cpo.example/l', page(0, 5), { ...link(5), 'x-total-count': '10' });
    expect(walker.afterPage('https://cpo.example/locations?offset=5', page(5, 5), { ...link(10), 'x-total-count': '11' })).toEqual({
      next: 'https://cpo.example/locations?offset=10',
    });
  });
});
