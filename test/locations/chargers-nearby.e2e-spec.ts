/**
 * Internal API GET /api/v1/chargers/nearby: Locations within a radius, nearest first, and "available now"
 * = an EVSE with status AVAILABLE (mod_locations 2.2.1 §8.4.22 Status) at a Location open now by its
 * opening_times (mod_locations 2.2.1 §8.4.14 Hours) in its own time zone.
 */
import { generateLocations } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'GEO' };
const centre = { latitude: 52.0907, longitude: 5.1214 };

describe('chargers near a point (internal API) with "available now" per mod_locations 2.2.1', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  const locations = generateLocations({ count: 60, seed: 7, center: centre, radiusKm: 4, ...owner }) as any[];
  // Make the expectations independent of the generator's random statuses and hours.
  for (const l of locations) {
    l.opening_times = { twentyfourseven: true };
    l.publish = true;
    for (const e of l.evses) e.status = 'AVAILABLE';
  }
  const allCharging = locations[0];
  for (const e of allCharging.evses) e.status = 'CHARGING';
  const closedNow = locations[1];
  closedNow.opening_times = {
    twentyfourseven: true,
    exceptional_closings: [{ period_begin: '2020-01-01T00:00:00Z', period_end: '2099-01-01T00:00:00Z' }],
  };
  const unpublished = locations[2];
  unpublished.publish = false;

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, { ...owner, locations });
    await cpo.sync();
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('returns exactly the published Locations within the radius, nearest first, with distances in metres', async () => {
    const radius = 2500;
    const { status, body } = await service.api(`/api/v1/chargers/nearby?latitude=${centre.latitude}&longitude=${centre.longitude}&radius_m=${radius}&limit=100`);
    expect(status).toBe(200);
    const expected = locations
      .filter((l) => l.publish && haversineM(centre, l.coordinates) <= radius)
      .map((l) => l.id)
      .sort();
    expect(body.data.map((r: any) => r.location.ocpi_id).sort()).toEqual(expected);
    const distances = body.data.map((r: any) => r.distance_m);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    for (const r of body.data) {
      const source = locations.find((l) => l.id === r.location.ocpi_id);
      expect(Math.abs(r.distance_m - haversineM(centre, source.coordinates))).toBeLessThanOrEqual(1);
    }
  });

  it('names the CPO and lists EVSEs with status and connectors with standard, power_type and max power in kW', async () => {
    const { body } = await service.api(`/api/v1/chargers/nearby?latitude=${centre.latitude}&longitude=${centre.longitude}&radius_m=5000&limit=100`);
    const result = body.data.find((r: any) => r.location.ocpi_id === locations[3].id);
    expect(result.cpo).toMatchObject({ country_code: 'NL', party_id: 'GEO' });
    expect(result.location.time_zone).toBe(locations[3].time_zone);
    expect(result.evses.map((e: any) => e.uid).sort()).toEqual(locations[3].evses.map((e: any) => e.uid).sort());
    const source = locations[3].evses[0].connectors[0];
    const connector = result.evses.find((e: any) => e.uid === locations[3].evses[0].uid).connectors.find((c: any) => c.ocpi_id === source.id);
    expect(connector).toMatchObject({ standard: source.standard, power_type: source.power_type });
    const expectedKw =
      source.max_electric_power !== undefined ? source.max_electric_power / 1000 : ((source.power_type === 'AC_3_PHASE' ? 3 : 1) * source.max_voltage * source.max_amperage) / 1000;
    expect(connector.max_power_kw).toBeCloseTo(expectedKw, 1);
  });

  it('available_now leaves out a Location whose EVSEs are all CHARGING and one closed by an exceptional closing', async () => {
    const base = `/api/v1/chargers/nearby?latitude=${centre.latitude}&longitude=${centre.longitude}&radius_m=5000&limit=100`;
    const all = (await service.api(base)).body.data.map((r: any) => r.location.ocpi_id);
    const free = (await service.api(`${base}&available_now=true`)).body.data;
    const freeIds = free.map((r: any) => r.location.ocpi_id);
    expect(all).toEqual(expect.arrayContaining([allCharging.id, closedNow.id]));
    expect(freeIds).not.toContain(allCharging.id);
    expect(freeIds).not.toContain(closedNow.id);
    expect(freeIds.sort()).toEqual(all.filter((id: string) => id !== allCharging.id && id !== closedNow.id).sort());
    const closed = (await service.api(base)).body.data.find((r: any) => r.location.ocpi_id === closedNow.id);
    expect(closed.location.opening).toMatchObject({ open: false, reason: 'EXCEPTIONAL_CLOSING' });
  });

  it('honours limit and answers 400 naming the parameter for invalid input, 401 without the API key', async () => {
    const limited = await service.api(`/api/v1/chargers/nearby?latitude=${centre.latitude}&longitude=${centre.longitude}&radius_m=5000&limit=3`);
    expect(limited.body.data).toHaveLength(3);
    const invalid = await service.api(`/api/v1/chargers/nearby?latitude=95&longitude=abc&radius_m=0`);
    expect(invalid.status).toBe(400);
    const message = JSON.stringify(invalid.body.message);
    expect(message).toContain('latitude');
    expect(message).toContain('longitude');
    expect(message).toContain('radius_m');
    const unauthorised = await service.api(`/api/v1/chargers/nearby?latitude=52&longitude=5&radius_m=100`, { key: null });
    expect(unauthorised.status).toBe(401);
  });
});

/** Great-circle distance in metres (haversine, mean Earth radius), computed independently of the service. */
function haversineM(a: { latitude: number | string; longitude: number | string }, b: { latitude: number | string; longitude: number | string }): number {
  const rad = (d: number | string) => (Number(d) * Math.PI) / 180;
  const dLat = rad(b.latitude) - rad(a.latitude);
  const dLon = rad(b.longitude) - rad(a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}
