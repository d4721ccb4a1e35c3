import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapLocation211 } from './location.mapper';

const example = (): Record<string, any> => JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/ocpi/2.1.1/locations/location_example.json'), 'utf8'));
const owner = { owner: { country_code: 'BE', party_id: 'BEC' } };

describe('mod_locations 2.1.1 §3.1 Location object → canonical Location', () => {
  it('reads the spec example: owner from the connection, type → parking_type, voltage / amperage / tariff_id, publish', () => {
    const result = mapLocation211(example(), owner);
    if (!result.ok) throw new Error(result.reason);
    const l = result.value;
    expect(l).toMatchObject({ country_code: 'BE', party_id: 'BEC', id: 'LOC1', publish: true, parking_type: 'ON_STREET', postal_code: '9000', state: null });
    expect(l.evses[0].connectors[0]).toMatchObject({ max_voltage: 220, max_amperage: 16, max_electric_power: null, tariff_ids: ['11'], capabilities: [] });
    expect(l.evses.map((e) => e.status)).toEqual(['AVAILABLE', 'RESERVED']);
  });

  it('§3.1 time_zone is optional: derived from the coordinates (Gent → Europe/Brussels) and marked as derived', () => {
    const result = mapLocation211(example(), owner);
    expect(result.ok && [result.value.time_zone, result.value.time_zone_source]).toEqual(['Europe/Brussels', 'COORDINATES']);
  });

  it('§3.1 a time_zone the CPO sends is used as sent; an unknown one is a rejection', () => {
    const given = mapLocation211({ ...example(), time_zone: 'Europe/Amsterdam' }, owner);
    expect(given.ok && [given.value.time_zone, given.value.time_zone_source]).toEqual(['Europe/Amsterdam', 'CPO']);
    const wrong = mapLocation211({ ...example(), time_zone: 'Mars/Olympus' }, owner);
    expect(wrong).toMatchObject({ ok: false, reason: expect.stringContaining('time_zone: "Mars/Olympus"') });
  });

  it('§4.16 LocationType: OTHER and UNKNOWN become no parking_type (2.2 dropped them); unknown values are kept', () => {
    for (const [type, parking] of [
      ['OTHER', null],
      ['UNKNOWN', null],
      ['PARKING_GARAGE', 'PARKING_GARAGE'],
      ['ROOFTOP', 'ROOFTOP'],
    ]) {
      const result = mapLocation211({ ...example(), type }, owner);
      expect(result.ok && result.value.parking_type).toBe(parking);
    }
  });

  it('§4.13 Hours: regular_hours without twentyfourseven (one of the two) means not 24/7', () => {
    const opening_times = { regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '18:00' }] };
    const result = mapLocation211({ ...example(), opening_times }, owner);
    expect(result.ok && result.value.opening_times).toMatchObject({ twentyfourseven: false, regular_hours: opening_times.regular_hours });
  });

  it('rejects, with every reason and the identity, a Location lacking required fields; a connection without a party cannot own it', () => {
    const { type, postal_code, ...rest } = example();
    const missing = mapLocation211(rest, owner);
    expect(missing).toMatchObject({ ok: false, identity: { countryCode: 'BE', partyId: 'BEC', id: 'LOC1' } });
    expect(!missing.ok && missing.reason).toMatch(/type: .*postal_code: /s);
    expect(mapLocation211(example(), { owner: null })).toMatchObject({ ok: false, reason: expect.stringContaining('no owner') });
  });

  it('a CPO that sends country_code / party_id anyway (2.2 style) is taken at its word', () => {
    const result = mapLocation211({ ...example(), country_code: 'nl', party_id: 'abc' }, owner);
    expect(result.ok && [result.value.country_code, result.value.party_id]).toEqual(['NL', 'ABC']);
  });

  it('§3.1 ids of up to 39 characters are valid in 2.1.1 (2.2 shortened them to 36)', () => {
    const id = 'L'.repeat(39);
    expect(mapLocation211({ ...example(), id }, owner).ok).toBe(true);
    expect(mapLocation211({ ...example(), id: `${id}X` }, owner).ok).toBe(false);
  });
});
