/**
 * The app follows a charge: GET /api/v1/sessions/{id} and GET /api/v1/sessions?token_uid|contract_id, against
 * hand-computed figures. Sessions are pulled from the CPO simulator (mod_sessions 2.2.1 §Sender Interface, 2.1.1
 * §2.1.1) at the spec's example Location LOC1; our own cost so far is the tariff engine over the ChargingPeriods
 * received (mod_sessions 2.2.1 §Session object: charging_periods "can be used to calculate and verify the total
 * cost"), with the tariff the periods name, else the one the connector lists, in the version in force at the start
 * (mod_tariffs 2.2.1 §Tariff object NOTE), restrictions in the Location's time zone (§TariffRestrictions class). Flags:
 * STALE, CDR_OVERDUE, NO_CDR_FREE_CHARGE; a CDR linked to its Session whichever arrives first.
 */
import { DateTime } from 'luxon';
import { generateCdrs, loadFixtureLocations, sessionsOfCdrs, toOcpi211Location, toOcpi211Tariff } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TEST_INTERNAL_API_KEY, TestService } from '../support/test-service';

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const TOKEN = { country_code: 'NL', party_id: 'EMS', uid: '123abc', type: 'RFID', contract_id: 'NL-EMS-C12345678-S' };

/** Tariff 11: € 1.00 start, € 0.30/kWh, € 1.20/h charging (TIME per minute), VAT 21 %, no restrictions. */
function tariff11(owner: { countryCode: string; partyId: string }, energyPrice = 0.3, lastUpdated = '2024-01-01T00:00:00Z') {
  return {
    country_code: owner.countryCode,
    party_id: owner.partyId,
    id: '11',
    currency: 'EUR',
    elements: [
      {
        price_components: [
          { type: 'FLAT', price: 1.0, vat: 21, step_size: 1 },
          { type: 'ENERGY', price: energyPrice, vat: 21, step_size: 1 },
          { type: 'TIME', price: 1.2, vat: 21, step_size: 60 },
        ],
      },
    ],
    last_updated: lastUpdated,
  };
}

/** Tariff 12: € 0.40/kWh from 07:00 to 19:00 local time, € 0.20/kWh otherwise, VAT 21 %. */
function tariff12(owner: { countryCode: string; partyId: string }) {
  return {
    country_code: owner.countryCode,
    party_id: owner.partyId,
    id: '12',
    currency: 'EUR',
    elements: [
      { price_components: [{ type: 'ENERGY', price: 0.4, vat: 21, step_size: 1 }], restrictions: { start_time: '07:00', end_time: '19:00' } },
      { price_components: [{ type: 'ENERGY', price: 0.2, vat: 21, step_size: 1 }] },
    ],
    last_updated: '2024-01-01T00:00:00Z',
  };
}

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

async function sessionByOcpiId(query: string, ocpiId: string): Promise<any> {
  const { status, body } = await service.api(`/api/v1/sessions?${query}&limit=50`);
  expect(status).toBe(200);
  const found = body.data.find((s: any) => s.session_id === ocpiId);
  expect(found).toBeDefined();
  return found;
}

