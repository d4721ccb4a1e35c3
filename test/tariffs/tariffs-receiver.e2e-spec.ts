/**
 * Our Tariffs Receiver interface (mod_tariffs 2.2.1 / 2.3.0 §Receiver Interface, 2.1.1 §2.2 eMSP Interface): a CPO PUTs
 * Tariffs (and PATCHes them in 2.1.1), GETs them back and DELETEs them. A change takes the one intake step; a DELETE
 * keeps everything: the Tariff leaves the price estimate and the search's price line, CDRs of charges that started
 * before it are still priced with it, and a later PUT brings it back.
 */
import { generateCdrs } from '../cpo-simulator';
import { simpleTariffs, tariffFor } from '../cdrs/support/cdr-cpo';
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
  '2.1.1': 'mod_tariffs 2.1.1 §2.2 eMSP Interface',
  '2.2.1': 'mod_tariffs 2.2.1 §Receiver Interface',
  '2.3.0': 'mod_tariffs 2.3.0 §Receiver Interface',
};
const DAY = 86_400_000;

function query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(service.database.url, async (c) => (await c.query(sql, params)).rows as T[]);
}

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('Tariffs pushed by a %s CPO', (version) => {
  const owner = { countryCode: 'NL', partyId: version === '2.1.1' ? 'TRA' : version === '2.2.1' ? 'TRB' : 'TRC' };
  const section = SECTION[version];
  const encoding = version === '2.1.1' ? 'plain' : 'base64';
  let cpo: RegisteredCpo;
  let base: string;
  /** The spec's kind of Tariff: € 0.50 start + € 0.35/kWh (step 100 Wh), VAT 20 %, in the version's wire form. */
  const tariffNamed = (id: string, extra: Record<string, unknown> = {}) => ({ ...tariffFor(version, { ...simpleTariffs(owner)[0], id }), ...extra });
  const call = (method: string, path: string, body?: unknown) => ocpiCall(`${base}${path}`, cpo.simulator.registration.tokenForClient!, { method, body, encoding });
  const held = async (id: string) => {
    const [row] = await query(`SELECT raw, deleted_at, last_updated FROM tariff WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3`, [
      owner.countryCode,
      owner.partyId,
      id,
    ]);
    return row;
  };
  const versions = (id: string) =>
    query(`SELECT version_no, deleted, valid_from FROM tariff_version WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3 ORDER BY version_no`, [
      owner.countryCode,
      owner.partyId,
      id,
    ]);

  beforeAll(async () => {
    cpo = await registerCpo(service, { version, ...owner, locations: [], tariffs: [] });
    base = `${service.url}/ocpi/emsp/${version}/tariffs/${owner.countryCode}/${owner.partyId}`;
  });
  afterAll(() => cpo?.close());

  it(`${section} §PUT Method, §GET Method: a new Tariff is HTTP 201, the same again 200 and unchanged (one history version); GET gives it back as sent`, async () => {
    const tariff = tariffNamed('T-PUT');
    expect(await call('PUT', `/T-PUT`, tariff)).toMatchObject({ status: 201, body: { status_code: 1000 } });
    const stored = await held('T-PUT');
    expect(stored).toMatchObject({ raw: tariff, deleted_at: null });
    expect(await call('PUT', `/T-PUT`, tariff)).toMatchObject({ status: 200, body: { status_code: 1000 } });
    expect(await held('T-PUT')).toEqual(stored);
    expect((await versions('T-PUT')).map((v) => [v.version_no, v.deleted])).toEqual([[1, false]]);
    expect(await call('GET', `/T-PUT`)).toMatchObject({ status: 200, body: { status_code: 1000, data: tariff } });
    // status_codes §2xxx: OCPI has no "unknown Tariff" code; 2000 in HTTP 404, as for an unknown CDR.
    expect(await call('GET', `/NOPE`)).toMatchObject({ status: 404, body: { status_code: 2000, status_message: `Unknown Tariff NL/${owner.partyId}/NOPE` } });
  });

  it(`${section} §PUT Method: an older Tariff (last_updated) changes nothing, said in status_message; a later one replaces it and is a new history version`, async () => {
    const tariff = tariffNamed('T-ORDER', { last_updated: '2024-03-01T00:00:00Z' });
    await call('PUT', `/T-ORDER`, tariff);
    const older = { ...tariff, currency: 'CHF', last_updated: '2024-02-01T00:00:00Z' };
    const stale = await call('PUT', `/T-ORDER`, older);
    expect(stale).toMatchObject({ status: 200, body: { status_code: 1000, status_message: 'Not applied: we hold a newer version (last_updated 2024-03-01T00:00:00.000Z)' } });
    expect((await held('T-ORDER')).raw).toEqual(tariff);
    const later = { ...tariff, currency: 'CHF', last_updated: '2024-04-01T00:00:00Z' };
    expect(await call('PUT', `/T-ORDER`, later)).toMatchObject({ status: 200, body: { status_code: 1000 } });
    expect((await held('T-ORDER')).raw).toEqual(later);
    expect((await versions('T-ORDER')).map((v) => v.version_no)).toEqual([1, 2]);
  });

  it(`${section} §DELETE Method: the Tariff leaves the price estimate and the search's price line, CDRs that started before are still priced with it, a later PUT brings it back`, async () => {
    const id = `T-DEL-${version.replace(/\./g, '')}`;
    const tariff = tariffNamed(id);
    const [location] = locationsFor(version, { count: 1, seed: 31, center: { latitude: 51.9, longitude: 4.48 }, radiusKm: 1, tariffIds: [id], ...owner }) as any[];
    const locations = `${service.url}/ocpi/emsp/${version}/locations/${owner.countryCode}/${owner.partyId}`;
    expect((await ocpiCall(`${locations}/${location.id}`, cpo.simulator.registration.tokenForClient!, { method: 'PUT', body: location, encoding })).status).toBe(201);
    expect(await call('PUT', `/${id}`, tariff)).toMatchObject({ status: 201 });
    const [connector] = await query(
      `SELECT c.id FROM connector c JOIN evse e ON e.id = c.evse_id JOIN location l ON l.id = e.location_id WHERE l.country_code = $1 AND l.party_id = $2 AND l.ocpi_id = $3 ORDER BY e.uid, c.ocpi_id LIMIT 1`,
      [owner.countryCode, owner.partyId, location.id],
    );
    const estimate = async (extra = '') => (await service.api(`/api/v1/connectors/${connector.id}/price-estimate?energy_kwh=5&duration_minutes=60${extra}`)).body;
    const searchPrice = async () => {
      const { body } = await service.api(`/api/v1/locations?latitude=51.9&longitude=4.48&radius_m=5000&party=${owner.countryCode}*${owner.partyId}&limit=10`);
      return body.data.find((r: any) => r.location.ocpi_id === location.id).connectors[0].price;
    };
    // FLAT 0.50 + 5 kWh × 0.35 = 1.75 → 2.25 before taxes.
    expect((await estimate()).estimates).toEqual([expect.objectContaining({ tariff_id: id, total: expect.objectContaining({ before_taxes: '2.25' }) })]);
    expect(await searchPrice()).toMatchObject({ tariff_id: id });
    const before = new Date(Date.now() - 60_000).toISOString();

    expect(await call('DELETE', `/${id}`)).toMatchObject({ status: 200, body: { status_code: 1000 } });
    // Nothing removed: the row is kept, marked; the history ends with a tombstone.
    expect(await held(id)).toMatchObject({ raw: tariff, deleted_at: expect.any(Date) });
    expect((await versions(id)).map((v) => [v.version_no, v.deleted])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(await call('GET', `/${id}`)).toMatchObject({ status: 404, body: { status_code: 2000 } });
    expect(await call('DELETE', `/${id}`)).toMatchObject({ status: 200, body: { status_code: 1000, status_message: expect.stringMatching(/^Already deleted at /) } });
    const after = await estimate();
    expect([after.estimates, after.missing_tariff_ids]).toEqual([[], [id]]);
    expect(await searchPrice()).toBeNull();
    // A charge that started before the DELETE: the version in force then still prices it.
    expect((await estimate(`&start=${encodeURIComponent(before)}`)).estimates).toEqual([
      expect.objectContaining({ tariff_id: id, total: expect.objectContaining({ before_taxes: '2.25' }) }),
    ]);

    // A CDR of a charge five days ago, pushed after the DELETE, names no tariff: priced with the one its connector lists
    // (2.1.1's total_cost has no after-taxes figure to compare).
    const firstDay = new Date(Date.now() - 5 * DAY).toISOString().slice(0, 10);
    const [cdr] = generateCdrs({ version, locations: [location], tariffs: [tariff], ...owner, count: 1, seed: 9, firstDay, withoutTariffs: [0], idPrefix: `CDR-${id}-` });
    expect(await ocpiCall(`${service.url}/ocpi/emsp/${version}/cdrs`, cpo.simulator.registration.tokenForClient!, { method: 'POST', body: cdr, encoding })).toMatchObject({
      status: 201,
    });
    const line = async () => (await service.finance('GET', `/cdrs?cdr_id=${encodeURIComponent(String(cdr.id))}`)).body.data[0];
    expect(await line()).toMatchObject({ exact: true, difference: { before_taxes: '0.00' } });
    expect((await service.finance('POST', '/cdrs/recompute', { body: { connection_id: cpo.connectionId } })).status).toBe(200);
    expect(await line()).toMatchObject({ exact: true, difference: { before_taxes: '0.00' } });

    // The same Tariff PUT again is back in use: created anew (201), a new version, in the estimate and the search.
    expect(await call('PUT', `/${id}`, tariff)).toMatchObject({ status: 201, body: { status_code: 1000 } });
    expect(await held(id)).toMatchObject({ deleted_at: null });
    expect((await versions(id)).map((v) => [v.version_no, v.deleted])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect((await estimate()).estimates).toEqual([expect.objectContaining({ tariff_id: id })]);
    expect(await searchPrice()).toMatchObject({ tariff_id: id });
  });

  it(`${section} §DELETE Method: an unknown Tariff is 2000 in HTTP 404; another party's is refused (2001, naming the party)`, async () => {
    expect(await call('DELETE', `/NEVER-SENT`)).toMatchObject({ status: 404, body: { status_code: 2000 } });
    const foreign = await ocpiCall(`${service.url}/ocpi/emsp/${version}/tariffs/BE/BEC/FOREIGN`, cpo.simulator.registration.tokenForClient!, { method: 'DELETE', encoding });
    expect(foreign).toMatchObject({ status: 200, body: { status_code: 2001 } });
    expect(foreign.body.status_message).toMatch(/belongs to party BE\*BEC, which is not a party of this connection/);
  });

  it(`transport_and_format §Authorization header: the other Authorization form works on the Tariffs paths too`, async () => {
    const other = encoding === 'plain' ? 'base64' : 'plain';
    const r = await ocpiCall(`${base}/T-PUT`, cpo.simulator.registration.tokenForClient!, { encoding: other });
    expect(r).toMatchObject({ status: 200, body: { status_code: 1000, data: { id: 'T-PUT' } } });
  });

  if (version === '2.1.1') {
    it(`${section} §2.2.3 PATCH Method: the fields sent replace ours (elements whole), a new history version; an unknown Tariff is 2000 in HTTP 404, nothing stored`, async () => {
      const tariff = tariffNamed('T-PATCH');
      await call('PUT', `/T-PATCH`, tariff);
      const elements = [{ price_components: [{ type: 'TIME', price: 2.5, step_size: 300 }] }];
      expect(await call('PATCH', `/T-PATCH`, { elements, last_updated: '2024-05-01T00:00:00Z' })).toMatchObject({ status: 200, body: { status_code: 1000 } });
      expect((await held('T-PATCH')).raw).toEqual({ ...tariff, elements, last_updated: '2024-05-01T00:00:00Z' });
      expect((await versions('T-PATCH')).map((v) => v.version_no)).toEqual([1, 2]);
      expect(await call('PATCH', `/T-UNKNOWN`, { elements, last_updated: '2024-05-01T00:00:00Z' })).toMatchObject({ status: 404, body: { status_code: 2000 } });
      expect(await held('T-UNKNOWN')).toBeUndefined();
    });
  } else {
    it(`${section}: "PATCH n/a": HTTP 405 with an OCPI body (2000), nothing changes`, async () => {
      const tariff = tariffNamed('T-NOPATCH');
      await call('PUT', `/T-NOPATCH`, tariff);
      const r = await call('PATCH', `/T-NOPATCH`, { currency: 'CHF', last_updated: '2024-05-01T00:00:00Z' });
      expect(r).toMatchObject({ status: 405, body: { status_code: 2000 } });
      expect(r.body.status_message).toMatch(/^PATCH is not part of the .* Tariffs Receiver interface/);
      expect((await held('T-NOPATCH')).raw).toEqual(tariff);
    });
  }
});
