import fc from 'fast-check';
import { normaliseWireObject } from './wire-normaliser';

const connector = (extra: Record<string, unknown> = {}) => ({
  id: '1',
  standard: 'IEC_62196_T2',
  format: 'SOCKET',
  power_type: 'AC_3_PHASE',
  max_voltage: 230,
  max_amperage: 16,
  last_updated: '2015-06-29T20:39:09Z',
  ...extra,
});
const location = (extra: Record<string, unknown> = {}, evse: Record<string, unknown> = {}, conn: Record<string, unknown> = {}) => ({
  country_code: 'NL',
  party_id: 'ABC',
  id: 'LOC1',
  publish: true,
  address: 'Street 1',
  city: 'Town',
  country: 'NLD',
  coordinates: { latitude: '52.1', longitude: '4.1' },
  time_zone: 'Europe/Amsterdam',
  last_updated: '2015-06-29T20:39:09Z',
  evses: [{ uid: 'E1', status: 'AVAILABLE', capabilities: ['RFID_READER'], connectors: [connector(conn)], last_updated: '2015-06-29T20:39:09Z', ...evse }],
  ...extra,
});

describe('tolerant reading (types 2.2.1 §DateTime, §number; transport_and_format: be tolerant in what you accept)', () => {
  it('leaves a spec-perfect Location untouched and reports nothing', () => {
    const raw = location();
    expect(normaliseWireObject('locations', raw)).toEqual({ value: raw, deviations: [] });
  });

  it('a field named "__proto__" (JSON.parse makes it an own property) stays one in a changed copy, before or after the change', () => {
    for (const text of [
      '{"__proto__": {"a": 1}, "last_updated": "2015-06-29T20:39:09", "city": "Town"}',
      '{"last_updated": "2015-06-29T20:39:09", "__proto__": {"a": 1}, "city": "Town"}',
    ]) {
      const raw = JSON.parse(text);
      const { value } = normaliseWireObject('locations', raw);
      expect(value).not.toBe(raw);
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(JSON.parse(JSON.stringify(value))).toEqual(JSON.parse(text.replace('20:39:09"', '20:39:09Z"')));
      expect(Object.keys(value as object)).toEqual(Object.keys(raw));
    }
  });

  it('types 2.2.1 §DateTime: no zone designator means UTC; normalised to Z and counted', () => {
    const { value, deviations } = normaliseWireObject('locations', location({ last_updated: '2015-06-29T20:39:09' }));
    expect((value as any).last_updated).toBe('2015-06-29T20:39:09Z');
    expect(deviations).toEqual([{ kind: 'DATETIME_WITHOUT_TIMEZONE', field: 'last_updated' }]);
  });

  it('types 2.2.1 §DateTime: fractional seconds (allowed since 2.2, not in 2.1.1) and offsets ("+00:00 is not UTC") become UTC Z', () => {
    const { value, deviations } = normaliseWireObject('locations', location({ last_updated: '2016-12-29T17:45:09.2+01:00' }));
    expect((value as any).last_updated).toBe('2016-12-29T16:45:09.200Z');
    expect(deviations.map((d) => d.kind).sort()).toEqual(['DATETIME_FRACTIONAL_SECONDS', 'DATETIME_WITH_OFFSET']);
  });

  it('leaves a value that is no DateTime at all for the version DTO to reject', () => {
    const { value, deviations } = normaliseWireObject('locations', location({ last_updated: 'yesterday' }));
    expect((value as any).last_updated).toBe('yesterday');
    expect(deviations).toEqual([]);
  });

  it('mod_locations 2.2.1 §8.3.3 Connector: max_voltage "230" is read as the int 230 and counted with its field path', () => {
    const { value, deviations } = normaliseWireObject('locations', location({}, {}, { max_voltage: '230', max_electric_power: '11000' }));
    const c = (value as any).evses[0].connectors[0];
    expect([c.max_voltage, c.max_electric_power]).toEqual([230, 11000]);
    expect(deviations).toEqual([
      { kind: 'NUMBER_AS_STRING', field: 'evses.connectors.max_voltage', example: '230' },
      { kind: 'NUMBER_AS_STRING', field: 'evses.connectors.max_electric_power', example: '11000' },
    ]);
  });

  it('mod_tariffs 2.2.1 §4.4.4 PriceComponent: price "0.25" is read as the number, a non-number string is left for the DTO', () => {
    const tariff = { elements: [{ price_components: [{ type: 'ENERGY', price: '0.25', step_size: 'one' }] }] };
    const { value, deviations } = normaliseWireObject('tariffs', tariff);
    expect((value as any).elements[0].price_components[0]).toEqual({ type: 'ENERGY', price: 0.25, step_size: 'one' });
    expect(deviations).toEqual([{ kind: 'NUMBER_AS_STRING', field: 'elements.price_components.price', example: '0.25' }]);
  });

  it('"" for an optional field is read as absent; "" for a required field is left for the DTO to reject', () => {
    const { value, deviations } = normaliseWireObject('locations', location({ postal_code: '', address: '' }, { floor_level: '' }));
    expect(value).not.toHaveProperty('postal_code');
    expect((value as any).evses[0]).not.toHaveProperty('floor_level');
    expect((value as any).address).toBe('');
    expect(deviations.map((d) => d.field).sort()).toEqual(['evses.floor_level', 'postal_code']);
  });

  it('mod_locations 2.2.1 §8.4.1 Capability, §8.4.4 ConnectorType: unknown values are kept as sent and counted with the value', () => {
    const { value, deviations } = normaliseWireObject(
      'locations',
      location({}, { capabilities: ['RFID_READER', 'PLUG_AND_CHARGE_CAPABLE'] }, { standard: 'IEC_62196_T2_COMBO_NEW' }),
    );
    expect((value as any).evses[0].capabilities).toEqual(['RFID_READER', 'PLUG_AND_CHARGE_CAPABLE']);
    expect(deviations).toEqual([
      { kind: 'UNKNOWN_ENUM_VALUE', field: 'evses.capabilities', example: 'PLUG_AND_CHARGE_CAPABLE' },
      { kind: 'UNKNOWN_ENUM_VALUE', field: 'evses.connectors.standard', example: 'IEC_62196_T2_COMBO_NEW' },
    ]);
  });

  it('an enum value of a newer version than the CPO speaks is known (union of 2.1.1, 2.2.1, 2.3.0), not counted', () => {
    expect(normaliseWireObject('locations', location({}, {}, { standard: 'SAE_J3400' })).deviations).toEqual([]);
  });

  it('never changes the raw object and never throws, whatever JSON it gets', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const copy = structuredClone(raw);
        normaliseWireObject('locations', raw);
        normaliseWireObject('tariffs', raw);
        expect(raw).toEqual(copy);
      }),
    );
  });
});

