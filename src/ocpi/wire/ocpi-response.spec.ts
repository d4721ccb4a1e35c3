import { ocpiFailure, ocpiStored, ocpiSuccess, ocpiTimestamp } from './ocpi-response';

const WHOLE_SECONDS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('transport_and_format 2.2.1 §Response format: what we send', () => {
  it('types 2.2.1 §DateTime: timestamps in UTC with Z and whole seconds (also valid 2.1.1)', () => {
    expect(ocpiTimestamp(new Date('2025-06-29T20:39:09.987Z'))).toBe('2025-06-29T20:39:09Z');
    expect(ocpiSuccess([]).timestamp).toMatch(WHOLE_SECONDS_UTC);
  });

  it('success: status_code 1000, data as given, data left out when the spec names none', () => {
    expect(ocpiSuccess({ a: 1 }, 'ok')).toEqual({ data: { a: 1 }, status_code: 1000, status_message: 'ok', timestamp: expect.stringMatching(WHOLE_SECONDS_UTC) });
    expect(ocpiSuccess()).not.toHaveProperty('data');
  });

  it('error: status_code, status_message and timestamp, no data', () => {
    expect(ocpiFailure(2001, 'Missing required field: type')).toEqual({
      status_code: 2001,
      status_message: 'Missing required field: type',
      timestamp: expect.stringMatching(WHOLE_SECONDS_UTC),
    });
  });

  it('status_codes 2.1.1 / 2.2.1 / 2.3.0: a pushed object newly created answers HTTP 201, an updated one HTTP 200, both 1000 without data', () => {
    expect(ocpiStored('CREATED')).toEqual({ httpStatus: 201, body: { status_code: 1000, timestamp: expect.stringMatching(WHOLE_SECONDS_UTC) } });
    expect(ocpiStored('UPDATED')).toEqual({ httpStatus: 200, body: { status_code: 1000, timestamp: expect.stringMatching(WHOLE_SECONDS_UTC) } });
  });
});
