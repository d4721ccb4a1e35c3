import fc from 'fast-check';
import { ValidationPipe } from '@nestjs/common';
import { VALIDATION_OPTIONS } from '../../common/validation/fast-path-validation.pipe';
import { LocationSearchQueryDto } from './location-search-query.dto';
import { NearbyQueryDto } from './nearby-query.dto';
import { PriceEstimateQueryDto } from './price-estimate-query.dto';

/**
 * The search queries' fast path (query-fast-path.ts) must build exactly what the ValidationPipe builds, and only for
 * queries the ValidationPipe accepts (filters of mod_locations 2.2.1 §8.4.5 ConnectorType, §8.4.19 PowerType, §8.4.3
 * Capability, §8.4.18 ParkingType): whatever it declines, the ValidationPipe reads (and words the 400) as before.
 */
const pipe = new ValidationPipe(VALIDATION_OPTIONS);

const values: Record<string, string[]> = {
  latitude: ['52.37', '-33.9', '90', '90.5', '-90', '1e2', ' 52', '', 'abc', '52.', '0x10', '52.3700000001'],
  longitude: ['4.9', '-180', '180', '181', '-4.123456789012345', '4,9', '+4'],
  radius_m: ['2000', '1', '0', '100000', '100001', '2000.5', '02000', '-5', '2e3'],
  bbox: ['4.85,52.35,4.95,52.40', ' 4.85, 52.35 ,4.95,52.40 ', '4.85,52.35,4.95', 'a,b,c,d'],
  connector_standard: ['IEC_62196_T2', 'IEC_62196_T2,CHADEMO', 'IEC_60309_2_single_16', 'iec_62196_t2', 'CHADEMO, MCS', 'CHADEMO,', 'FOO'],
  power_type: ['DC', 'AC_3_PHASE,DC', 'dc', ''],
  min_power_kw: ['50', '0', '10000', '10001', '22.5', '-1', 'x'],
  party: ['NL*ABC', 'nl*abc,DE*X1Y', 'NL-ABC', 'NL*AB', 'NL*ABC,'],
  capabilities: ['RESERVABLE', 'RFID_READER,CREDIT_CARD_PAYABLE', 'RESERVABLE,NOPE'],
  parking_type: ['ON_STREET', 'PARKING_LOT,ON_STREET', 'STREET'],
  open_24_7: ['true', 'false', '1', '0', 'yes', 'TRUE'],
  available_now: ['true', 'false', '1', '0', 'no'],
  limit: ['20', '1', '100', '0', '101', '5.5', ''],
  evses: ['true', 'false', 'maybe'],
  cursor: ['WzEyMy40NTYsImFiYyIsImZwIl0', 'x'.repeat(500), 'x'.repeat(501)],
  lang: ['en', 'nl-BE', 'de-CH', 'e', 'english', 'en_GB'],
  unknown_parameter: ['1'],
};

/** GET /api/v1/connectors/{id}/price-estimate (PriceEstimateQueryDto), first two valid. */
const priceValues: Record<string, string[]> = {
  energy_kwh: ['20', '7.5', '0', '9999.9999', '10000', '1.23456', '-1', '1e3', ' 20', '20.', ''],
  duration_minutes: ['45', '120.5', '0', '99999.99', '100000', '1.234', 'x', '45,5'],
  power_kw: ['11', '7.4', '0', '9999.999', '1.2345', 'fast', ''],
  start: ['2024-06-03T09:30:00+02:00', '2024-06-03T07:30:00Z', 'tomorrow', '2024-02-30T10:00:00Z'],
  unknown_parameter: ['1'],
};

/** A value of parameter k in `from`: often one of its first two (valid) values, else any; sometimes repeated (a list). */
const valueOf = (k: string, from: Record<string, string[]>) => {
  const one = fc.oneof(fc.constantFrom(...from[k].slice(0, 2)), fc.constantFrom(...from[k]));
  return fc.oneof({ arbitrary: one, weight: 4 }, { arbitrary: one.map((v) => [v, v]), weight: 1 });
};

/** Queries with the `always` parameters and any others of `from`. */
const query = (always: string[], from: Record<string, string[]> = values) =>
  fc
    .subarray(Object.keys(from).filter((k) => !always.includes(k)))
    .chain((keys) => fc.tuple(...[...always, ...keys].map((k) => valueOf(k, from).map((v) => [k, v] as const))))
    .map((entries) => Object.fromEntries(entries));

async function viaPipe(dto: typeof LocationSearchQueryDto | typeof NearbyQueryDto | typeof PriceEstimateQueryDto, q: object): Promise<unknown> {
  try {
    return await pipe.transform(q, { type: 'query', metatype: dto, data: undefined });
  } catch {
    return 'rejected';
  }
}

describe('search query fast path = ValidationPipe (for the queries it accepts)', () => {
  it.each([
    ['GET /api/v1/locations', LocationSearchQueryDto, []],
    ['GET /api/v1/locations (a radius)', LocationSearchQueryDto, ['latitude', 'longitude', 'radius_m']],
    ['GET /api/v1/chargers/nearby', NearbyQueryDto, ['latitude', 'longitude', 'radius_m']],
  ] as const)('%s: every query the fast path reads, the ValidationPipe reads the same; it declines every query the pipe rejects', async (_, dto, always) => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(query([...always]), async (q) => {
        const fast = dto.fastParse(q);
        if (fast === null) return;
        accepted += 1;
        const expected = await viaPipe(dto, q);
        expect(fast).toBeInstanceOf(dto);
        expect(fast).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50); // the property was exercised
  });

  it('GET /api/v1/connectors/{id}/price-estimate: every query the fast path reads, the ValidationPipe reads the same; it declines every query the pipe rejects', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(query(['energy_kwh', 'duration_minutes'], priceValues), async (q) => {
        const fast = PriceEstimateQueryDto.fastParse(q);
        if (fast === null) return;
        accepted += 1;
        expect(q).not.toHaveProperty('start'); // left to the pipe
        expect(fast).toBeInstanceOf(PriceEstimateQueryDto);
        expect(fast).toEqual(await viaPipe(PriceEstimateQueryDto, q));
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('reads the benchmark and app queries (the hot path) without the ValidationPipe', async () => {
    const q = { latitude: '52.370216', longitude: '4.895168', radius_m: '2000', available_now: 'true' };
    const fast = LocationSearchQueryDto.fastParse(q);
    expect(fast).toEqual(await viaPipe(LocationSearchQueryDto, q));
    expect(fast).toMatchObject({ latitude: 52.370216, longitude: 4.895168, radius_m: 2000, available_now: true, open_24_7: false, limit: 20, lang: 'en' });
    expect(NearbyQueryDto.fastParse({ latitude: '52.37', longitude: '4.89' })).toBeNull(); // radius_m missing: the pipe says so
    const price = { energy_kwh: '20', duration_minutes: '120' };
    expect(PriceEstimateQueryDto.fastParse(price)).toEqual(await viaPipe(PriceEstimateQueryDto, price));
    expect(PriceEstimateQueryDto.fastParse(price)).toBeInstanceOf(PriceEstimateQueryDto);
    expect(PriceEstimateQueryDto.fastParse({ energy_kwh: '20' })).toBeNull(); // duration_minutes missing: the pipe says so
  });
});
