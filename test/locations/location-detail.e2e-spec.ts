/**
 * Internal API GET /api/v1/locations/{id}: everything the app shows for a Location (mod_locations 2.2.1 §8.3.1
 * Location, §8.3.2 EVSE, §8.3.3 Connector), the tariff display text in the requested language (mod_tariffs 2.2.1
 * §4.3.1 tariff_alt_text, types §DisplayText), and conditional GET with ETag / If-None-Match (RFC 9110 §13.1.2).
 * Objects: the spec's "Example public charging location" (location_example.json) and "Tariff example with
 * alternative text" (tariff_2_alt_text.json), with directions, facilities, images and the spec's complete
 * EnergyMix example (location_energymix_example_complete.json) added.
 */
import { loadFixtureFiles } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'BE', partyId: 'BEC' };
const energyMix = {
  is_green_energy: false,
  energy_sources: [
    { source: 'GENERAL_GREEN', percentage: 35.9 },
    { source: 'GAS', percentage: 6.3 },
    { source: 'COAL', percentage: 33.2 },
    { source: 'GENERAL_FOSSIL', percentage: 2.9 },
    { source: 'NUCLEAR', percentage: 21.7 },
  ],
  environ_impact: [
    { category: 'NUCLEAR_WASTE', amount: 0.0006 },
    { category: 'CARBON_DIOXIDE', amount: 372 },
  ],
  supplier_name: 'E.ON Energy Deutschland',
  energy_product_name: 'E.ON DirektStrom eco',
};

describe('Location detail (internal API) per mod_locations 2.2.1 §8.3', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  let id: string;
  const location = loadFixtureFiles('locations', owner).find((f) => f.file === 'location_example.json')!.object as any;
  Object.assign(location, {
    directions: [
      { language: 'nl', text: 'Ingang naast het station' },
      { language: 'en', text: 'Entrance next to the station' },
    ],
    facilities: ['TRAIN_STATION', 'CAFE'],
    images: [{ url: 'https://example.com/img/gent-zuid.jpg', category: 'LOCATION', type: 'jpeg' }],
    energy_mix: energyMix,
  });
  location.evses[0].connectors[0].tariff_ids = ['12', 'NOT-PULLED'];
  const tariffs = loadFixtureFiles('tariffs', owner)
    .filter((f) => f.file.startsWith('tariff_2_'))
    .map((f) => f.object);

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, { ...owner, locations: [location], tariffs });
    await cpo.sync();
    const { body } = await service.api('/api/v1/locations?latitude=51.0476&longitude=3.7299&radius_m=500');
    id = body.data[0].location.id;
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('shows the Location with EVSEs, connectors, directions, facilities, images, energy mix and operator', async () => {
    const { status, body } = await service.api(`/api/v1/locations/${id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ocpi_id: 'LOC1',
      country_code: 'BE',
      party_id: 'BEC',
      name: 'Gent Zuid',
      address: 'F.Rooseveltlaan 3A',
      city: 'Gent',
      postal_code: '9000',
      country: 'BEL',
      coordinates: { latitude: 51.047599, longitude: 3.729944 },
      parking_type: 'ON_STREET',
      time_zone: 'Europe/Brussels',
      cpo: { name: 'BeCharged' },
      operator: { name: 'BeCharged' },
      directions: { language: 'en', text: 'Entrance next to the station' },
      facilities: ['TRAIN_STATION', 'CAFE'],
      energy_mix: energyMix,
      opening: { open: true, reason: 'NO_OPENING_TIMES' },
    });
    expect(body.images).toEqual(location.images);
    expect(body.evses.map((e: any) => [e.uid, e.evse_id, e.status, e.free, e.not_free?.reason ?? null, e.floor_level, e.physical_reference])).toEqual([
      ['3256', 'BE*BEC*E041503001', 'AVAILABLE', true, null, '-1', '1'],
      ['3257', 'BE*BEC*E041503002', 'RESERVED', false, 'RESERVED', '-2', '2'],
    ]);
    // 220 V × 16 A × 3 phases = 10.56 kW (no max_electric_power declared).
    expect(body.evses[0].connectors[0]).toMatchObject({ standard: 'IEC_62196_T2', format: 'CABLE', power_type: 'AC_3_PHASE', max_power_kw: 10.6, max_power_source: 'computed' });
    expect(body.routes).toEqual([expect.objectContaining({ route: 'DIRECT', holds: true })]);
  });

  it('gives each connector its tariffs with the display text in ?lang (nl), falling back to en, and names tariffs we do not hold', async () => {
    const nl = (await service.api(`/api/v1/locations/${id}?lang=nl`)).body;
    const connector = nl.evses[0].connectors[0];
    expect(connector.tariffs).toEqual([
      expect.objectContaining({
        tariff_id: '12',
        type: 'AD_HOC_PAYMENT',
        currency: 'EUR',
        display_text: { language: 'nl', text: '2.00 euro p/uur inclusief BTW.' },
      }),
    ]);
    expect(connector.missing_tariff_ids).toEqual(['NOT-PULLED']);
    // 1.90 per hour + 5.2 % VAT = 1.9988 per hour.
    expect(connector.price).toMatchObject({ tariff_id: '12', time_per_hour: { excl_vat: '1.9', incl_vat: '1.9988' } });
    expect(nl.directions).toEqual({ language: 'nl', text: 'Ingang naast het station' });
    const fr = (await service.api(`/api/v1/locations/${id}?lang=fr`)).body;
    expect(fr.evses[0].connectors[0].tariffs[0].display_text).toEqual({ language: 'en', text: '2.00 euro p/hour including VAT.' });
  });

  it('answers If-None-Match with the current ETag by 304 without a body, and with a new ETag once the Location changed', async () => {
    const first = await service.api(`/api/v1/locations/${id}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const again = await fetch(`${service.url}/api/v1/locations/${id}`, { headers: { 'X-API-Key': apiKey(), 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await service.api(`/api/v1/locations/${id}?lang=nl`)).headers.get('etag')).not.toBe(etag);

    cpo.simulator.setLocations([
      { ...location, evses: [{ ...location.evses[0], status: 'CHARGING', last_updated: new Date().toISOString() }, location.evses[1]], last_updated: new Date().toISOString() },
    ]);
    await cpo.sync();
    const changed = await fetch(`${service.url}/api/v1/locations/${id}`, { headers: { 'X-API-Key': apiKey(), 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as any).evses[0]).toMatchObject({ status: 'CHARGING', free: false, not_free: { reason: 'CHARGING' } });
  });

  it('answers 400 for an id that is not a uuid or a bad lang, 404 for an unknown or unpublished Location', async () => {
    expect((await service.api('/api/v1/locations/LOC1')).status).toBe(400);
    expect((await service.api(`/api/v1/locations/${id}?lang=english!`)).status).toBe(400);
    expect((await service.api('/api/v1/locations/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    cpo.simulator.setLocations([{ ...location, publish: false, last_updated: new Date(Date.now() + 1000).toISOString() }]);
    await cpo.sync();
    const hidden = await service.api(`/api/v1/locations/${id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toContain('No published Location');
  });

  function apiKey(): string {
    return service.config.env.INTERNAL_API_KEY;
  }
});
