/**
 * The Session mappers of each version into the one canonical Session, through each version adapter's mapSession:
 * mod_sessions 2.1.1 §3.1 Session object, 2.2.1 §Session object, 2.3.0 §Session object, with the spec's own example
 * Sessions; types §DateTime for every shape a CPO sends; §SessionStatus per version.
 */
import { ocpi211Adapter } from '../../src/ocpi/v2_1_1/v2-1-1.adapter';
import { ocpi221Adapter } from '../../src/ocpi/v2_2_1/v2-2-1.adapter';
import { ocpi230Adapter } from '../../src/ocpi/v2_3_0/v2-3-0.adapter';
import { MappingContext, OcpiVersionAdapter } from '../../src/ocpi/adapter/ocpi-version-adapter';
import { MappingResult } from '../../src/ocpi/wire/mapping-result';
import { normaliseWireObject } from '../../src/ocpi/wire/wire-normaliser';
import { CanonicalSession } from '../../src/sessions/session.model';
import { specSessionPatches, specSessions } from './support/spec-sessions';

const NO_OWNER: MappingContext = { owner: null };
const BEC: MappingContext = { owner: { country_code: 'BE', party_id: 'BEC' } };

function mapped(adapter: OcpiVersionAdapter, raw: unknown, context = NO_OWNER): CanonicalSession {
  const result = adapter.mapSession(raw, context);
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result.value;
}

function refused(result: MappingResult<CanonicalSession>): string {
  if (result.ok) throw new Error('accepted, expected a refusal');
  return result.reason;
}

const TOKEN = { country_code: 'NL', party_id: 'TST', uid: '123abc', type: 'RFID', contract_id: 'NL-TST-C12345678-S' };

describe('mod_sessions 2.2.1 §Session object → canonical (ocpi221Adapter.mapSession)', () => {
  const { starting, finished } = specSessions('2.2.1');

  it('§Examples "Simple Session example of just starting a session": every field, total_cost a Price excl_vat only', () => {
    expect(mapped(ocpi221Adapter, starting)).toEqual({
      country_code: 'NL',
      party_id: 'STK',
      id: '101',
      start_date_time: '2020-03-09T10:17:09.000Z',
      end_date_time: null,
      kwh: '0',
      cdr_token: TOKEN,
      auth_id: '123abc',
      auth_method: 'WHITELIST',
      authorization_reference: null,
      location_id: 'LOC1',
      evse_uid: '3256',
      connector_id: '1',
      location: null,
      meter_id: null,
      currency: 'EUR',
      charging_periods: [],
      total_cost: { before_taxes: '2.5', after_taxes: null, taxes: null },
      status: 'PENDING',
      status_as_sent: 'PENDING',
      last_updated: '2020-03-09T10:17:09.000Z',
    });
  });

  it('§Examples "Simple Session example of a short finished session": end, kWh, three ChargingPeriods (the last names tariff 12), excl_vat / incl_vat', () => {
    const s = mapped(ocpi221Adapter, finished);
    expect(s).toMatchObject({
      country_code: 'BE',
      party_id: 'BEC',
      start_date_time: '2015-06-29T22:39:09.000Z',
      end_date_time: '2015-06-29T23:50:16.000Z',
      kwh: '41.12',
      status: 'COMPLETED',
      total_cost: { before_taxes: '8.5', after_taxes: '9.35', taxes: null },
      last_updated: '2015-06-29T23:50:17.000Z',
    });
    expect(s.charging_periods).toEqual([
      {
        start_date_time: '2015-06-29T22:39:09.000Z',
        dimensions: [
          { type: 'ENERGY', volume: '120' },
          { type: 'MAX_CURRENT', volume: '30' },
        ],
        tariff_id: null,
      },
      {
        start_date_time: '2015-06-29T22:40:54.000Z',
        dimensions: [
          { type: 'ENERGY', volume: '41000' },
          { type: 'MIN_CURRENT', volume: '34' },
        ],
        tariff_id: null,
      },
      { start_date_time: '2015-06-29T23:07:09.000Z', dimensions: [{ type: 'PARKING_TIME', volume: '0.718' }], tariff_id: '12' },
    ]);
  });

  it('§SessionStatus: RESERVATION is a 2.2.1 status; a value no version defines is UNKNOWN, kept as sent and said', () => {
    expect(mapped(ocpi221Adapter, { ...starting, status: 'RESERVATION', evse_uid: '#NA', connector_id: '#NA' })).toMatchObject({ status: 'RESERVATION', evse_uid: '#NA' });
    const s = mapped(ocpi221Adapter, { ...starting, status: 'CHARGING' });
    expect(s).toMatchObject({ status: 'UNKNOWN', status_as_sent: 'CHARGING' });
    expect(s.notes).toEqual(['status "CHARGING" is no SessionStatus of any version: read as UNKNOWN (neither running nor finished)']);
  });

  it("§Session object: required fields missing are refused, each named (the raw object is the intake's to keep)", () => {
    const { cdr_token: _t, location_id: _l, ...rest } = starting;
    expect(refused(ocpi221Adapter.mapSession(rest, NO_OWNER))).toBe('cdr_token: is required; location_id: is required');
  });

  it('§PATCH Method examples are not whole Sessions: mapSession refuses them, naming what a Session needs', () => {
    const { totalCost } = specSessionPatches('2.2.1');
    expect(refused(ocpi221Adapter.mapSession(totalCost, NO_OWNER))).toMatch(/^country_code: is required; party_id: is required; id: is required; start_date_time: is required/);
  });
});

