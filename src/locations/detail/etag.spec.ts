import { ifNoneMatchHits, strongEtag } from './etag';

describe('RFC 9110 §13.1.2 If-None-Match against the detail ETag', () => {
  const etag = strongEtag('{"a":1}');

  it('is a quoted tag that changes with the body', () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(strongEtag('{"a":2}')).not.toBe(etag);
  });

  it('matches the same tag, a weak form of it, one in a list, and *; nothing else', () => {
    expect(ifNoneMatchHits(etag, etag)).toBe(true);
    expect(ifNoneMatchHits(`W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits(`"other", ${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
    expect(ifNoneMatchHits('"other"', etag)).toBe(false);
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
  });
});