describe('tolerant reading of Sessions (mod_sessions 2.1.1 §3.1, 2.2.1 §Session object)', () => {
  const session = (extra: Record<string, unknown> = {}) => ({
    country_code: 'NL',
    party_id: 'STK',
    id: '101',
    start_date_time: '2020-03-09T10:17:09Z',
    kwh: 0,
    cdr_token: { country_code: 'NL', party_id: 'TST', uid: '123abc', type: 'RFID', contract_id: 'NL-TST-C12345678-S' },
    auth_method: 'WHITELIST',
    location_id: 'LOC1',
    evse_uid: '3256',
    connector_id: '1',
    currency: 'EUR',
    total_cost: { excl_vat: 2.5 },
    status: 'PENDING',
    last_updated: '2020-03-09T10:17:09Z',
    ...extra,
  });

  it('leaves a spec-perfect Session untouched', () => {
    expect(normaliseWireObject('sessions', session())).toEqual({ value: session(), deviations: [] });
  });

  it('types §DateTime: a 2.1.1 start_datetime with an offset, a start_date_time without Z, charging period instants with fractions: UTC, each counted', () => {
    const raw = session({
      start_datetime: '2015-06-29T22:39:09+02:00',
      start_date_time: '2015-06-29T20:39:09',
      charging_periods: [{ start_date_time: '2015-06-29T20:40:54.250Z', dimensions: [{ type: 'ENERGY', volume: '4.1' }] }],
    });
    const { value, deviations } = normaliseWireObject('sessions', raw);
    expect(value).toMatchObject({
      start_datetime: '2015-06-29T20:39:09Z',
      start_date_time: '2015-06-29T20:39:09Z',
      charging_periods: [{ start_date_time: '2015-06-29T20:40:54.250Z', dimensions: [{ type: 'ENERGY', volume: 4.1 }] }],
    });
    expect(deviations).toEqual([
      { kind: 'DATETIME_WITHOUT_TIMEZONE', field: 'start_date_time' },
      { kind: 'DATETIME_WITH_OFFSET', field: 'start_datetime', example: '2015-06-29T22:39:09+02:00' },
      { kind: 'DATETIME_FRACTIONAL_SECONDS', field: 'charging_periods.start_date_time' },
      { kind: 'NUMBER_AS_STRING', field: 'charging_periods.dimensions.volume', example: '4.1' },
    ]);
  });

  it('mod_sessions §SessionStatus: a status no version defines is kept and counted; RESERVATION (2.2.1+) is known', () => {
    expect(normaliseWireObject('sessions', session({ status: 'RESERVATION' })).deviations).toEqual([]);
    expect(normaliseWireObject('sessions', session({ status: 'CHARGING' })).deviations).toEqual([{ kind: 'UNKNOWN_ENUM_VALUE', field: 'status', example: 'CHARGING' }]);
  });

  it('kwh and a 2.1.1 total_cost sent as strings are read as numbers and counted', () => {
    const { value, deviations } = normaliseWireObject('sessions', session({ kwh: '12.5', total_cost: '2.50' }));
    expect(value).toMatchObject({ kwh: 12.5, total_cost: 2.5 });
    expect(deviations.map((d) => d.field)).toEqual(['kwh', 'total_cost']);
  });
});
