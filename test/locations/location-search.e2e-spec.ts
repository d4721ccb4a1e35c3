/**
 * Internal API GET /api/v1/locations: radius and bounding-box search with filters (mod_locations 2.2.1 §8.4.5
 * ConnectorType, §8.4.19 PowerType, §8.4.3 Capability, §8.4.18 ParkingType, §8.4.14 Hours), "free now" with the
 * reason an EVSE is not free (§8.4.22 Status), status age, keyset pagination, and a price line per connector.
 */
import { generateLocations, loadFixtureFiles } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const mine = { countryCode: 'NL', partyId: 'SRC' };
const other = { countryCode: 'NL', partyId: 'OTH' };
const centre = { latitude: 52.0907, longitude: 5.1214 };
const near = `latitude=${centre.latitude}&longitude=${centre.longitude}`;

describe('Location search (internal API) per mod_locations 2.2.1', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  let otherCpo: RegisteredCpo;
  const tariffs = loadFixtureFiles('tariffs', mine)
    .filter((f) => f.file.startsWith('tariff_9_'))
    .map((f) => f.object);
  const locations = generateLocations({ count: 80, seed: 11, center: centre, radiusKm: 5, ...mine, tariffIds: ['17'] }) as any[];
  const others = generateLocations({ count: 20, seed: 12, center: centre, radiusKm: 5, ...other }) as any[];
  for (const l of others) l.id = l.id.replace('LOC-', 'OTH-'); // ids unique across both CPOs keep the expectations simple
  for (const l of [...locations, ...others]) {
    l.opening_times = { twentyfourseven: true };
    l.publish = true;
    for (const e of l.evses) e.status = 'AVAILABLE';
  }
  const hourNow = new Date().getUTCHours();
  const opensAt = `${String((hourNow + 2) % 24).padStart(2, '0')}:00`;
  const [closedByException, closedByHours, mixedStatuses] = locations;
  closedByException.opening_times = {
    twentyfourseven: true,
    exceptional_closings: [{ period_begin: '2020-01-01T00:00:00Z', period_end: '2099-01-01T00:00:00Z' }],
  };
  closedByHours.time_zone = 'UTC';
  closedByHours.opening_times = {
    twentyfourseven: false,
    regular_hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, period_begin: opensAt, period_end: `${String((hourNow + 3) % 24).padStart(2, '0')}:00` })),
  };
  const template = mixedStatuses.evses[0];
  mixedStatuses.evses = ['CHARGING', 'OUTOFORDER', 'UNKNOWN', 'REMOVED', 'AVAILABLE'].map((status, i) => ({
    ...template,
    uid: `MIX-${i}`,
    evse_id: null,
    status,
    last_updated: `2025-0${i + 1}-01T00:00:00Z`,
  }));
  mixedStatuses.last_updated = '2025-06-01T00:00:00Z';

  const all = () => [...locations, ...others];
  const search = async (query: string) => service.api(`/api/v1/locations?${query}`);
  const idsOf = (body: any) => body.data.map((r: any) => r.location.ocpi_id);

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, { ...mine, locations, tariffs });
    otherCpo = await registerCpo(service, { ...other, locations: others });
    await cpo.sync();
    await otherCpo.sync();
  });
  afterAll(async () => {
    await cpo?.close();
    await otherCpo?.close();
    await service?.stop();
  });

  it('bbox (west,south,east,north) returns exactly the Locations inside, nearest to the given point first', async () => {
    const box = { west: 5.09, south: 52.07, east: 5.15, north: 52.11 };
    const expected = all().filter((l) => {
      const [lat, lon] = [Number(l.coordinates.latitude), Number(l.coordinates.longitude)];
      return lon >= box.west && lon <= box.east && lat >= box.south && lat <= box.north;
    });
    const { status, body } = await search(`bbox=${box.west},${box.south},${box.east},${box.north}&${near}&limit=100`);
    expect(status).toBe(200);
    expect([...idsOf(body)].sort()).toEqual(expected.map((l) => l.id).sort());
    const distances = body.data.map((r: any) => r.distance_m);
    expect(distances).toEqual([...distances].sort((a: number, b: number) => a - b));
    expect(Math.abs(body.data[0].distance_m - haversineM(centre, expected.find((l) => l.id === body.data[0].location.ocpi_id).coordinates))).toBeLessThanOrEqual(1);
    const fromBoxCentre = await search(`bbox=${box.west},${box.south},${box.east},${box.north}&limit=1`);
    expect(fromBoxCentre.body.meta.origin).toEqual({ latitude: 52.09, longitude: 5.12 });
  });

  it.each([
    ['connector_standard=IEC_62196_T2_COMBO', (e: any) => e.connectors.some((c: any) => c.standard === 'IEC_62196_T2_COMBO')],
    ['power_type=DC&min_power_kw=150', (e: any) => e.connectors.some((c: any) => c.power_type === 'DC' && c.max_electric_power / 1000 >= 150)],
    ['capabilities=CREDIT_CARD_PAYABLE,RESERVABLE', (e: any) => ['CREDIT_CARD_PAYABLE', 'RESERVABLE'].every((x) => e.capabilities.includes(x))],
  ])('EVSE filter %s keeps the Locations with a matching EVSE and lists only matching EVSEs', async (query, matches) => {
    const { status, body } = await search(`${near}&radius_m=10000&limit=100&evses=true&${query}`);
    expect(status).toBe(200);
    const expected = all().filter((l) => l.evses.some((e: any) => e.status !== 'REMOVED' && matches(e)));
    expect(expected.length).toBeGreaterThan(0);
    expect([...idsOf(body)].sort()).toEqual(expected.map((l) => l.id).sort());
    for (const r of body.data) {
      const source = all().find((l) => l.id === r.location.ocpi_id);
      const listed = source.evses.filter((e: any) => e.status !== 'REMOVED' && matches(e)).map((e: any) => e.uid);
      expect(r.evses.map((e: any) => e.uid).sort()).toEqual(listed.sort());
    }
  });

  it('Location filters: party (country_code*party_id), parking_type, open_24_7', async () => {
    const base = `${near}&radius_m=10000&limit=100`;
    expect([...idsOf((await search(`${base}&party=nl*oth`)).body)].sort()).toEqual(others.map((l) => l.id).sort());
    const garages = all()
      .filter((l) => ['PARKING_GARAGE', 'UNDERGROUND_GARAGE'].includes(l.parking_type))
      .map((l) => l.id);
    expect([...idsOf((await search(`${base}&parking_type=PARKING_GARAGE,UNDERGROUND_GARAGE`)).body)].sort()).toEqual(garages.sort());
    const always = idsOf((await search(`${base}&open_24_7=true`)).body);
    expect(always).not.toContain(closedByHours.id);
    expect(always).toContain(closedByException.id); // twentyfourseven, though closed today by an exception
  });

  it('says why an EVSE is not free: its status first, then "closed until HH:MM local time"; REMOVED EVSEs are never listed', async () => {
    const { body } = await search(`${near}&radius_m=10000&limit=100&evses=true`);
    const byId = (id: string) => body.data.find((r: any) => r.location.ocpi_id === id);
    const mixed = byId(mixedStatuses.id);
    expect(mixed.evses.map((e: any) => [e.status, e.free, e.not_free?.reason ?? null])).toEqual([
      ['CHARGING', false, 'CHARGING'],
      ['OUTOFORDER', false, 'OUT_OF_ORDER'],
      ['UNKNOWN', false, 'UNKNOWN'],
      ['AVAILABLE', true, null],
    ]);
    expect(mixed.free_evse_count).toBe(1);
    const hours = byId(closedByHours.id);
    expect(hours.location.opening).toMatchObject({ open: false, reason: 'OUTSIDE_REGULAR_HOURS' });
    expect(hours.evses[0].not_free.reason).toBe('LOCATION_CLOSED');
    expect(hours.evses[0].not_free.until).toMatch(new RegExp(`T${opensAt}:00\\+00:00$`));
    expect(hours.evses[0].not_free.message).toMatch(new RegExp(`^closed until ([A-Z][a-z]{2} )?${opensAt} local time$`));
    expect(byId(closedByException.id).evses[0].not_free).toMatchObject({ reason: 'LOCATION_CLOSED', message: 'closed (exceptional closing)' });
  });

  it('without evses=true a result is the list view: EVSEs counted per connector kind and price, reasons counted, no EVSE list', async () => {
    const { body } = await search(`${near}&radius_m=10000&limit=100`);
    const mixed = body.data.find((r: any) => r.location.ocpi_id === mixedStatuses.id);
    expect(mixed.evses).toBeUndefined();
    expect(mixed).toMatchObject({ evse_count: 4, free_evse_count: 1, not_free_counts: { CHARGING: 1, OUT_OF_ORDER: 1, UNKNOWN: 1 } });
    const c = template.connectors[0];
    expect(mixed.connectors).toEqual([
      {
        standard: c.standard,
        format: c.format,
        power_type: c.power_type,
        max_power_kw: c.max_electric_power / 1000,
        evse_count: 4,
        free_evse_count: 1,
        price: expect.objectContaining({ tariff_id: '17' }),
      },
    ]);
    const closed = body.data.find((r: any) => r.location.ocpi_id === closedByHours.id);
    expect(closed.not_free_counts).toEqual({ LOCATION_CLOSED: closedByHours.evses.length });
    for (const r of body.data) {
      const source = all().find((l) => l.id === r.location.ocpi_id);
      const kinds = new Set(source.evses.flatMap((e: any) => e.connectors.map((x: any) => x.standard)));
      expect(new Set(r.connectors.map((g: any) => g.standard))).toEqual(kinds);
    }
  });

  it('available_now keeps only Locations with a free EVSE: not the closed ones, still the one with a single AVAILABLE EVSE', async () => {
    const { body } = await search(`${near}&radius_m=10000&limit=100&available_now=true`);
    const ids = idsOf(body);
    expect(ids).not.toContain(closedByException.id);
    expect(ids).not.toContain(closedByHours.id);
    expect(ids).toContain(mixedStatuses.id);
    expect(ids).toHaveLength(all().length - 2);
    expect(body.data.every((r: any) => r.free_evse_count > 0)).toBe(true);
  });

  it('available_now narrows the EVSEs listed to the free ones, as the connector filters do (§8.4.22 Status): index and database alike', async () => {
    // The same database without the in-memory index answers from SQL (as while the index loads at start-up).
    const sqlOnly = await startTestService({ database: service.database, env: { SEARCH_INDEX_POLL_MS: '0' } });
    try {
      for (const s of [service, sqlOnly]) {
        const withEvses = (await s.api(`/api/v1/locations?${near}&radius_m=10000&limit=100&available_now=true&evses=true`)).body;
        const mixed = withEvses.data.find((r: any) => r.location.ocpi_id === mixedStatuses.id);
        expect(mixed.evses.map((e: any) => [e.uid, e.status, e.free])).toEqual([['MIX-4', 'AVAILABLE', true]]);
        expect(mixed).toMatchObject({ evse_count: 1, free_evse_count: 1, not_free_counts: {} });
        expect(mixed.connectors.map((g: any) => [g.evse_count, g.free_evse_count])).toEqual([[1, 1]]);
        // The status age is that of the EVSEs shown: MIX-4 changed last (2025-05-01).
        expect(mixed.status_age_seconds).toBe(mixed.evses[0].status_age_seconds);
        for (const r of withEvses.data) {
          expect(r.evse_count).toBe(r.free_evse_count);
          expect(r.evses.every((e: any) => e.free)).toBe(true);
        }
        const listView = (await s.api(`/api/v1/locations?${near}&radius_m=10000&limit=100&available_now=true`)).body;
        const mixedList = listView.data.find((r: any) => r.location.ocpi_id === mixedStatuses.id);
        expect(mixedList).toMatchObject({ evse_count: 1, free_evse_count: 1, not_free_counts: {} });
        expect(mixedList.connectors.map((g: any) => [g.evse_count, g.free_evse_count])).toEqual([[1, 1]]);
        // Combined with a connector filter: both narrow.
        const combined = (await s.api(`/api/v1/locations?${near}&radius_m=10000&limit=100&available_now=true&evses=true&connector_standard=${template.connectors[0].standard}`))
          .body;
        expect(combined.data.find((r: any) => r.location.ocpi_id === mixedStatuses.id).evses.map((e: any) => e.uid)).toEqual(['MIX-4']);
      }
    } finally {
      await sqlOnly.stop();
    }
  });

  it('each EVSE says when its status last changed and how old it is; the result gives the oldest age', async () => {
    const { body } = await search(`${near}&radius_m=10000&limit=100&evses=true`);
    const mixed = body.data.find((r: any) => r.location.ocpi_id === mixedStatuses.id);
    const evaluatedAt = Date.parse(body.meta.evaluated_at);
    const charging = mixed.evses.find((e: any) => e.uid === 'MIX-0');
    expect(charging.status_changed_at).toBe('2025-01-01T00:00:00.000Z');
    expect(charging.status_age_seconds).toBe(Math.floor((evaluatedAt - Date.parse('2025-01-01T00:00:00Z')) / 1000));
    expect(mixed.status_age_seconds).toBe(charging.status_age_seconds);
    expect(Date.parse(mixed.data_as_of)).toBeLessThanOrEqual(evaluatedAt);
  });

  it('gives each connector the "from … per kWh + … start" line of its tariff, in the requested language', async () => {
    const { body } = await search(`${near}&radius_m=10000&limit=1&party=NL*SRC&lang=nl&evses=true`);
    const price = body.data[0].evses[0].connectors[0].price;
    expect(price).toEqual({
      tariff_id: '17',
      currency: 'EUR',
      text: '€\u00a00,275/kWh + €\u00a00,60 starttarief',
      incl_vat: true,
      energy_per_kwh: '0.275',
      start_fee: '0.6',
      time_per_hour: null,
      parking_per_hour: null,
    });
    // A tariff the CPO changes shows its new price at once (its new current version is what the search asks for).
    const raised = JSON.parse(JSON.stringify(tariffs[0]));
    raised.elements[0].price_components.find((pc: any) => pc.type === 'ENERGY').price = 0.35;
    raised.last_updated = new Date().toISOString();
    cpo.simulator.setTariffs([raised]);
    await cpo.sync();
    const after = (await search(`${near}&radius_m=10000&limit=1&party=NL*SRC`)).body.data[0].connectors[0].price;
    expect(after).toMatchObject({ energy_per_kwh: '0.385', text: '€0.385/kWh + €0.60 start' });
  });

  it('pages with a keyset cursor: the pages concatenate to the full list, and a Location added nearer meanwhile shifts nothing', async () => {
    const base = `${near}&radius_m=10000`;
    const full = idsOf((await search(`${base}&limit=100`)).body);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await search(`${base}&limit=7${cursor ? `&cursor=${cursor}` : ''}`)).body;
      expect(page.data.length).toBeLessThanOrEqual(7);
      walked.push(...idsOf(page));
      cursor = page.meta.next_cursor;
    } while (cursor);
    expect(walked).toEqual(full);

    const first = (await search(`${base}&limit=5`)).body;
    const added = {
      ...locations[5],
      id: 'LOC-NEW-NEAREST',
      coordinates: { latitude: String(centre.latitude), longitude: String(centre.longitude) },
      last_updated: new Date().toISOString(),
    };
    cpo.simulator.setLocations([...locations, added]);
    await cpo.sync();
    const second = (await search(`${base}&limit=5&cursor=${first.meta.next_cursor}`)).body;
    expect(idsOf(second)).toEqual(full.slice(5, 10));
    expect(idsOf((await search(`${base}&limit=1`)).body)).toEqual(['LOC-NEW-NEAREST']);
  });

  it("is described in the OpenAPI document (/api/docs-json) with every parameter, the API key and the detail's 304", async () => {
    const doc: any = await (await fetch(`${service.url}/api/docs-json`)).json();
    const searchParams = doc.paths['/api/v1/locations'].get.parameters.map((p: any) => p.name);
    expect(searchParams).toEqual(
      expect.arrayContaining([
        'X-API-Key',
        'latitude',
        'longitude',
        'radius_m',
        'bbox',
        'connector_standard',
        'power_type',
        'min_power_kw',
        'party',
        'capabilities',
        'parking_type',
        'open_24_7',
        'available_now',
        'evses',
        'limit',
        'cursor',
        'lang',
      ]),
    );
    const standard = doc.paths['/api/v1/locations'].get.parameters.find((p: any) => p.name === 'connector_standard');
    expect(JSON.stringify(standard.schema)).toContain('IEC_62196_T2_COMBO');
    expect(Object.keys(doc.paths['/api/v1/locations/{id}'].get.responses)).toEqual(expect.arrayContaining(['200', '304', '404']));
    expect(doc.paths['/api/v1/chargers/nearby']).toBeDefined();
  });

  it('answers 400 naming the problem: both or neither area, a bad bbox, an unknown enum value, a foreign cursor, an unknown parameter', async () => {
    const cases: Array<[string, string]> = [
      [`${near}&radius_m=100&bbox=1,2,3,4`, 'not both'],
      [`${near}`, 'say where to search'],
      ['latitude=52&radius_m=100', 'latitude and longitude go together'],
      ['bbox=5,53,6,52', 'south must not be greater than north'],
      ['bbox=5,52,6', 'bbox must be west,south,east,north'],
      [`${near}&radius_m=100&connector_standard=IEC_62196_T2,TYPE2`, '"TYPE2" is not an OCPI ConnectorType'],
      [`${near}&radius_m=100&available_now=yes`, 'available_now must be true or false'],
      [`${near}&radius_m=100&party=NLSRC`, 'party must be country_code*party_id'],
      [`${near}&radius_m=100&colour=red`, 'property colour should not exist'],
    ];
    for (const [query, problem] of cases) {
      const { status, body } = await search(query);
      expect([query, status]).toEqual([query, 400]);
      expect([query, [body.message].flat().join(' | ')]).toEqual([query, expect.stringContaining(problem)]);
    }
    const page = (await search(`${near}&radius_m=10000&limit=2`)).body;
    const foreign = await search(`${near}&radius_m=10000&limit=2&available_now=true&cursor=${page.meta.next_cursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toContain('cursor belongs to a different search');
  });
});

/** Great-circle distance in metres (haversine, mean Earth radius), computed independently of the service. */
function haversineM(a: { latitude: number | string; longitude: number | string }, b: { latitude: number | string; longitude: number | string }): number {
  const rad = (d: number | string) => (Number(d) * Math.PI) / 180;
  const h =
    Math.sin((rad(b.latitude) - rad(a.latitude)) / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin((rad(b.longitude) - rad(a.longitude)) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}