describe('types 2.2.1 §DateTime: every shape a CPO sends is stored as UTC to the millisecond; an unreadable one is refused naming its field', () => {
  const { finished } = specSessions('2.2.1');

  it.each([
    ['no designator', '2015-06-29T22:39:09', '2015-06-29T22:39:09.000Z'],
    ['fractional seconds', '2015-06-29T22:39:09.25Z', '2015-06-29T22:39:09.250Z'],
    ['+00:00 (not UTC by the spec, the same instant)', '2015-06-29T22:39:09+00:00', '2015-06-29T22:39:09.000Z'],
    ['another offset', '2015-06-30T00:39:09+02:00', '2015-06-29T22:39:09.000Z'],
    ['an offset without colon', '2015-06-29T17:39:09-0500', '2015-06-29T22:39:09.000Z'],
  ])('%s: start_date_time %s → %s, by the mapper alone and after the tolerant-reading pass', (_, sent, utc) => {
    const raw = { ...finished, start_date_time: sent };
    expect(mapped(ocpi221Adapter, raw).start_date_time).toBe(utc);
    expect(mapped(ocpi221Adapter, normaliseWireObject('sessions', raw).value).start_date_time).toBe(utc);
  });

  it.each([
    ['start_date_time', { start_date_time: '2015-06-29' }],
    ['end_date_time', { end_date_time: 'yesterday' }],
    ['last_updated', { last_updated: '2015-06-31T10:00:00Z' }],
    ['charging_periods[1].start_date_time', { charging_periods: [finished.charging_periods[0], { ...finished.charging_periods[1], start_date_time: '29/06/2015 22:40' }] }],
  ])('%s unreadable: refused naming it', (field, change) => {
    expect(refused(ocpi221Adapter.mapSession({ ...finished, ...change }, NO_OWNER))).toBe(`${field}: must be an OCPI DateTime (types §DateTime, e.g. 2015-06-29T20:39:09Z)`);
  });
});

