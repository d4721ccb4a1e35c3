/**
 * Our Locations Receiver interface (mod_locations 2.2.1 / 2.3.0 §Receiver Interface, 2.1.1 §3.2 eMSP Interface): a CPO
 * PUTs and PATCHes Locations, EVSEs and Connectors; each change is checked against the URL, composed with what we hold,
 * and stored through the one intake step; what is refused is kept raw and changes nothing.
 */
import { locationsFor, ocpiCall } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

type Version = '2.1.1' | '2.2.1' | '2.3.0';
const SECTION: Record<Version, string> = {
  '2.1.1': 'mod_locations 2.1.1 §3.2 eMSP Interface',
  '2.2.1': 'mod_locations 2.2.1 §Receiver Interface',
  '2.3.0': 'mod_locations 2.3.0 §Receiver Interface',
};

function query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(service.database.url, async (c) => (await c.query(sql, params)).rows as T[]);
}

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('Locations pushed by a %s CPO', (version) => {
  const owner = { countryCode: 'NL', partyId: version === '2.1.1' ? 'LRA' : version === '2.2.1' ? 'LRB' : 'LRC' };
  const section = SECTION[version];
  const encoding = version === '2.1.1' ? 'plain' : 'base64';
  let cpo: RegisteredCpo;
  let base: string;
  let locations: Array<Record<string, any>>;
  const call = (method: string, path: string, body?: unknown, init: { encoding?: 'plain' | 'base64' } = {}) =>
    ocpiCall(`${base}${path}`, cpo.simulator.registration.tokenForClient!, { method, body, encoding: init.encoding ?? encoding });
  const held = async (id: string) => {
    const [row] = await query(`SELECT id, last_updated, raw FROM location WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3`, [owner.countryCode, owner.partyId, id]);
    const evses = row ? await query(`SELECT uid, status, last_updated FROM evse WHERE location_id = $1 ORDER BY uid`, [row.id]) : [];
    return { row, evses };
  };

  beforeAll(async () => {
    locations = locationsFor(version, { count: 6, seed: 21, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 2, ...owner }) as any[];
    cpo = await registerCpo(service, { version, ...owner, locations: [], tariffs: [] });
    base = `${service.url}/ocpi/emsp/${version}/locations/${owner.countryCode}/${owner.partyId}`;
  });
  afterAll(() => cpo?.close());

  it(`${section} §PUT Method: a new Location is HTTP 201, the same again 200 and unchanged; GET gives it back as sent`, async () => {
    const location = locations[0];
    const first = await call('PUT', `/${location.id}`, location);
    expect(first).toMatchObject({ status: 201, body: { status_code: 1000 } });
    const stored = await held(location.id);
    expect(stored.row.raw).toEqual(location);
    expect(stored.evses.map((e: any) => e.uid)).toEqual(location.evses.map((e: any) => e.uid).sort());
    const again = await call('PUT', `/${location.id}`, location);
    expect(again).toMatchObject({ status: 200, body: { status_code: 1000 } });
    expect((await held(location.id)).row).toEqual(stored.row);
    const got = await call('GET', `/${location.id}`);
    expect(got).toMatchObject({ status: 200, body: { status_code: 1000, data: location } });
    const evse = location.evses[0];
    expect((await call('GET', `/${location.id}/${evse.uid}`)).body.data).toEqual(evse);
    expect((await call('GET', `/${location.id}/${evse.uid}/${evse.connectors[0].id}`)).body.data).toEqual(evse.connectors[0]);
    expect(await call('GET', `/NOPE`)).toMatchObject({ status: 404, body: { status_code: 2003 } });
  });

  it(`${section} §PATCH Method: an EVSE status PATCH is stored, moves the Location's last_updated, and the app sees it; an older one changes nothing`, async () => {
    const location = locations[1];
    await call('PUT', `/${location.id}`, location);
    const evse = location.evses[0];
    const later = new Date(Date.parse(location.last_updated) + 3_600_000).toISOString().replace('.000Z', 'Z');
    const patched = await call('PATCH', `/${location.id}/${evse.uid}`, { status: 'CHARGING', last_updated: later });
    expect(patched).toMatchObject({ status: 200, body: { status_code: 1000 } });
    const after = await held(location.id);
    expect(after.evses.find((e: any) => e.uid === evse.uid).status).toBe('CHARGING');
    expect(new Date(after.row.last_updated).toISOString()).toBe(new Date(later).toISOString());
    expect(after.row.raw.evses.find((e: any) => e.uid === evse.uid)).toEqual({ ...evse, status: 'CHARGING', last_updated: later });
    const detail = await service.api(`/api/v1/locations/${after.row.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.evses.find((e: any) => e.uid === evse.uid)).toMatchObject({ status: 'CHARGING', free: false });

    const older = await call('PATCH', `/${location.id}/${evse.uid}`, { status: 'AVAILABLE', last_updated: location.last_updated });
    expect(older).toMatchObject({ status: 200, body: { status_code: 1000 } });
    expect(older.body.status_message).toMatch(/^Not applied: we hold a newer version/);
    expect((await held(location.id)).evses.find((e: any) => e.uid === evse.uid).status).toBe('CHARGING');
  });

  it(`${section} §PATCH Method: "Any request to the PATCH method SHALL contain the last_updated field": 2001, nothing changes`, async () => {
    const location = locations[2];
    await call('PUT', `/${location.id}`, location);
    const before = await held(location.id);
    const r = await call('PATCH', `/${location.id}/${location.evses[0].uid}`, { status: 'OUTOFORDER' });
    expect(r).toMatchObject({ status: 200, body: { status_code: 2001, status_message: 'Invalid Location: a PATCH must contain last_updated' } });
    expect(await held(location.id)).toEqual(before);
  });

  it(`${section} §PUT Method: a Connector PUT replaces that Connector and moves the EVSE's and the Location's last_updated`, async () => {
    const location = locations[3];
    await call('PUT', `/${location.id}`, location);
    const evse = location.evses[0];
    const later = new Date(Date.parse(location.last_updated) + 60_000).toISOString().replace('.000Z', 'Z');
    const connector = { ...evse.connectors[0], max_amperage: 16, last_updated: later };
    expect(await call('PUT', `/${location.id}/${evse.uid}/${connector.id}`, connector)).toMatchObject({ status: 200, body: { status_code: 1000 } });
    const after = await held(location.id);
    expect(after.row.raw.evses[0].connectors[0]).toEqual(connector);
    expect(after.row.raw.evses[0].last_updated).toBe(later);
    expect(new Date(after.row.last_updated).toISOString()).toBe(new Date(later).toISOString());
    const [stored] = await query(`SELECT c.max_amperage FROM connector c JOIN evse e ON e.id = c.evse_id WHERE e.location_id = $1 AND e.uid = $2 AND c.ocpi_id = $3`, [
      after.row.id,
      evse.uid,
      connector.id,
    ]);
    expect(Number(stored.max_amperage)).toBe(16);
  });

  it(`${section} §PATCH Method: a Location PATCH with a partial evses list updates the EVSE it names and keeps the others (counted as PATCH_PARTIAL_LIST)`, async () => {
    const location = locations[4];
    expect(location.evses.length).toBeGreaterThan(1);
    await call('PUT', `/${location.id}`, location);
    const later = new Date(Date.parse(location.last_updated) + 60_000).toISOString().replace('.000Z', 'Z');
    const uid = location.evses[1].uid;
    const r = await call('PATCH', `/${location.id}`, { name: 'Renamed', evses: [{ uid, status: 'OUTOFORDER', last_updated: later }], last_updated: later });
    expect(r).toMatchObject({ status: 200, body: { status_code: 1000 } });
    const after = await held(location.id);
    expect(after.row.raw.name).toBe('Renamed');
    expect(after.evses.map((e: any) => e.uid)).toEqual(location.evses.map((e: any) => e.uid).sort());
    expect(after.evses.find((e: any) => e.uid === uid).status).toBe('OUTOFORDER');
    const deviations = (await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body;
    expect(JSON.stringify(deviations)).toContain('PATCH_PARTIAL_LIST');
  });

  it(`${section}: a PATCH for an EVSE or Location we do not hold is 2003 Unknown Location in HTTP 404, and nothing is stored`, async () => {
    const later = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    expect(await call('PATCH', `/UNKNOWN-LOC/1`, { status: 'CHARGING', last_updated: later })).toMatchObject({ status: 404, body: { status_code: 2003 } });
    expect((await held('UNKNOWN-LOC')).row).toBeUndefined();
    const location = locations[5];
    await call('PUT', `/${location.id}`, location);
    const before = await held(location.id);
    expect(await call('PATCH', `/${location.id}/NO-SUCH-EVSE`, { status: 'CHARGING', last_updated: later })).toMatchObject({ status: 404, body: { status_code: 2003 } });
    expect(await held(location.id)).toEqual(before);
  });

  it(`transport_and_format §Errors: an id in the body that differs from the URL is 2001 naming both, nothing stored, kept raw`, async () => {
    const location = { ...locations[0], id: 'OTHER-ID' };
    const r = await call('PUT', `/URL-ID`, location);
    expect(r).toMatchObject({ status: 200, body: { status_code: 2001, status_message: 'Invalid Location: id "OTHER-ID" in the body differs from "URL-ID" in the URL' } });
    expect((await held('URL-ID')).row).toBeUndefined();
    expect((await held('OTHER-ID')).row).toBeUndefined();
    const rejected = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=locations`)).body;
    expect(rejected.find((x: any) => x.object_id === 'URL-ID')).toMatchObject({ reason: r.body.status_message, raw: location });
  });

  it(`${section}: a URL naming another party is refused (2001, naming the party), whatever the body says; nothing stored`, async () => {
    const foreign = `${service.url}/ocpi/emsp/${version}/locations/BE/BEC/${locations[0].id}`;
    const body = version === '2.1.1' ? locations[0] : { ...locations[0], country_code: 'BE', party_id: 'BEC' };
    const r = await ocpiCall(foreign, cpo.simulator.registration.tokenForClient!, { method: 'PUT', body, encoding });
    expect(r).toMatchObject({ status: 200, body: { status_code: 2001 } });
    expect(r.body.status_message).toMatch(/belongs to party BE\*BEC, which is not a party of this connection/);
    expect(await query(`SELECT 1 FROM location WHERE country_code = 'BE' AND party_id = 'BEC'`)).toEqual([]);
    expect((await ocpiCall(foreign, cpo.simulator.registration.tokenForClient!, { encoding })).status).toBe(404);
  });

  it(`${section}: a Location without coordinates is 2001 naming the field, nothing stored`, async () => {
    const { coordinates: _, ...withoutCoordinates }: Record<string, any> = { ...locations[0], id: 'NO-COORDS' };
    const r = await call('PUT', `/NO-COORDS`, withoutCoordinates);
    expect(r).toMatchObject({ status: 200, body: { status_code: 2001 } });
    expect(r.body.status_message).toMatch(/coordinates/);
    expect((await held('NO-COORDS')).row).toBeUndefined();
  });

  it(`transport_and_format §Authorization header: the other Authorization form works on the new paths too`, async () => {
    const other = encoding === 'plain' ? 'base64' : 'plain';
    expect((await call('GET', `/${locations[0].id}`, undefined, { encoding: other })).status).toBe(200);
  });
});
