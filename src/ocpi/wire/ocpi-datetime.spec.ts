import { readOcpiDateTime, toUtcIso } from './ocpi-datetime';

describe('readOcpiDateTime (types 2.1.1 §1.2 DateTime, 2.2.1 §DateTime): every shape CPOs send, to UTC to the millisecond', () => {
  it.each([
    ['2015-06-29T20:39:09Z', '2015-06-29T20:39:09.000Z'],
    ['2015-06-29T20:39:09', '2015-06-29T20:39:09.000Z'], // no designator: UTC
    ['2016-12-29T17:45:09.2Z', '2016-12-29T17:45:09.200Z'],
    ['2018-01-01T01:08:01.123', '2018-01-01T01:08:01.123Z'],
    ['2018-01-01T01:08:01.123456Z', '2018-01-01T01:08:01.123Z'], // beyond the millisecond: cut
    ['2015-06-29T20:39:09+00:00', '2015-06-29T20:39:09.000Z'],
    ['2015-06-29T22:39:09+02:00', '2015-06-29T20:39:09.000Z'],
    ['2015-06-29T22:39:09+0200', '2015-06-29T20:39:09.000Z'],
    ['2015-06-29T22:39:09+02', '2015-06-29T20:39:09.000Z'],
    ['2015-06-29T15:09:09-05:30', '2015-06-29T20:39:09.000Z'],
    ['2015-06-30T00:39:09.5+04:00', '2015-06-29T20:39:09.500Z'],
  ])('%s is %s', (sent, utc) => {
    expect(readOcpiDateTime(sent)).toBe(utc);
  });

  it.each(['2015-06-29', '2015-06-29 20:39:09Z', '2015-13-29T20:39:09Z', '2015-02-30T20:39:09Z', '2015-06-29T24:00:00Z', '2015-06-29T20:39:09+25:00', 'yesterday', '', 1435610349])(
    'refuses %p: no date and time of day',
    (sent) => {
      expect(readOcpiDateTime(sent)).toBeNull();
    },
  );
});

describe('toUtcIso: the instant as ISO-8601 UTC with milliseconds', () => {
  // Its short path for "…:SSZ" must print what Date prints, at every edge of it (days 28-31, hours 23-24, the 59s).
  const values = ['2015-06-29T20:39:09Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2016-02-29T12:00:00Z', '2015-02-30T00:00:00Z'];
  for (const month of ['01', '02', '04', '12'])
    for (const day of ['01', '09', '10', '19', '20', '28', '29', '30', '31'])
      for (const time of ['00:00:00', '09:59:59', '19:00:00', '23:59:59', '24:00:00']) values.push(`2023-${month}-${day}T${time}Z`);

  it.each(values)('%s as Date reads it', (value) => {
    expect(toUtcIso(value)).toBe(new Date(value).toISOString());
  });

  it('throws on what Date cannot read, as before', () => {
    expect(() => toUtcIso('2015-13-01T00:00:00Z')).toThrow(RangeError);
    expect(() => toUtcIso('2015-01-01T23:60:00Z')).toThrow(RangeError);
  });
});