describe('mod_sessions 2.3.0 §Session object → canonical (ocpi230Adapter.mapSession): total_cost as the 2.3.0 Price (before_taxes + taxes)', () => {
  const { starting, finished } = specSessions('2.3.0');

  it('§Examples, just starting: before_taxes 2.5 and no taxes listed: after taxes the same', () => {
    expect(mapped(ocpi230Adapter, starting)).toMatchObject({ id: '101', status: 'PENDING', total_cost: { before_taxes: '2.5', after_taxes: '2.5', taxes: [] } });
  });

  it('§Examples, short finished: before_taxes 8.50 plus VAT 0.85 is 9.35 after taxes, the tax kept', () => {
    expect(mapped(ocpi230Adapter, finished).total_cost).toEqual({
      before_taxes: '8.5',
      after_taxes: '9.35',
      taxes: [{ name: 'VAT', account_number: null, percentage: null, amount: '0.85' }],
    });
  });

  it('a total_cost in the 2.2.1 names is read and said; one without before_taxes is refused naming it', () => {
    const s = mapped(ocpi230Adapter, { ...finished, total_cost: { excl_vat: 8.5, incl_vat: 9.35 } });
    expect(s.total_cost).toEqual({ before_taxes: '8.5', after_taxes: '9.35', taxes: null });
    expect(s.notes).toEqual(['total_cost used the 2.2.1 names excl_vat / incl_vat; read as before_taxes / after_taxes']);
    expect(refused(ocpi230Adapter.mapSession({ ...finished, total_cost: { taxes: [] } }, NO_OWNER))).toBe('total_cost.before_taxes: is required');
  });
});

describe('mod_sessions 2.1.1 §3.1 Session object → canonical (ocpi211Adapter.mapSession)', () => {
  const { starting, finished } = specSessions('2.1.1');

  it("§3.1 Examples, just starting: the owner is the connection's party, auth_id, the embedded Location's ids, total_cost a number excl. VAT", () => {
    expect(mapped(ocpi211Adapter, starting, BEC)).toEqual({
      country_code: 'BE',
      party_id: 'BEC',
      id: '101',
      start_date_time: '2015-06-29T22:39:09.000Z',
      end_date_time: null,
      kwh: '0',
      cdr_token: null,
      auth_id: 'DE8ACC12E46L89',
      auth_method: 'WHITELIST',
      authorization_reference: null,
      location_id: 'LOC1',
      evse_uid: '3256',
      connector_id: '1',
      location: { tariff_ids: ['11'], time_zone: null, coordinates: { latitude: '3.729944', longitude: '51.047599' } },
      meter_id: null,
      currency: 'EUR',
      charging_periods: [],
      total_cost: { before_taxes: '2.5', after_taxes: null, taxes: null },
      status: 'PENDING',
      status_as_sent: 'PENDING',
      last_updated: '2015-06-29T22:39:09.000Z',
    });
  });

  it('§3.1 Examples, short finished: start_datetime / end_datetime, kWh, ChargingPeriods without tariff_id, COMPLETED', () => {
    const s = mapped(ocpi211Adapter, finished, BEC);
    expect(s).toMatchObject({ end_date_time: '2015-06-29T23:50:16.000Z', kwh: '41', total_cost: { before_taxes: '8.5', after_taxes: null }, status: 'COMPLETED' });
    expect(s.charging_periods.map((p) => [p.start_date_time, p.tariff_id, p.dimensions.length])).toEqual([
      ['2015-06-29T22:39:09.000Z', null, 2],
      ['2015-06-29T22:40:54.000Z', null, 2],
      ['2015-06-29T23:07:09.000Z', null, 1],
    ]);
  });

  it('§4.1 SessionStatus has no RESERVATION in 2.1.1: read as 2.2.1 defines it, and said', () => {
    const s = mapped(ocpi211Adapter, { ...starting, status: 'RESERVATION' }, BEC);
    expect(s.status).toBe('RESERVATION');
    expect(s.notes).toEqual(['status RESERVATION is not a 2.1.1 SessionStatus; read as the later versions define it']);
  });

  it('no owner from the connection and none in the object: refused; auth_id and the Location are required', () => {
    expect(refused(ocpi211Adapter.mapSession(starting, NO_OWNER))).toBe('a 2.1.1 Session carries no country_code / party_id and no owner was given');
    const { auth_id: _a, location: _l, ...rest } = starting;
    expect(refused(ocpi211Adapter.mapSession(rest, BEC))).toBe('auth_id: is required; location: is required');
    expect(refused(ocpi211Adapter.mapSession({ ...starting, start_datetime: '2015-06-29T22:39' }, BEC))).toBe(
      'start_datetime: must be an OCPI DateTime (types §DateTime, e.g. 2015-06-29T20:39:09Z)',
    );
  });
});
