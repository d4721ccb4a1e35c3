import { healthOf } from './cpo-call-gate';
import { OcpiCallDetails, OcpiCallError, OcpiFailureKind } from './ocpi-call.error';

const failure = (kind: OcpiFailureKind, details: Partial<OcpiCallDetails> = {}) => new OcpiCallError(kind, 'x', { method: 'GET', url: 'http://cpo/x', ...details });

describe('which failed calls mean a CPO is unwell (they count towards opening its circuit)', () => {
  it('timeouts, refused or reset connections, HTTP 5xx and 429, OCPI 3000 (status_codes 2.2.1 §3xxx) do', () => {
    const unwell = [
      failure('TRANSPORT', { transportCause: 'TIMEOUT' }),
      failure('TRANSPORT', { transportCause: 'REFUSED' }),
      failure('TRANSPORT', { transportCause: 'RESET' }),
      failure('HTTP_STATUS', { httpStatus: 500 }),
      failure('HTTP_STATUS', { httpStatus: 503 }),
      failure('HTTP_STATUS', { httpStatus: 429 }),
      failure('OCPI_STATUS', { httpStatus: 200, ocpiStatus: 3000 }),
    ];
    expect(unwell.map(healthOf)).toEqual(unwell.map(() => 'UNWELL'));
  });

  it('answers that are about the exchange do not (OCPI 2xxx, 3001–3003, HTTP 4xx, unreadable or oversized answers, bad pages); our own cancel says nothing', () => {
    const answered = [
      failure('HTTP_STATUS', { httpStatus: 401 }),
      failure('HTTP_STATUS', { httpStatus: 404 }),
      failure('OCPI_STATUS', { httpStatus: 200, ocpiStatus: 2001 }),
      failure('OCPI_STATUS', { httpStatus: 200, ocpiStatus: 3002 }),
      failure('UNPARSEABLE'),
      failure('SCHEMA_VIOLATION'),
      failure('PAGINATION'),
      failure('RESPONSE_TOO_LARGE'),
    ];
    expect(answered.map(healthOf)).toEqual(answered.map(() => 'ANSWERED'));
    expect(healthOf(failure('TRANSPORT', { transportCause: 'CANCELLED' }))).toBe('OURS');
    expect(healthOf(failure('CIRCUIT_OPEN'))).toBe('OURS');
  });
});