describe('OCPI 2.2.1: a running session, a finished one across a tariff window, and the flags', () => {
  const owner = { countryCode: 'BE', partyId: 'LIV' };
  const now = Math.floor(Date.now() / 1000) * 1000;
  const start = now - 50 * MINUTE;
  const loc1 = loadFixtureLocations(owner).find((l) => l.id === 'LOC1')!;
  const base = { country_code: owner.countryCode, party_id: owner.partyId, cdr_token: TOKEN, auth_method: 'WHITELIST', currency: 'EUR' };
  /** A: running at LOC1 3256/1 (lists tariff 11); its periods name no tariff. 11.75 kWh and 36 minutes charged so far. */
  const running = {
    ...base,
    id: 'A-RUNNING',
    start_date_time: iso(start),
    kwh: 11.75,
    location_id: 'LOC1',
    evse_uid: '3256',
    connector_id: '1',
    charging_periods: [
      {
        start_date_time: iso(start),
        dimensions: [
          { type: 'ENERGY', volume: 5.5 },
          { type: 'TIME', volume: 0.25 },
        ],
      },
      {
        start_date_time: iso(start + 15 * MINUTE),
        dimensions: [
          { type: 'ENERGY', volume: 4.25 },
          { type: 'TIME', volume: 0.25 },
        ],
      },
      {
        start_date_time: iso(start + 30 * MINUTE),
        dimensions: [
          { type: 'ENERGY', volume: 2 },
          { type: 'TIME', volume: 0.1 },
        ],
      },
    ],
    total_cost: { excl_vat: 5.0, incl_vat: 6.05 },
    status: 'ACTIVE',
    last_updated: iso(start + 36 * MINUTE),
  };
  /** B: finished five days ago at LOC1 3257/1, 18:30–20:00 Brussels time; its periods name tariff 12. */
  const localStart = DateTime.fromMillis(now, { zone: 'Europe/Brussels' }).minus({ days: 5 }).set({ hour: 18, minute: 30, second: 0, millisecond: 0 });
  const at = (minutes: number) => iso(localStart.plus({ minutes }).toMillis());
  const finished = {
    ...base,
    id: 'B-FINISHED',
    start_date_time: at(0),
    end_date_time: at(90),
    kwh: 10,
    location_id: 'LOC1',
    evse_uid: '3257',
    connector_id: '1',
    charging_periods: [
      {
        start_date_time: at(0),
        dimensions: [
          { type: 'ENERGY', volume: 4 },
          { type: 'TIME', volume: 0.5 },
        ],
        tariff_id: '12',
      },
      {
        start_date_time: at(30),
        dimensions: [
          { type: 'ENERGY', volume: 6 },
          { type: 'TIME', volume: 1 },
        ],
        tariff_id: '12',
      },
    ],
    total_cost: { excl_vat: 2.8, incl_vat: 3.39 },
    status: 'COMPLETED',
    last_updated: at(95),
  };
  /** D: ACTIVE, last updated 3 hours ago. */
  const abandoned = { ...running, id: 'D-ABANDONED', start_date_time: iso(now - 4 * 60 * MINUTE), charging_periods: [], kwh: 0, last_updated: iso(now - 3 * 60 * MINUTE) };
  /** E: COMPLETED 3 days ago, free (total_cost 0), no CDR. */
  const free = {
    ...finished,
    id: 'E-FREE',
    start_date_time: iso(now - 3 * 86_400_000),
    end_date_time: iso(now - 3 * 86_400_000 + 60 * MINUTE),
    charging_periods: [],
    kwh: 3,
    total_cost: { excl_vat: 0, incl_vat: 0 },
    last_updated: iso(now - 3 * 86_400_000 + 61 * MINUTE),
  };
  let tariffs: any[];
  /** F: COMPLETED 3 days ago; its CDR is pushed to us before the Session is pulled. */
  let cdrOfF: any;
  let sessionF: any;
  let cpo: RegisteredCpo;

  beforeAll(async () => {
    tariffs = [tariff11(owner), tariff12(owner)];
    [cdrOfF] = generateCdrs({ version: '2.2.1', locations: [loc1], tariffs, ...owner, count: 1, firstDay: iso(now - 3 * 86_400_000).slice(0, 10), idPrefix: 'CDR-F-' });
    cdrOfF.session_id = 'F-WITH-CDR';
    [sessionF] = sessionsOfCdrs('2.2.1', [cdrOfF]);
    cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations: [loc1], tariffs, sessions: [running, finished, abandoned, free], cdrs: [] });
    expect(await cpo.simulator.pushCdr(cdrOfF)).toMatchObject({ httpStatus: 201 });
    cpo.simulator.setSessions([running, finished, abandoned, free, sessionF]);
    const outcomes = await cpo.sync();
    expect(outcomes.map((o: any) => [o.module, o.status, o.stored])).toEqual([
      ['tariffs', 'SUCCEEDED', 2],
      ['locations', 'SUCCEEDED', 1],
      ['sessions', 'SUCCEEDED', 5],
      ['cdrs', 'SUCCEEDED', 0],
    ]);
  });
  afterAll(() => cpo?.close());

  it("mod_sessions 2.2.1 §Session object, mod_tariffs 2.2.1 §PriceComponent: a running session: status, start, duration and energy so far, the CPO's cost and ours (tariff 11 the connector lists), the difference, the age of the last update", async () => {
    const a = await sessionByOcpiId(`contract_id=${TOKEN.contract_id}`, 'A-RUNNING');
    const evaluated = Date.parse(a.evaluated_at);
    expect(a).toMatchObject({
      session_id: 'A-RUNNING',
      status: 'ACTIVE',
      start_date_time: new Date(start).toISOString(),
      end_date_time: null,
      energy_kwh: '11.75',
      currency: 'EUR',
      charging_periods: 3,
      token: { uid: '123abc', contract_id: TOKEN.contract_id, type: 'RFID', auth_method: 'WHITELIST' },
      location: { location_id: 'LOC1', evse_uid: '3256', connector_id: '1', our_location_id: expect.any(String), our_connector_id: expect.any(String) },
      cpo_cost: { before_taxes: '5.00', after_taxes: '6.05' },
      // FLAT 1.00 + ENERGY 11.75 kWh × 0.30 = 3.525 + TIME 0.6 h × 1.20 = 0.72 → 5.245 → 5.25; × 1.21 = 6.34645 → 6.35.
      our_cost: {
        before_taxes: '5.25',
        after_taxes: '6.35',
        exact: true,
        not_exact_because: [],
        priced_with: 'CONNECTOR_TARIFFS',
        tariffs: [{ id: '11', version_no: 1, valid_from: '2024-01-01T00:00:00.000Z' }],
        as_of: new Date(start + 36 * MINUTE).toISOString(),
        time_zone: 'Europe/Brussels',
        time_zone_source: 'LOCATION',
      },
      difference: { before_taxes: '0.25', after_taxes: '0.30' },
      last_updated: new Date(start + 36 * MINUTE).toISOString(),
      flags: [],
      cdr_link: 'NOT_YET',
      cdr: null,
    });
    expect(a.duration_s).toBe(Math.floor((evaluated - start) / 1000));
    expect(a.last_update_age_s).toBe(Math.floor((evaluated - (start + 36 * MINUTE)) / 1000));
    // The id the app follows it by.
    const { status, body } = await service.api(`/api/v1/sessions/${a.id}`);
    expect(status).toBe(200);
    expect({ ...body, duration_s: 0, last_update_age_s: 0, evaluated_at: '' }).toEqual({ ...a, duration_s: 0, last_update_age_s: 0, evaluated_at: '' });
    // Its location, as the app opens it.
    expect((await service.api(`/api/v1/locations/${a.location.our_location_id}`)).status).toBe(200);
  });

  it('mod_tariffs 2.2.1 §Tariff object NOTE: a tariff changed after the session started does not change its price (the version in force at the start)', async () => {
    cpo.simulator.setTariffs([tariff11(owner, 0.5, iso(now - 10 * MINUTE)), tariff12(owner)]);
    await cpo.sync();
    const a = await sessionByOcpiId(`token_uid=${TOKEN.uid}`, 'A-RUNNING');
    expect(a.our_cost).toMatchObject({ before_taxes: '5.25', after_taxes: '6.35', tariffs: [{ id: '11', version_no: 1 }] });
  });

  it("mod_tariffs 2.2.1 §TariffRestrictions class start_time / end_time: the tariff the periods name, read in the Location's time zone (Brussels, not UTC)", async () => {
    const b = await sessionByOcpiId(`contract_id=${TOKEN.contract_id}`, 'B-FINISHED');
    // 18:30–19:00 local: 4 kWh × 0.40 = 1.60; 19:00–20:00 local: 6 kWh × 0.20 = 1.20 → 2.80; × 1.21 = 3.388 → 3.39.
    // (Read in UTC, both periods would fall in 07:00–19:00, summer or winter: 10 kWh × 0.40 = 4.00.)
    expect(b).toMatchObject({
      status: 'COMPLETED',
      duration_s: 90 * 60,
      energy_kwh: '10',
      cpo_cost: { before_taxes: '2.80', after_taxes: '3.39' },
      our_cost: {
        before_taxes: '2.80',
        after_taxes: '3.39',
        exact: true,
        priced_with: 'SESSION_TARIFFS',
        tariffs: [{ id: '12', version_no: 1 }],
        as_of: new Date(Date.parse(at(90))).toISOString(),
      },
      difference: { before_taxes: '0.00', after_taxes: '0.00' },
    });
  });

  it('flags: an ACTIVE session not updated for SESSION_STALE_MINUTES (120) is STALE; COMPLETED without a CDR after SESSION_CDR_OVERDUE_HOURS (48) is CDR_OVERDUE, or NO_CDR_FREE_CHARGE when it cost 0', async () => {
    const flags = async (id: string) => (await sessionByOcpiId(`contract_id=${TOKEN.contract_id}`, id)).flags.map((f: any) => f.code);
    expect(await flags('D-ABANDONED')).toEqual(['STALE']);
    expect(await flags('B-FINISHED')).toEqual(['CDR_OVERDUE']);
    expect(await flags('E-FREE')).toEqual(['NO_CDR_FREE_CHARGE']);
    expect(await flags('A-RUNNING')).toEqual([]);
    const d = await sessionByOcpiId(`contract_id=${TOKEN.contract_id}`, 'D-ABANDONED');
    expect(d.flags[0].message).toMatch(
      /^ACTIVE and not updated for 18\d minutes \(SESSION_STALE_MINUTES: 120\): the CPO may have lost the session or stopped sending its updates$/,
    );
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body).toMatchObject({
      stored: { sessions: 5 },
      flagged_sessions: { stale: 1, cdr_overdue: 1, no_cdr_free_charge: 1 },
    });
  });

  it('the flag times are settings: an instance with SESSION_STALE_MINUTES=10 flags the running session too (last updated 14 minutes ago)', async () => {
    const other = await startTestService({ database: service.database, env: { SESSION_STALE_MINUTES: '10' } });
    try {
      const { body } = await other.api(`/api/v1/sessions?contract_id=${TOKEN.contract_id}&status=ACTIVE`);
      expect(body.data.map((s: any) => [s.session_id, s.flags.map((f: any) => f.code)])).toEqual([
        ['A-RUNNING', ['STALE']],
        ['D-ABANDONED', ['STALE']],
      ]);
    } finally {
      await other.stop();
    }
  });

  it('mod_cdrs 2.2.1 §CDR object session_id: a CDR pushed before its Session is linked when the Session arrives; no flag then', async () => {
    const f = await sessionByOcpiId(`contract_id=${cdrOfF.cdr_token.contract_id}`, 'F-WITH-CDR');
    expect(f).toMatchObject({ status: 'COMPLETED', cdr_link: 'LINKED', cdr: { id: expect.any(String), cdr_id: cdrOfF.id }, flags: [] });
    const { status, body } = await service.finance('GET', `/cdrs/${f.cdr.id}`);
    expect([status, body.cdr.id]).toEqual([200, cdrOfF.id]);
  });

  it('the list: by token uid or contract id, newest start first, narrowed by status; exactly one of the two; 400 naming a wrong status; 404 and 400 for unknown and malformed ids; 401 without the key', async () => {
    const byUid = await service.api(`/api/v1/sessions?token_uid=${TOKEN.uid}`);
    expect(byUid.body.data.map((s: any) => s.session_id)).toEqual(['A-RUNNING', 'D-ABANDONED', 'E-FREE', 'B-FINISHED']);
    expect(byUid.body.meta.count).toBe(4);
    const active = await service.api(`/api/v1/sessions?token_uid=${TOKEN.uid}&status=ACTIVE,PENDING&limit=1`);
    expect(active.body.data.map((s: any) => s.session_id)).toEqual(['A-RUNNING']);
    expect((await service.api('/api/v1/sessions?token_uid=nobody')).body.data).toEqual([]);
    expect(await service.api('/api/v1/sessions')).toMatchObject({ status: 400, body: { message: 'give exactly one of token_uid and contract_id' } });
    expect((await service.api(`/api/v1/sessions?token_uid=a&contract_id=b`)).status).toBe(400);
    const wrong = await service.api(`/api/v1/sessions?token_uid=a&status=CHARGING`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toEqual([expect.stringMatching(/^status: "CHARGING" is not a session status \(one of ACTIVE, COMPLETED/)]);
    expect((await service.api('/api/v1/sessions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await service.api('/api/v1/sessions/not-a-uuid')).status).toBe(400);
    expect((await service.api(`/api/v1/sessions?token_uid=${TOKEN.uid}`, { key: null })).status).toBe(401);
    expect((await service.api(`/api/v1/sessions?token_uid=${TOKEN.uid}`, { key: `${TEST_INTERNAL_API_KEY}x` })).status).toBe(401);
  });
});

describe('OCPI 2.1.1: auth_id is the contract id, the embedded Location, total_cost without VAT', () => {
  const owner = { countryCode: 'BE', partyId: 'LIO' };
  const now = Math.floor(Date.now() / 1000) * 1000;
  const start = now - 50 * MINUTE;
  const loc1 = toOcpi211Location(loadFixtureLocations(owner).find((l) => l.id === 'LOC1')!);
  const session = {
    id: 'OLD-1',
    start_datetime: iso(start),
    kwh: 11.75,
    auth_id: 'DE8ACC12E46L89',
    auth_method: 'WHITELIST',
    location: { ...loc1, evses: [{ ...(loc1.evses as any[])[0], connectors: [(loc1.evses as any[])[0].connectors[0]] }] },
    currency: 'EUR',
    charging_periods: [
      {
        start_date_time: iso(start),
        dimensions: [
          { type: 'ENERGY', volume: 9.75 },
          { type: 'TIME', volume: 0.5 },
        ],
      },
      {
        start_date_time: iso(start + 30 * MINUTE),
        dimensions: [
          { type: 'ENERGY', volume: 2 },
          { type: 'TIME', volume: 0.1 },
        ],
      },
    ],
    total_cost: 5.25,
    status: 'ACTIVE',
    last_updated: iso(start + 36 * MINUTE),
  };
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    cpo = await registerCpo(service, { version: '2.1.1', ...owner, locations: [loc1], tariffs: [toOcpi211Tariff(tariff11(owner))], sessions: [session] });
    await cpo.sync();
  });
  afterAll(() => cpo?.close());

  it("mod_sessions 2.1.1 §3.1, mod_tariffs 2.1.1 §3.1: listed by auth_id as the contract id; priced with the connector's tariff_id (11), before VAT only", async () => {
    const s = await sessionByOcpiId('contract_id=DE8ACC12E46L89', 'OLD-1');
    // FLAT 1.00 + 11.75 kWh × 0.30 = 3.525 + 0.6 h × 1.20 = 0.72 → 5.245 → 5.25 (2.1.1 tariffs tell no VAT).
    expect(s).toMatchObject({
      ocpi_version: '2.1.1',
      status: 'ACTIVE',
      energy_kwh: '11.75',
      token: { uid: null, contract_id: 'DE8ACC12E46L89', type: null },
      cpo_cost: { before_taxes: '5.25', after_taxes: null },
      our_cost: { before_taxes: '5.25', after_taxes: null, priced_with: 'CONNECTOR_TARIFFS', tariffs: [{ id: '11', version_no: 1 }], time_zone: 'Europe/Brussels' },
      difference: { before_taxes: '0.00', after_taxes: null },
      cdr_link: 'NOT_POSSIBLE',
    });
  });

  it('mod_cdrs 2.1.1 §3.1: a 2.1.1 CDR names no session, so a completed 2.1.1 session is never linked nor flagged CDR_OVERDUE', async () => {
    const ended = Math.floor(Date.now() / 1000) * 1000;
    cpo.simulator.setSessions([{ ...session, status: 'COMPLETED', end_datetime: iso(ended), last_updated: iso(ended) }]);
    await cpo.sync();
    const s = await sessionByOcpiId('contract_id=DE8ACC12E46L89', 'OLD-1');
    expect([s.status, s.cdr_link, s.flags]).toEqual(['COMPLETED', 'NOT_POSSIBLE', []]);
  });
});
