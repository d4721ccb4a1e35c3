/**
 * The simulator's Sessions (mod_sessions 2.1.1 §3.1, 2.2.1 / 2.3.0 §Session object) and its Sessions Sender interface
 * (§Sender Interface §GET Method: date_from required), checked against the spec text without the service.
 */
import { generateCdrs, generateLocations, runningSession, sessionsOfCdrs, toOcpi211Location, toOcpi211Tariff } from './index';
import { handleSessions } from './sessions-module';
import type { SimulatorContext } from './simulator-context';

const OWNER = { countryCode: 'NL', partyId: 'SIM' };
const TARIFF = {
  country_code: 'NL',
  party_id: 'SIM',
  id: 'T1',
  currency: 'EUR',
  elements: [
    {
      price_components: [
        { type: 'FLAT', price: 0.5, vat: 20, step_size: 1 },
        { type: 'ENERGY', price: 0.35, vat: 20, step_size: 100 },
      ],
    },
  ],
  last_updated: '2024-01-01T00:00:00Z',
};
const locations = generateLocations({ count: 2, seed: 3, center: { latitude: 52.37, longitude: 4.89 }, radiusKm: 2, ...OWNER, tariffIds: ['T1'] }) as unknown as Array<
  Record<string, unknown>
>;
const START = Date.parse('2024-06-03T10:00:00Z');

describe('runningSession: a charge in progress whose ChargingPeriods grow', () => {
  const at = (minutes: number) => runningSession({ version: '2.2.1', locations, tariffs: [TARIFF], ...OWNER, id: 'R1', start: START, at: START + minutes * 60_000 });

  it('mod_sessions 2.2.1 §SessionStatus: PENDING with no period before its first 15 minutes are complete, no total_cost yet', () => {
    expect(at(14)).toMatchObject({ status: 'PENDING', kwh: 0, last_updated: '2024-06-03T10:00:00Z' });
    expect(at(14)).not.toHaveProperty('total_cost');
  });

  it('§Session object: one ChargingPeriod (3 kWh, TIME 0.25 h, its tariff_id) per full 15 minutes; kwh, last_updated and total_cost follow', () => {
    const s = at(47);
    expect(s).toMatchObject({
      country_code: 'NL',
      party_id: 'SIM',
      status: 'ACTIVE',
      kwh: 9,
      start_date_time: '2024-06-03T10:00:00Z',
      last_updated: '2024-06-03T10:45:00Z',
      // FLAT 0.50 + 9 kWh × 0.35 = 3.65; after VAT 20 %: 4.38.
      total_cost: { excl_vat: 3.65, incl_vat: 4.38 },
    });
    expect((s.charging_periods as unknown[]).length).toBe(3);
    expect((s.charging_periods as any[])[2]).toEqual({
      start_date_time: '2024-06-03T10:30:00Z',
      dimensions: [
        { type: 'ENERGY', volume: 3 },
        { type: 'TIME', volume: 0.25 },
      ],
      tariff_id: 'T1',
    });
    expect((at(61).charging_periods as unknown[]).length).toBe(4);
  });

  it('mod_sessions 2.1.1 §3.1: start_datetime, auth_id, the Location with only the EVSE and connector charged at, total_cost a number', () => {
    const s = runningSession({
      version: '2.1.1',
      locations: locations.map((l) => toOcpi211Location(l)),
      tariffs: [toOcpi211Tariff(TARIFF)],
      ...OWNER,
      id: 'R1',
      start: START,
      at: START + 30 * 60_000,
    });
    expect(s).toMatchObject({ start_datetime: '2024-06-03T10:00:00Z', auth_id: 'TOKEN-R1', total_cost: 2.6 });
    expect(s).not.toHaveProperty('country_code');
    const evses = (s.location as any).evses;
    expect([evses.length, evses[0].connectors.length, evses[0].connectors[0].tariff_id]).toEqual([1, 1, 'T1']);
    expect((s.charging_periods as any[])[0]).not.toHaveProperty('tariff_id');
  });
});

describe('sessionsOfCdrs: the COMPLETED sessions CDRs close', () => {
  it("2.2.1: the CDR's session_id, instants, energy, periods and total_cost", () => {
    const [cdr] = generateCdrs({ version: '2.2.1', locations, tariffs: [TARIFF], ...OWNER, count: 1 });
    const [s] = sessionsOfCdrs('2.2.1', [cdr]);
    expect(s).toMatchObject({
      id: cdr.session_id,
      status: 'COMPLETED',
      start_date_time: cdr.start_date_time,
      end_date_time: cdr.end_date_time,
      kwh: cdr.total_energy,
      charging_periods: cdr.charging_periods,
      total_cost: cdr.total_cost,
      cdr_token: cdr.cdr_token,
      location_id: (cdr.cdr_location as any).id,
    });
  });
});

describe('Sessions Sender interface (mod_sessions 2.2.1 §Sender Interface §GET Method)', () => {
  const ctx = {
    store: { sessions: [runningSession({ version: '2.2.1', locations, tariffs: [TARIFF], ...OWNER, id: 'R1', start: START, at: START + 3_600_000 })] },
    maxPageLimit: 10,
    urls: { sessions: 'http://sim/sessions' },
  } as unknown as SimulatorContext;

  it('date_from is required: a GET without it is answered 2001', () => {
    expect(handleSessions('GET', [], new URLSearchParams(), ctx)).toMatchObject({ httpStatus: 200, body: { status_code: 2001 } });
  });

  it('date_from (inclusive) filters on last_updated', () => {
    const page = (from: string) => handleSessions('GET', [], new URLSearchParams({ date_from: from }), ctx);
    expect((page('2024-06-03T11:00:00Z').body as any).data).toHaveLength(1);
    expect((page('2024-06-03T11:00:01Z').body as any).data).toHaveLength(0);
  });
});
