import fc from 'fast-check';
import { BadRequestException } from '@nestjs/common';
import { Box, boxCentre, boxesFor, EARTH_RADIUS_M } from './search-sql';
import { decodeCursor, encodeCursor } from './search-query';

function haversine(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const r = Math.PI / 180;
  const h = Math.sin(((b.latitude - a.latitude) * r) / 2) ** 2 + Math.cos(a.latitude * r) * Math.cos(b.latitude * r) * Math.sin(((b.longitude - a.longitude) * r) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const inside = (boxes: Box[], p: { latitude: number; longitude: number }) =>
  boxes.some((b) => b.west <= p.longitude && p.longitude <= b.east && b.south <= p.latitude && p.latitude <= b.north);

describe('search geometry: the index boxes cover the search area (the prefilter must never drop a result)', () => {
  it('every point within radius_m of the centre lies in one of the boxes, near the poles and across the antimeridian too', () => {
    const centre = fc.record({ latitude: fc.double({ min: -89.9, max: 89.9, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) });
    fc.assert(
      fc.property(
        centre,
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        (c, radius, f, bearing) => {
          // The point at distance f × radius along `bearing` (spherical destination formula).
          const d = (f * radius) / EARTH_RADIUS_M;
          const lat1 = (c.latitude * Math.PI) / 180;
          const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(bearing));
          const lon2 = (c.longitude * Math.PI) / 180 + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
          let longitude = (lon2 * 180) / Math.PI;
          longitude = ((((longitude + 180) % 360) + 360) % 360) - 180;
          const p = { latitude: (lat2 * 180) / Math.PI, longitude };
          fc.pre(haversine(c, p) <= radius);
          expect(inside(boxesFor({ kind: 'radius', centre: c, radiusM: radius }), p)).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('a box whose west is east of its east crosses the antimeridian: two boxes, centre on the other side', () => {
    const area = { kind: 'bbox' as const, west: 170, south: -20, east: -170, north: -10 };
    expect(boxesFor(area)).toEqual([
      { west: 170, south: -20, east: 180, north: -10 },
      { west: -180, south: -20, east: -170, north: -10 },
    ]);
    expect(boxCentre(area)).toEqual({ latitude: -15, longitude: 180 });
  });
});

describe('search cursor: opaque, and only valid for the search that made it', () => {
  const id = '4c1f1c5e-9d6b-4d2a-8d0e-3f1a2b3c4d5e';

  it('round-trips the exact distance and id', () => {
    const cursor = encodeCursor({ distanceM: 1234.5678901234567, id }, 'fp1');
    expect(decodeCursor(cursor, 'fp1')).toEqual({ distanceM: 1234.5678901234567, id });
  });

  it('answers 400 for a cursor of another search or one that was tampered with', () => {
    const cursor = encodeCursor({ distanceM: 10, id }, 'fp1');
    expect(() => decodeCursor(cursor, 'fp2')).toThrow(BadRequestException);
    expect(() => decodeCursor('not-a-cursor', 'fp1')).toThrow(/not a cursor/);
    expect(() => decodeCursor(Buffer.from('[1,"x","fp1"]').toString('base64url'), 'fp1')).toThrow(/not a cursor/);
  });
});
