/**
 * Tolerant reading, explicit record (types 2.2.1 §DateTime, §number; mod_locations 2.2.1 §8.4 enums; the 2.3.0
 * "SHALL NOT reject on undocumented fields" rule; transport_and_format 2.2.1 §Response format): what has one clear
 * meaning is accepted, normalised to exactly what a spec-perfect CPO gives, and counted per CPO, module and field.
 */
import { generateLocations, loadFixtureTariffs } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

const objectsOf = (owner: { countryCode: string; partyId: string }) => {
  const tariffs = loadFixtureTariffs(owner);
  const locations = generateLocations({
    count: 40,
    seed: 9,
    center: { latitude: 51.92, longitude: 4.48 },
    radiusKm: 4,
    ...owner,
    operatorName: 'One Operator',
    tariffIds: tariffs.map((t: any) => t.id),
  });
  return { tariffs, locations };
};

describe('tolerant reading: a CPO bending the wire format ends up stored exactly like a spec-perfect one, and counted', () => {
  let service: TestService;
  let clean: RegisteredCpo;
  let bent: RegisteredCpo;
  const cleanOwner = { countryCode: 'NL', partyId: 'CLN' };
  const bentOwner = { countryCode: 'NL', partyId: 'BNT' };
  const { locations } = objectsOf(bentOwner);
  const connectors = locations.flatMap((l: any) => l.evses.flatMap((e: any) => e.connectors)).length;
  const evses = locations.flatMap((l: any) => l.evses);

  beforeAll(async () => {
    service = await startTestService();
    clean = await registerCpo(service, { ...cleanOwner, ...objectsOf(cleanOwner), maxPageLimit: 15 });
    bent = await registerCpo(service, {
      ...bentOwner,
      ...objectsOf(bentOwner),
      maxPageLimit: 15,
      quirks: { wire: { numbersAsStrings: true, timestampsWithoutZ: true, emptyStringsForAbsent: true }, envelope: { omitTimestamp: true } },
    });
  });
  afterAll(async () => {
    await clean?.close();
    await bent?.close();
    await service?.stop();
  });

  it('numbers as strings, DateTimes without Z, "" for absent optional fields, envelopes without timestamp: nothing rejected, every row identical', async () => {
    const [cleanOutcomes, bentOutcomes] = [await clean.sync(), await bent.sync()];
    for (const module of ['tariffs', 'locations']) {
      const c = cleanOutcomes.find((o: any) => o.module === module);
      const b = bentOutcomes.find((o: any) => o.module === module);
      expect(b).toMatchObject({ status: 'SUCCEEDED', received: c.received, stored: c.stored, rejected: c.rejected });
      expect(c.deviations).toBe(0);
      expect(b.deviations).toBeGreaterThan(0);
    }
    expect(await canonicalRows(service, 'CLN')).toEqual(await canonicalRows(service, 'BNT'));
  });

  it('counts each deviation per CPO, module and field, visible in the operations API (deviations, summary, sync runs)', async () => {
    const { status, body } = await service.ops('GET', `/connections/${bent.connectionId}/deviations`);
    expect(status).toBe(200);
    const count = (module: string, kind: string, field: string) => body.find((d: any) => d.module === module && d.kind === kind && d.field === field)?.count;
    expect(count('locations', 'NUMBER_AS_STRING', 'evses.connectors.max_voltage')).toBe(connectors);
    expect(count('locations', 'DATETIME_WITHOUT_TIMEZONE', 'last_updated')).toBe(locations.length);
    expect(count('locations', 'DATETIME_WITHOUT_TIMEZONE', 'evses.last_updated')).toBe(evses.length);
    expect(count('locations', 'EMPTY_STRING_AS_ABSENT', 'state')).toBe(locations.length);
    expect(count('locations', 'EMPTY_STRING_AS_ABSENT', 'evses.floor_level')).toBe(evses.filter((e: any) => e.floor_level === undefined).length);
    expect(count('locations', 'ENVELOPE_TIMESTAMP_MISSING', 'envelope.timestamp')).toBe(Math.ceil(locations.length / 15));
    expect(count('tariffs', 'NUMBER_AS_STRING', 'elements.price_components.price')).toBeGreaterThan(0);
    expect(body.find((d: any) => d.kind === 'NUMBER_AS_STRING' && d.field === 'evses.connectors.max_voltage').example).toMatch(/^\d+$/);

    expect((await service.ops('GET', `/connections/${clean.connectionId}/deviations`)).body).toEqual([]);
    const summary = (await service.ops('GET', `/connections/${bent.connectionId}/summary`)).body;
    expect(summary.deviations).toEqual(body);
    const runs = (await service.ops('GET', `/connections/${bent.connectionId}/sync-runs`)).body;
    expect(runs.every((r: any) => r.deviations > 0)).toBe(true);
  });

  it('mod_locations 2.2.1 §8.4.1 Capability: an unknown value is kept as sent and counted; fractional seconds are kept to the millisecond', async () => {
    bent.simulator.setQuirks({ wire: { unknownEnums: true, fractionalSeconds: true } });
    await bent.sync(true);
    const [row] = await withClient(service.database.url, (c) =>
      c
        .query(`SELECT e.capabilities, l.last_updated FROM evse e JOIN location l ON l.id = e.location_id WHERE l.party_id = 'BNT' AND l.ocpi_id = $1 LIMIT 1`, [
          (locations[0] as any).id,
        ])
        .then((r) => r.rows),
    );
    expect(row.capabilities).toContain('FUTURE_CAPABILITY');
    expect(new Date(row.last_updated).toISOString()).toBe((locations[0] as any).last_updated.replace('Z', '.250Z'));
    const { body } = await service.ops('GET', `/connections/${bent.connectionId}/deviations?days=1`);
    expect(body).toContainEqual(
      expect.objectContaining({ module: 'locations', kind: 'UNKNOWN_ENUM_VALUE', field: 'evses.capabilities', count: evses.length, example: 'FUTURE_CAPABILITY' }),
    );
    expect(body).toContainEqual(expect.objectContaining({ module: 'locations', kind: 'DATETIME_FRACTIONAL_SECONDS', field: 'last_updated', count: locations.length }));
    expect((await service.ops('GET', `/connections/${bent.connectionId}/deviations?days=0`)).status).toBe(400);
  });
});

