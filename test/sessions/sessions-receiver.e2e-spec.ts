/**
 * Our Sessions Receiver interface (mod_sessions 2.2.1 / 2.3.0 §Receiver Interface, 2.1.1 §2.2 eMSP Interface): a CPO
 * PUTs and PATCHes Sessions; each change is checked against the URL, composed with what we hold into the whole Session
 * (a PATCH's charging_periods added; resent ones replacing the same-start ones, counted), and stored through the one
 * intake step as source PUSH; what is refused is kept raw and changes nothing. The app follows a pushed, growing
 * session (GET /api/v1/sessions/{id}) against hand-computed figures, whichever way the CPO sends its periods.
 */
import { generateCdrs } from '../cpo-simulator';
import { locationsFor, ocpiCall } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';
import { specSessions } from './support/spec-sessions';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

type Version = '2.1.1' | '2.2.1' | '2.3.0';
const SECTION: Record<Version, string> = {
  '2.1.1': 'mod_sessions 2.1.1 §2.2 eMSP Interface',
  '2.2.1': 'mod_sessions 2.2.1 §Receiver Interface',
  '2.3.0': 'mod_sessions 2.3.0 §Receiver Interface',
};
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(service.database.url, async (c) => (await c.query(sql, params)).rows as T[]);
}

