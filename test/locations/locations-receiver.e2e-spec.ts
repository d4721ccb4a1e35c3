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

    // More than a status: composed with the held EVSE into the whole Location, the same outcome in the same shape.
    const later2 = new Date(Date.parse(later) + 60_000).toISOString().replace('.000Z', 'Z');
    expect(await call('PATCH', `/${location.id}/${evse.uid}`, { status: 'BLOCKED', floor_level: '-2', last_updated: later2 })).toMatchObject({
      status: 200,
      body: { status_code: 1000 },
    });
    const composed = await held(location.id);
    expect(composed.row.raw.evses.find((e: any) => e.uid === evse.uid)).toEqual({ ...evse, status: 'BLOCKED', floor_level: '-2', last_updated: later2 });
    expect(composed.evses.find((e: any) => e.uid === evse.uid).status).toBe('BLOCKED');
    expect(new Date(composed.row.last_updated).toISOString()).toBe(new Date(later2).toISOString());
  });

  it(`${section} §EVSE Object: an unknown status pushed is kept as sent, counted, and never free`, async () => {
    const location = locations[1];
    const evse = location.evses[1] ?? location.evses[0];
    const later = new Date(Date.parse(location.last_updated) + 7_200_000).toISOString().replace('.000Z', 'Z');
    expect(await call('PATCH', `/${location.id}/${evse.uid}`, { status: 'HOVERING', last_updated: later })).toMatchObject({ status: 200, body: { status_code: 1000 } });
    const after = await held(location.id);
    expect(after.evses.find((e: any) => e.uid === evse.uid).status).toBe('HOVERING');
    const detail = (await service.api(`/api/v1/locations/${after.row.id}`)).body;
    expect(detail.evses.find((e: any) => e.uid === evse.uid)).toMatchObject({ free: false });
    const deviations = JSON.stringify((await service.ops('GET', `/connections/${cpo.connectionId}/deviations`)).body);
    expect(deviations).toContain('UNKNOWN_ENUM_VALUE');
    expect(deviations).toContain('HOVERING');
  });

  it(
    version === '2.1.1'
      ? `${section} §2.2.3 PATCH Method (no last_updated required): a PATCH without one is applied as of when we received it`
      : `${section} §PATCH Method: "Any request to the PATCH method SHALL contain the last_updated field": 2001, nothing changes`,
    async () => {
      const location = locations[2];
      await call('PUT', `/${location.id}`, location);
      const before = await held(location.id);
      const sentAt = Date.now() - 1000;
      const r = await call('PATCH', `/${location.id}/${location.evses[0].uid}`, { status: 'OUTOFORDER' });
      const after = await held(location.id);
      const status = after.evses.find((e: any) => e.uid === location.evses[0].uid).status;
      // 2.1.1: taken, dated when received; 2.2.1 and 2.3.0: refused, nothing changed.
      const expected =
        version === '2.1.1'
          ? { code: 1000, status: 'OUTOFORDER', movedForward: true }
          : { code: 2001, status: before.evses.find((e: any) => e.uid === location.evses[0].uid).status, movedForward: false };
      expect({ code: r.body.status_code, status, movedForward: new Date(after.row.last_updated).getTime() >= sentAt }).toEqual(expected);
      expect(r.body.status_message ?? null).toBe(version === '2.1.1' ? null : 'Invalid Location: a PATCH must contain last_updated');
    },
  );

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

  it(`${section} §PUT Method: a Location PUT without one of its EVSEs marks that EVSE absent (kept, never free, out of the search); an EVSE PUT brings it back`, async () => {
    const [location] = locationsFor(version, { count: 1, seed: 15, center: { latitude: 52.1, longitude: 5.1 }, radiusKm: 1, ...owner }) as any[];
    location.id = `LOC-ABSENT-EVSE`;
    if (location.evses.length < 2) location.evses.push({ ...location.evses[0], uid: `${location.evses[0].uid}-2` });
    expect(await call('PUT', `/${location.id}`, location)).toMatchObject({ status: 201 });
    const dropped = location.evses[location.evses.length - 1];
    const later = new Date(Date.parse(location.last_updated) + 60_000).toISOString().replace('.000Z', 'Z');
    const without = { ...location, evses: location.evses.slice(0, -1), last_updated: later };
    expect(await call('PUT', `/${location.id}`, without)).toMatchObject({ status: 200, body: { status_code: 1000 } });

    // Kept, not deleted, with since when.
    const { row } = await held(location.id);
    const [mark] = await query(`SELECT absent_since FROM evse WHERE location_id = $1 AND uid = $2`, [row.id, dropped.uid]);
    expect(mark.absent_since).toEqual(expect.any(Date));
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.absent).toEqual({ locations: 0, evses: 1, tariffs: 0 });
    const detail = (await service.api(`/api/v1/locations/${row.id}`)).body;
    expect(detail.evses.find((e: any) => e.uid === dropped.uid)).toMatchObject({ absent_since: mark.absent_since.toISOString(), free: false, not_free: { reason: 'ABSENT' } });
    const searched = async () => {
      const { body } = await service.api(`/api/v1/locations?latitude=52.1&longitude=5.1&radius_m=5000&party=${owner.countryCode}*${owner.partyId}&evses=true`);
      return body.data.find((r: any) => r.location.ocpi_id === location.id);
    };
    expect((await searched()).evses.map((e: any) => e.uid)).not.toContain(dropped.uid);
    expect((await searched()).evse_count).toBe(location.evses.length - 1);

    // Listed again (an EVSE PUT into the held Location): the mark goes.
    const latest = new Date(Date.parse(later) + 60_000).toISOString().replace('.000Z', 'Z');
    expect(await call('PUT', `/${location.id}/${dropped.uid}`, { ...dropped, last_updated: latest })).toMatchObject({ status: 200, body: { status_code: 1000 } });
    expect((await query(`SELECT absent_since FROM evse WHERE location_id = $1 AND uid = $2`, [row.id, dropped.uid]))[0].absent_since).toBeNull();
    expect((await searched()).evse_count).toBe(location.evses.length);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.absent).toEqual({ locations: 0, evses: 0, tariffs: 0 });
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
    const withoutCoordinates: Record<string, any> = { ...locations[0], id: 'NO-COORDS' };
    delete withoutCoordinates.coordinates;
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
