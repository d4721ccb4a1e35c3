import { nextLink, parseLinkHeader } from './link-header';

describe('transport_and_format 2.2.1 §Pagination: the next page from an RFC 8288 Link header', () => {
  const base = 'https://cpo.example.com/ocpi/cpo/2.2.1/locations?offset=0&limit=50';

  it('reads the spec example', () => {
    expect(nextLink('<https://www.server.com/ocpi/cpo/2.2.1/cdrs/?offset=150&limit=50>; rel="next"', base)).toBe('https://www.server.com/ocpi/cpo/2.2.1/cdrs/?offset=150&limit=50');
  });

  it.each([
    [
      'a relative reference, resolved against the page URL',
      '</ocpi/cpo/2.2.1/locations?offset=50&limit=50>; rel="next"',
      'https://cpo.example.com/ocpi/cpo/2.2.1/locations?offset=50&limit=50',
    ],
    ['a path-relative reference', '<locations?offset=50>; rel=next', 'https://cpo.example.com/ocpi/cpo/2.2.1/locations?offset=50'],
    ['a bare rel token, upper case', '<https://x.example/p2>; REL=NEXT', 'https://x.example/p2'],
    ['several relation types in one rel', '<https://x.example/p2>; rel="last next"', 'https://x.example/p2'],
    ['prev before next, comma in a quoted title', '<https://x.example/p0>; rel="prev"; title="a, b; c", <https://x.example/p2>; rel="next"', 'https://x.example/p2'],
    ['two Link headers', ['<https://x.example/p0>; rel="prev"', '<https://x.example/p2>; rel="next"'], 'https://x.example/p2'],
    ['spaces around the parameters', '<https://x.example/p2> ;  rel = "next"', 'https://x.example/p2'],
  ])('%s', (_what, header, expected) => {
    expect(nextLink(header, base)).toBe(expected);
  });

  it.each([
    ['no header', undefined],
    ['no next relation', '<https://x.example/p0>; rel="prev"'],
    ['garbage', 'next page please'],
    ['an unterminated target', '<https://x.example/p2; rel="next"'],
  ])('returns null for %s', (_what, header) => {
    expect(nextLink(header, base)).toBeNull();
  });

  it('keeps the first rel of a link and every other parameter', () => {
    expect(parseLinkHeader('<a>; rel="next"; rel="prev"; type="application/json"')).toEqual([{ target: 'a', params: { rel: 'next', type: 'application/json' } }]);
  });
});