function partyOf(version: Version): { countryCode: string; partyId: string } {
  return { countryCode: 'NL', partyId: version === '2.1.1' ? 'SRA' : version === '2.2.1' ? 'SRB' : 'SRC' };
}

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('Sessions pushed by a %s CPO', (version) => {
  const owner = partyOf(version);
  const section = SECTION[version];
  const encoding = version === '2.1.1' ? 'plain' : 'base64';
  let cpo: RegisteredCpo;
  let base: string;
  /** The spec's "Simple Session example of (just starting) a session", of our CPO's party, under `id`. */
  const sessionNamed = (id: string, extra: Record<string, unknown> = {}): Record<string, any> => {
    const { starting } = specSessions(version);
    const own = version === '2.1.1' ? {} : { country_code: owner.countryCode, party_id: owner.partyId };
    return { ...starting, ...own, id, ...extra };
  };
  const call = (method: string, path: string, body?: unknown) => ocpiCall(`${base}${path}`, cpo.simulator.registration.tokenForClient!, { method, body, encoding });
  const held = async (id: string) => {
    const [row] = await query(
      `SELECT source, status, kwh, last_updated, start_date_time, end_date_time, raw, mapped FROM session WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3`,
      [owner.countryCode, owner.partyId, id],
    );
    return row;
  };
  // mod_sessions 2.1.1 §3.1 Session object spells them start_datetime and end_datetime.
  const START = version === '2.1.1' ? 'start_datetime' : 'start_date_time';
  const END = version === '2.1.1' ? 'end_datetime' : 'end_date_time';
  const later = (session: Record<string, any>, minutes: number) => iso(Date.parse(session.last_updated) + minutes * MINUTE);
  const period = (start: string, kwh: number) => ({ start_date_time: start, dimensions: [{ type: 'ENERGY', volume: kwh }] });

  beforeAll(async () => {
    cpo = await registerCpo(service, { version, ...owner, locations: [], tariffs: [] });
    base = `${service.url}/ocpi/emsp/${version}/sessions/${owner.countryCode}/${owner.partyId}`;
  });
  afterAll(() => cpo?.close());

  it(`${section} §PUT Method, §GET Method: a new Session is HTTP 201 and stored as pushed (source PUSH), the same again 200 and unchanged; GET gives it back`, async () => {
    const session = sessionNamed('S-PUT');
    expect(await call('PUT', `/S-PUT`, session)).toMatchObject({ status: 201, body: { status_code: 1000 } });
    const stored = await held('S-PUT');
    expect(stored).toMatchObject({ source: 'PUSH', status: 'PENDING', raw: session });
    expect(await call('PUT', `/S-PUT`, session)).toMatchObject({ status: 200, body: { status_code: 1000 } });
    expect(await held('S-PUT')).toEqual(stored);
    expect(await call('GET', `/S-PUT`)).toMatchObject({ status: 200, body: { status_code: 1000, data: session } });
    // status_codes §2xxx: OCPI has no "unknown Session" code; 2000 in HTTP 404, as for an unknown CDR.
    expect(await call('GET', `/NOPE`)).toMatchObject({ status: 404, body: { status_code: 2000, status_message: `Unknown Session NL/${owner.partyId}/NOPE` } });
  });

  it(`${section} §PATCH Method: the fields sent change, charging_periods are added; periods resent with a start we hold replace ours (counted as CHARGING_PERIODS_RESENT), never doubled; an older PATCH changes nothing`, async () => {
    const session = sessionNamed('S-PATCH', { status: 'ACTIVE' });
    await call('PUT', `/S-PATCH`, session);
    const start = Date.parse(session[START]);
    const first = period(iso(start), 1);
    expect(await call('PATCH', `/S-PATCH`, { kwh: 1, charging_periods: [first], last_updated: later(session, 10) })).toMatchObject({ status: 200, body: { status_code: 1000 } });
    const second = period(iso(start + 10 * MINUTE), 2);
    // The first period again, grown (a CPO sending them cumulatively), and a new one.
    const grown = period(iso(start), 1.5);
    await call('PATCH', `/S-PATCH`, { kwh: 3.5, charging_periods: [grown, second], last_updated: later(session, 20) });
    const after = await held('S-PATCH');
    expect(after.raw).toEqual({ ...session, kwh: 3.5, charging_periods: [grown, second], last_updated: later(session, 20) });
    expect([after.status, after.kwh, after.source]).toEqual(['ACTIVE', '3.5', 'PUSH']);
    expect(after.mapped.charging_periods.map((p: any) => [p.start_date_time, p.dimensions[0].volume])).toEqual([
      [new Date(start).toISOString(), '1.5'],
      [new Date(start + 10 * MINUTE).toISOString(), '2'],
    ]);
    const deviations = (await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body;
    expect(JSON.stringify(deviations)).toContain('CHARGING_PERIODS_RESENT');
    const older = await call('PATCH', `/S-PATCH`, { status: 'COMPLETED', last_updated: later(session, 5) });
    expect(older).toMatchObject({ status: 200, body: { status_code: 1000, status_message: expect.stringMatching(/^Not applied: we hold a newer version/) } });
    expect((await held('S-PATCH')).status).toBe('ACTIVE');
    // §PUT Method: "Any charging_periods from the existing object SHALL be replaced"; none sent removes them.
    expect(await call('PUT', `/S-PATCH`, { ...session, status: 'COMPLETED', last_updated: later(session, 30) })).toMatchObject({ status: 200 });
    expect((await held('S-PATCH')).mapped.charging_periods).toEqual([]);
  });

  it(`transport_and_format §Authorization header: the other Authorization form works on the Sessions paths too`, async () => {
    const other = encoding === 'plain' ? 'base64' : 'plain';
    const r = await ocpiCall(`${base}/S-PUT`, cpo.simulator.registration.tokenForClient!, { encoding: other });
    expect(r).toMatchObject({ status: 200, body: { status_code: 1000, data: { id: 'S-PUT' } } });
  });

  if (version !== '2.1.1') {
    it(`${section} §PATCH Method: "Any request to the PATCH method SHALL contain the last_updated field": 2001, nothing changes`, async () => {
      const session = sessionNamed('S-NO-LU', { status: 'ACTIVE' });
      await call('PUT', `/S-NO-LU`, session);
      const before = await held('S-NO-LU');
      const r = await call('PATCH', `/S-NO-LU`, { status: 'COMPLETED', kwh: 4 });
      expect(r).toMatchObject({ status: 200, body: { status_code: 2001, status_message: 'Invalid Session: a PATCH must contain last_updated' } });
      expect(await held('S-NO-LU')).toEqual(before);
    });
  }

  it(`${section} §PATCH Method: a PATCH for a Session we do not hold is 2000 in HTTP 404, nothing stored, the body kept for operations`, async () => {
    const r = await call('PATCH', `/S-UNKNOWN`, { kwh: 2, last_updated: iso(Date.now()) });
    expect(r).toMatchObject({ status: 404, body: { status_code: 2000 } });
    expect(r.body.status_message).toMatch(/^Unknown Session: NL\/\w+\/S-UNKNOWN is not held/);
    expect(await held('S-UNKNOWN')).toBeUndefined();
    const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=sessions`)).body;
    expect(rejected.find((x: any) => x.object_id === 'S-UNKNOWN')).toMatchObject({ raw: { kwh: 2 } });
  });

  it(`transport_and_format §Errors: an id in the body that differs from the URL is 2001 naming both, nothing stored, kept raw`, async () => {
    const session = sessionNamed('OTHER-ID');
    const r = await call('PUT', `/URL-ID`, session);
    expect(r).toMatchObject({ status: 200, body: { status_code: 2001, status_message: 'Invalid Session: id "OTHER-ID" in the body differs from "URL-ID" in the URL' } });
    expect(await held('URL-ID')).toBeUndefined();
    expect(await held('OTHER-ID')).toBeUndefined();
    const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=sessions`)).body;
    expect(rejected.find((x: any) => x.object_id === 'URL-ID')).toMatchObject({ reason: r.body.status_message, raw: session });
  });

  it(`${section}: a URL naming another party is refused (2001, naming the party), whatever the body says; nothing stored; its GET is 404`, async () => {
    const foreign = `${service.url}/ocpi/emsp/${version}/sessions/BE/BEC/S-FOREIGN`;
    const body = version === '2.1.1' ? sessionNamed('S-FOREIGN') : sessionNamed('S-FOREIGN', { country_code: 'BE', party_id: 'BEC' });
    const r = await ocpiCall(foreign, cpo.simulator.registration.tokenForClient!, { method: 'PUT', body, encoding });
    expect(r).toMatchObject({ status: 200, body: { status_code: 2001 } });
    expect(r.body.status_message).toMatch(/belongs to party BE\*BEC, which is not a party of this connection/);
    expect(await query(`SELECT 1 FROM session WHERE country_code = 'BE' AND party_id = 'BEC'`)).toEqual([]);
    expect((await ocpiCall(foreign, cpo.simulator.registration.tokenForClient!, { encoding })).status).toBe(404);
  });

  it(`types ${version} §DateTime: an unreadable DateTime is refused naming the field; every readable shape (no designator, fractions, +00:00, +02:00) is stored as UTC to the millisecond and counted`, async () => {
    const bad = await call('PUT', `/S-BAD-TIME`, sessionNamed('S-BAD-TIME', { [START]: 'yesterday at noon' }));
    expect(bad).toMatchObject({ status: 200, body: { status_code: 2001 } });
    expect(bad.body.status_message).toMatch(new RegExp(START));
    expect(await held('S-BAD-TIME')).toBeUndefined();

    const shapes = sessionNamed('S-TIMES', {
      status: 'COMPLETED',
      [START]: '2024-06-01T10:00:00',
      [END]: '2024-06-01T12:30:00.123+02:00',
      charging_periods: [period('2024-06-01T10:00:00.250Z', 4)],
      last_updated: '2024-06-01T10:31:00+00:00',
    });
    expect(await call('PUT', `/S-TIMES`, shapes)).toMatchObject({ status: 201, body: { status_code: 1000 } });
    const stored = await held('S-TIMES');
    expect([stored.start_date_time, stored.end_date_time, stored.last_updated].map((d: Date) => d.toISOString())).toEqual([
      '2024-06-01T10:00:00.000Z',
      '2024-06-01T10:30:00.123Z',
      '2024-06-01T10:31:00.000Z',
    ]);
    expect(stored.mapped.charging_periods[0].start_date_time).toBe('2024-06-01T10:00:00.250Z');
    expect(stored.raw).toEqual(shapes);
    const deviations = JSON.stringify((await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body);
    for (const kind of ['DATETIME_WITHOUT_TIMEZONE', 'DATETIME_WITH_OFFSET']) expect(deviations).toContain(kind);
  });
});

