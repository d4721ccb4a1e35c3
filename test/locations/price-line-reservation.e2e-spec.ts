/**
 * The list view's price line ("from X/kWh + Y/h + Z start") shows only what applies to a charge: a TariffElement with
 * a `reservation` restriction prices the reservation, never the charge (mod_tariffs 2.2.1 §TariffRestrictions class,
 * `reservation`: "When this field is present, the TariffElement describes reservation costs"; §ReservationRestrictionType
 * enum). With the spec's "Tariff example with reservation price" (tariff_15: € 5.00 / h for the reservation, € 0.50
 * start and € 0.25 / kWh for the charge), pulled from the CPO simulator: the search's list view, the detail and the
 * price estimate agree that a charge costs no time.
 */
import { generateLocations, loadFixtureFiles } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'RSV' };
const centre = { latitude: 52.09, longitude: 5.12 };

describe('price line of a tariff with a reservation-only element (mod_tariffs 2.2.1 §TariffRestrictions reservation)', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  const tariffs = loadFixtureFiles('tariffs', owner)
    .filter((f) => f.file.startsWith('tariff_15_'))
    .map((f) => f.object as any);
  const [location] = generateLocations({ count: 1, seed: 7, center: centre, radiusKm: 0.1, ...owner, tariffIds: ['20'] }) as any[];
  location.opening_times = { twentyfourseven: true };
  for (const e of location.evses) e.status = 'AVAILABLE';

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, { ...owner, locations: [location], tariffs });
    const pulled = await cpo.sync();
    expect(pulled.slice(0, 2).map((o: { module: string; status: string }) => [o.module, o.status])).toEqual([
      ['tariffs', 'SUCCEEDED'],
      ['locations', 'SUCCEEDED'],
    ]);
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  const expectedLine = {
    tariff_id: '20',
    currency: 'EUR',
    text: '€0.275/kWh + €0.60 start',
    incl_vat: true,
    energy_per_kwh: '0.275',
    start_fee: '0.6',
    time_per_hour: null,
    parking_per_hour: null,
  };

  it('the search list view shows energy and start fee only: no "€6.00/h" from the reservation element, no "from"', async () => {
    const { status, body } = await service.api(`/api/v1/locations?latitude=${centre.latitude}&longitude=${centre.longitude}&radius_m=1000&evses=true`);
    expect(status).toBe(200);
    expect(body.data).toHaveLength(1);
    for (const group of body.data[0].connectors) expect(group.price).toEqual(expectedLine);
    for (const e of body.data[0].evses) for (const c of e.connectors) expect(c.price).toEqual(expectedLine);
  });

  it('the detail gives the same summary (time per hour null, not restricted), and the estimate charges nothing for time', async () => {
    const search = (await service.api(`/api/v1/locations?latitude=${centre.latitude}&longitude=${centre.longitude}&radius_m=1000&evses=true`)).body;
    const detail = (await service.api(`/api/v1/locations/${search.data[0].location.id}`)).body;
    const connector = detail.evses[0].connectors[0];
    expect(connector.price).toMatchObject({
      tariff_id: '20',
      time_per_hour: null,
      energy_per_kwh: { excl_vat: '0.25', incl_vat: '0.275' },
      start_fee: { excl_vat: '0.5', incl_vat: '0.6' },
      restricted: false,
      text: '€0.275/kWh + €0.60 start',
    });
    const estimate = (await service.api(`/api/v1/connectors/${search.data[0].evses[0].connectors[0].id}/price-estimate?energy_kwh=10&duration_minutes=60`)).body;
    expect(estimate.estimates[0]).toMatchObject({
      tariff_id: '20',
      exact: true,
      costs: { TIME: { before_taxes: '0.00' }, FLAT: { before_taxes: '0.50' }, ENERGY: { before_taxes: '2.50' } },
      total: { before_taxes: '3.00' },
    });
  });
});
