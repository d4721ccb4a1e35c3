/**
 * Internal API GET /api/v1/connectors/{id}/price-estimate, priced from the tariffs the connector lists
 * (mod_locations 2.2.1 §8.3.3 Connector.tariff_ids) with the spec's example tariffs (mod_tariffs 2.2.1 §4.1
 * examples "Simple Tariff example 0.25 euro per kWh" and "with minimum price").
 */
import { generateLocations, loadFixtureFiles } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const owner = { countryCode: 'NL', partyId: 'PRC' };

describe('price estimate for a connector (internal API) from mod_tariffs 2.2.1 example tariffs', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  let connectorId: string;
  let minPriceConnectorId: string;
  const tariffs = loadFixtureFiles('tariffs', owner)
    .filter((f) => /tariff_(8|12)_/.test(f.file))
    .map((f) => f.object);
  const [location] = generateLocations({ count: 1, seed: 3, center: { latitude: 52.37, longitude: 4.89 }, radiusKm: 0.1, ...owner }) as any[];
  location.evses = location.evses.slice(0, 2);
  location.evses[0].connectors = [{ ...location.evses[0].connectors[0], tariff_ids: ['16', 'NOT-PULLED'] }];
  location.evses[1] = { ...location.evses[1], connectors: [{ ...location.evses[1].connectors[0], tariff_ids: ['20'] }] };

  beforeAll(async () => {
    service = await startTestService();
    cpo = await registerCpo(service, { ...owner, locations: [location], tariffs });
    await cpo.sync();
    const { body } = await service.api(`/api/v1/chargers/nearby?latitude=52.37&longitude=4.89&radius_m=1000`);
    const evses = body.data[0].evses;
    connectorId = evses.find((e: any) => e.uid === location.evses[0].uid).connectors[0].id;
    minPriceConnectorId = evses.find((e: any) => e.uid === location.evses[1].uid).connectors[0].id;
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('tariff_8 (0.25 EUR/kWh excl., 10 % VAT): 20 kWh costs 5.00 excl., 0.50 VAT, 5.50 incl., as decimal strings', async () => {
    const { status, body } = await service.api(`/api/v1/connectors/${connectorId}/price-estimate?energy_kwh=20&duration_minutes=45`);
    expect(status).toBe(200);
    expect(body.estimates).toHaveLength(1);
    expect(body.estimates[0]).toMatchObject({
      tariff_id: '16', currency: 'EUR', totalExclVat: '5.00', totalVat: '0.50', totalInclVat: '5.50', exact: true, unevaluatedRestrictions: [],
    });
    expect(body.estimates[0].components).toEqual([expect.objectContaining({ type: 'ENERGY', unit: 'kWh', vatPercent: '10' })]);
  });

  it('says which listed tariff it does not hold rather than guessing', async () => {
    const { body } = await service.api(`/api/v1/connectors/${connectorId}/price-estimate?energy_kwh=20&duration_minutes=45`);
    expect(body.missing_tariff_ids).toEqual(['NOT-PULLED']);
  });

  it('tariff_12 min_price (0.50 excl. / 0.55 incl.): 1 kWh is lifted to the minimum price', async () => {
    const { body } = await service.api(`/api/v1/connectors/${minPriceConnectorId}/price-estimate?energy_kwh=1&duration_minutes=10`);
    expect(body.estimates[0]).toMatchObject({ tariff_id: '20', totalExclVat: '0.50', totalInclVat: '0.55', minPriceApplied: true });
  });

  it('answers 400 for a negative or non-decimal charge and 404 for an unknown connector', async () => {
    const invalid = await service.api(`/api/v1/connectors/${connectorId}/price-estimate?energy_kwh=-1&duration_minutes=1e3`);
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.message)).toContain('energy_kwh');
    expect(JSON.stringify(invalid.body.message)).toContain('duration_minutes');
    const unknown = await service.api(`/api/v1/connectors/00000000-0000-4000-8000-000000000000/price-estimate?energy_kwh=1&duration_minutes=1`);
    expect(unknown.status).toBe(404);
  });
});