/**
 * The app follows a pushed charge: PUT when it starts, then two PATCHes with ChargingPeriods, sent as the spec says
 * (each PATCH adds the new period: mod_sessions 2.2.1 §PATCH Method) by one CPO and cumulatively (every period each
 * time) by another. Both must give the same figures, none doubled.
 *
 * Tariff T-LIVE (the connector lists it): FLAT € 1.00 + ENERGY € 0.30/kWh + TIME € 1.20/h (per minute), VAT 21 %.
 * Periods: 5 kWh from the start (15 min), then 4 kWh from start + 15 min; last update at start + 30 min.
 * Ours: 1.00 + 9 kWh × 0.30 = 2.70 + 0.5 h × 1.20 = 0.60 → 4.30 before taxes; × 1.21 = 5.203 → 5.20.
 */
describe.each([
  ['2.2.1', 'additive'],
  ['2.3.0', 'cumulative'],
] as const)('The app follows a session pushed by a %s CPO (ChargingPeriods %s)', (version, periods) => {
  const owner = { countryCode: 'NL', partyId: version === '2.2.1' ? 'LVB' : 'LVC' };
  const encoding = 'base64';
  const start = Math.floor(Date.now() / 1000) * 1000 - 40 * MINUTE;
  let cpo: RegisteredCpo;
  let location: Record<string, any>;
  const url = (module: string, id: string) => `${service.url}/ocpi/emsp/${version}/${module}/${owner.countryCode}/${owner.partyId}/${id}`;
  const push = (method: string, module: string, id: string, body: unknown) => ocpiCall(url(module, id), cpo.simulator.registration.tokenForClient!, { method, body, encoding });
  const cost = (beforeTaxes: number, afterTaxes: number) =>
    version === '2.2.1'
      ? { excl_vat: beforeTaxes, incl_vat: afterTaxes }
      : { before_taxes: beforeTaxes, taxes: [{ name: 'VAT', amount: Math.round((afterTaxes - beforeTaxes) * 100) / 100 }] };
  const p1 = {
    start_date_time: iso(start),
    dimensions: [
      { type: 'ENERGY', volume: 5 },
      { type: 'TIME', volume: 0.25 },
    ],
  };
  const p2 = {
    start_date_time: iso(start + 15 * MINUTE),
    dimensions: [
      { type: 'ENERGY', volume: 4 },
      { type: 'TIME', volume: 0.25 },
    ],
  };

  beforeAll(async () => {
    cpo = await registerCpo(service, { version, ...owner, locations: [], tariffs: [] });
    [location] = locationsFor(version, { count: 1, seed: 41, center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 1, tariffIds: ['T-LIVE'], ...owner }) as any[];
    expect((await push('PUT', 'locations', location.id, location)).status).toBe(201);
    const tariff = {
      country_code: owner.countryCode,
      party_id: owner.partyId,
      id: 'T-LIVE',
      currency: 'EUR',
      ...(version === '2.3.0' ? { tax_included: 'NO' } : {}),
      elements: [
        {
          price_components: [
            { type: 'FLAT', price: 1.0, vat: 21, step_size: 1 },
            { type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 },
            { type: 'TIME', price: 1.2, vat: 21, step_size: 60 },
          ],
        },
      ],
      last_updated: '2024-01-01T00:00:00Z',
    };
    expect((await push('PUT', 'tariffs', 'T-LIVE', tariff)).status).toBe(201);
  });
  afterAll(() => cpo?.close());

  it(`mod_sessions ${version} §PUT Method then §PATCH Method twice: energy so far, the CPO's cost, ours from the tariff engine over the periods, the difference and the age of the last update`, async () => {
    const { starting } = specSessions(version);
    const evse = location.evses[0];
    const session = {
      ...starting,
      country_code: owner.countryCode,
      party_id: owner.partyId,
      id: 'S-LIVE',
      start_date_time: iso(start),
      kwh: 0,
      location_id: location.id,
      evse_uid: evse.uid,
      connector_id: evse.connectors[0].id,
      total_cost: cost(0, 0),
      status: 'ACTIVE',
      last_updated: iso(start),
    };
    expect(await push('PUT', 'sessions', 'S-LIVE', session)).toMatchObject({ status: 201 });
    expect(await push('PATCH', 'sessions', 'S-LIVE', { kwh: 5, charging_periods: [p1], total_cost: cost(2.8, 3.39), last_updated: iso(start + 15 * MINUTE) })).toMatchObject({
      status: 200,
      body: { status_code: 1000 },
    });
    const second = periods === 'additive' ? [p2] : [p1, p2];
    expect(await push('PATCH', 'sessions', 'S-LIVE', { kwh: 9, charging_periods: second, total_cost: cost(4.3, 5.2), last_updated: iso(start + 30 * MINUTE) })).toMatchObject({
      status: 200,
      body: { status_code: 1000 },
    });

    const [row] = await query(`SELECT id FROM session WHERE country_code = $1 AND party_id = $2 AND ocpi_id = 'S-LIVE'`, [owner.countryCode, owner.partyId]);
    const { status, body } = await service.api(`/api/v1/sessions/${row.id}`);
    expect(status).toBe(200);
    const evaluated = Date.parse(body.evaluated_at);
    expect(body).toMatchObject({
      session_id: 'S-LIVE',
      status: 'ACTIVE',
      start_date_time: new Date(start).toISOString(),
      energy_kwh: '9',
      charging_periods: 2,
      cpo_cost: { before_taxes: '4.30', after_taxes: '5.20' },
      our_cost: {
        before_taxes: '4.30',
        after_taxes: '5.20',
        exact: true,
        priced_with: 'CONNECTOR_TARIFFS',
        tariffs: [{ id: 'T-LIVE', version_no: 1 }],
        as_of: new Date(start + 30 * MINUTE).toISOString(),
      },
      difference: { before_taxes: '0.00', after_taxes: '0.00' },
      last_updated: new Date(start + 30 * MINUTE).toISOString(),
      cdr_link: 'NOT_YET',
    });
    expect(body.duration_s).toBe(Math.floor((evaluated - start) / 1000));
    expect(body.last_update_age_s).toBe(Math.floor((evaluated - (start + 30 * MINUTE)) / 1000));
  });

  it(`mod_cdrs ${version} §CDR object session_id: a CDR pushed for the pushed Session is linked to it`, async () => {
    const tariffs = (await query(`SELECT raw FROM tariff WHERE country_code = $1 AND party_id = $2`, [owner.countryCode, owner.partyId])).map((r) => r.raw);
    const [priced] = generateCdrs({ version, locations: [location], tariffs, ...owner, count: 1, seed: 3, idPrefix: 'CDR-LIVE-' });
    priced.session_id = 'S-LIVE';
    expect(await ocpiCall(`${service.url}/ocpi/emsp/${version}/cdrs`, cpo.simulator.registration.tokenForClient!, { method: 'POST', body: priced, encoding })).toMatchObject({
      status: 201,
    });
    const [row] = await query(`SELECT s.cdr_id, c.ocpi_id FROM session s JOIN cdr c ON c.id = s.cdr_id WHERE s.country_code = $1 AND s.party_id = $2 AND s.ocpi_id = 'S-LIVE'`, [
      owner.countryCode,
      owner.partyId,
    ]);
    expect(row).toMatchObject({ ocpi_id: priced.id });
  });
});