/** Every canonical column of one party's Locations, EVSEs, Connectors and Tariff price components, without ids or raw. */
async function canonicalRows(service: TestService, partyId: string) {
  return withClient(service.database.url, async (c) => ({
    locations: (
      await c.query(
        `SELECT ocpi_id, publish, name, address, city, postal_code, state, country, latitude, longitude, parking_type, time_zone,
         opening_times, charging_when_closed, facilities, directions, operator, images, energy_mix, last_updated
       FROM location WHERE party_id = $1 ORDER BY ocpi_id`,
        [partyId],
      )
    ).rows,
    evses: (
      await c.query(
        `SELECT l.ocpi_id, e.uid, e.status, e.status_changed_at, e.capabilities, e.floor_level, e.physical_reference, e.parking_restrictions, e.last_updated
       FROM evse e JOIN location l ON l.id = e.location_id WHERE l.party_id = $1 ORDER BY l.ocpi_id, e.uid`,
        [partyId],
      )
    ).rows,
    connectors: (
      await c.query(
        `SELECT e.uid, k.ocpi_id, k.standard, k.format, k.power_type, k.max_voltage, k.max_amperage, k.max_electric_power, k.tariff_ids, k.last_updated
       FROM connector k JOIN evse e ON e.id = k.evse_id JOIN location l ON l.id = e.location_id WHERE l.party_id = $1 ORDER BY e.uid, k.ocpi_id`,
        [partyId],
      )
    ).rows,
    prices: (
      await c.query(
        `SELECT t.ocpi_id, t.currency, t.min_price_excl_vat, t.max_price_incl_vat, t.last_updated, te.position AS element, te.restrictions, pc.position, pc.type, pc.price, pc.vat, pc.step_size
       FROM price_component pc JOIN tariff_element te ON te.id = pc.tariff_element_id JOIN tariff t ON t.id = te.tariff_id
       WHERE t.party_id = $1 ORDER BY t.ocpi_id, te.position, pc.position`,
        [partyId],
      )
    ).rows,
  }));
}
