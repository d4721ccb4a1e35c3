/**
 * Tariff history on a real database (PGlite, or PostgreSQL with DATABASE_URL): every distinct version of a tariff
 * with first_seen / last_seen, and "the version in force at instant T", so a session is priced with the tariff valid
 * when it started (mod_tariffs 2.2.1 §Tariff object NOTE on start_date_time / end_date_time: "a driver accepts the
 * tariff which is valid when they start their charging session"; mod_cdrs 2.2.1 §CDR object: tariffs "as they were
 * at the start"). Also the migration's backfill of tariffs stored before the history existed.
 */
import { DataSource } from 'typeorm';
import { mapTariff221 } from '../../src/ocpi/v2_2_1/tariffs/tariff.mapper';
import { databaseOptions } from '../../src/database/database-options';
import { ENTITIES } from '../../src/entities';
import { diffTariffs } from '../../src/tariffs/tariff-diff';
import { TariffReader } from '../../src/tariffs/tariff.reader';
import { TariffStore } from '../../src/tariffs/tariff.store';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { cdrForPricing, specJson } from './support/spec-examples';

const wire = (price: number, lastUpdated: string, extra: Record<string, unknown> = {}) => ({
  country_code: 'NL',
  party_id: 'HIS',
  id: 'T-1',
  currency: 'EUR',
  elements: [{ price_components: [{ type: 'ENERGY', price, vat: 21, step_size: 1 }] }],
  last_updated: lastUpdated,
  ...extra,
});

function incoming(raw: any) {
  const mapped = mapTariff221(raw);
  if (!mapped.ok) throw new Error(mapped.reason);
  return { tariff: mapped.value, raw };
}

describe('tariff history: versions with first_seen / last_seen and the version in force at an instant', () => {
  let database: TestDatabase;
  let db: DataSource;
  let store: TariffStore;
  let reader: TariffReader;
  let connectionId: string;
  let otherConnectionId: string;

  const put = (raw: any, seenAt: string, connection = connectionId) => db.transaction((m) => store.upsertMany(m, connection, '2.2.1', [incoming(raw)], new Date(seenAt)));
  const versions = () => reader.history('NL', 'HIS', 'T-1');

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource(databaseOptions(database.url, { entities: ENTITIES, poolSize: 2 })).initialize();
    store = new TariffStore();
    reader = new TariffReader(db);
    const rows = await db.query(
      `INSERT INTO cpo_connection (name, status, their_versions_url) VALUES ('a', 'REGISTERED', 'http://a'), ('b', 'REGISTERED', 'http://b') RETURNING id`,
    );
    [connectionId, otherConnectionId] = rows.map((r: { id: string }) => r.id);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('records a first version, seen at our clock, in force from its last_updated', async () => {
    await put(wire(0.25, '2024-01-01T00:00:00Z'), '2024-01-10T00:00:00Z');
    expect(await versions()).toEqual([
      expect.objectContaining({
        version_no: 1,
        valid_from: '2024-01-01T00:00:00.000Z',
        valid_until: null,
        first_seen: '2024-01-10T00:00:00.000Z',
        last_seen: '2024-01-10T00:00:00.000Z',
        ocpi_version: '2.2.1',
      }),
    ]);
  });

  it('the same content again, even with a newer last_updated, only moves last_seen', async () => {
    await put(wire(0.25, '2024-01-01T00:00:00Z'), '2024-02-01T00:00:00Z');
    await put(wire(0.25, '2024-02-15T00:00:00Z'), '2024-03-01T00:00:00Z');
    expect((await versions()).map((v) => [v.version_no, v.first_seen, v.last_seen])).toEqual([[1, '2024-01-10T00:00:00.000Z', '2024-03-01T00:00:00.000Z']]);
  });

  it('changed content with a newer last_updated is version 2, in force from that last_updated; version 1 ends there', async () => {
    await put(wire(0.35, '2024-04-01T00:00:00Z'), '2024-04-03T00:00:00Z');
    const [v1, v2] = await versions();
    expect(v1.valid_until).toBe('2024-04-01T00:00:00.000Z');
    expect(v2).toMatchObject({ version_no: 2, valid_from: '2024-04-01T00:00:00.000Z', first_seen: '2024-04-03T00:00:00.000Z' });
    expect(v2.tariff.elements[0].price_components[0].price).toBe('0.35');
  });

  it('a late, older object (by last_updated) changes nothing', async () => {
    await put(wire(0.99, '2024-03-15T00:00:00Z'), '2024-04-04T00:00:00Z');
    expect(await versions()).toHaveLength(2);
  });

  it('content that goes back to an earlier one is a new version (A → B → A: three versions, in order)', async () => {
    await put(wire(0.25, '2024-05-01T00:00:00Z'), '2024-05-01T12:00:00Z');
    expect((await versions()).map((v) => [v.version_no, v.tariff.elements[0].price_components[0].price])).toEqual([
      [1, '0.25'],
      [2, '0.35'],
      [3, '0.25'],
    ]);
  });

  it('a CPO that changes content without a newer last_updated: in force from when we first saw it', async () => {
    await put(wire(0.3, '2024-05-01T00:00:00Z'), '2024-05-20T00:00:00Z');
    expect((await versions())[3]).toMatchObject({ version_no: 4, valid_from: '2024-05-20T00:00:00.000Z' });
  });

  it('findValidAt: the version in force when a session started, and whether we held it then', async () => {
    const at = async (iso: string) => (await reader.findValidAt('NL', 'HIS', ['T-1'], new Date(iso)))[0];
    expect(await at('2023-12-31T23:00:00Z')).toBeUndefined();
    expect(await at('2024-01-05T00:00:00Z')).toMatchObject({ version_no: 1, basis: 'cpo_last_updated' });
    expect(await at('2024-03-31T23:59:59Z')).toMatchObject({ version_no: 1, basis: 'held' });
    expect(await at('2024-04-02T00:00:00Z')).toMatchObject({ version_no: 2, basis: 'cpo_last_updated' });
    expect(await at('2024-05-10T00:00:00Z')).toMatchObject({ version_no: 3, basis: 'held' });
    expect(await at('2030-01-01T00:00:00Z')).toMatchObject({ version_no: 4 });
    expect((await reader.find('NL', 'HIS', ['T-1']))[0].elements[0].price_components[0].price).toBe('0.3');
  });

  it('a tariff of another connection is not recorded for this one', async () => {
    await put(wire(5, '2025-01-01T00:00:00Z'), '2025-01-02T00:00:00Z', otherConnectionId);
    expect(await versions()).toHaveLength(4);
  });

  it('the tariff a CDR names vs the version the Location listed at the session start: both kept, difference visible', async () => {
    // The CDR example's tariff 12 (TIME 2.00 / h per 5 min) against the Location's tariff 12 as tariff_1_simple_2hour
    // (per 1 min). Until CDRs are stored, this is the lookup the reconciliation will run for each CDR.
    const listed = specJson('2.2.1', 'tariff_1_simple_2hour.json');
    await db.transaction((m) => store.upsertMany(m, connectionId, '2.2.1', [incoming({ ...listed, country_code: 'BE', party_id: 'BEC' })], new Date('2015-07-01T00:00:00Z')));
    const cdr = cdrForPricing('2.2.1', specJson('2.2.1', 'cdr_example.json'));
    const [held] = await reader.findValidAt(cdr.country_code, cdr.party_id, ['12'], new Date(cdr.start_date_time));
    expect(held).toMatchObject({ version_no: 1, basis: 'cpo_last_updated' });
    expect(diffTariffs(held.tariff, cdr.tariffs![0])).toEqual([{ path: 'elements[0].price_components[0].step_size', a: 60, b: 300 }]);
  });
});

describe('migration TariffHistory: tariffs stored before it get a version 1', () => {
  let database: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource({ ...databaseOptions(database.url, { entities: ENTITIES, poolSize: 2 }), migrationsRun: false }).initialize();
    // Back to before TariffHistory: undo it and every migration after it (later ones are undone first).
    for (;;) {
      const [last] = await db.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
      await db.undoLastMigration({ transaction: 'all' });
      if (last.name === 'TariffHistory1796003500000') break;
    }
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('rebuilds the canonical tariff from the columns, exactly as mapTariff221 has it', async () => {
    const [{ id: connection }] = await db.query(`INSERT INTO cpo_connection (name, status, their_versions_url) VALUES ('a', 'REGISTERED', 'http://a') RETURNING id`);
    const raw = specJson('2.2.1', 'tariff_6_025kwh_start_max_price.json');
    const [{ id: tariff }] = await db.query(
      `INSERT INTO tariff (connection_id, country_code, party_id, ocpi_id, ocpi_version, currency, max_price_excl_vat, max_price_incl_vat,
         end_date_time, last_updated, raw, stored_at)
       VALUES ($1, 'DE', 'ALL', '16', '2.2.1', 'EUR', 10, 11, '2019-06-30T23:59:59Z', '2018-12-17T17:15:01Z', $2, '2019-01-05T00:00:00Z') RETURNING id`,
      [connection, JSON.stringify(raw)],
    );
    const [{ id: element }] = await db.query(`INSERT INTO tariff_element (tariff_id, position, restrictions) VALUES ($1, 0, NULL) RETURNING id`, [tariff]);
    await db.query(`INSERT INTO price_component (tariff_element_id, position, type, price, vat, step_size) VALUES ($1, 0, 'FLAT', 0.5, 20, 1), ($1, 1, 'ENERGY', 0.25, 10, 1)`, [
      element,
    ]);
    await db.runMigrations({ transaction: 'all' });
    const [row] = await db.query(`SELECT version_no, tariff, valid_from, first_seen, last_seen FROM tariff_version`);
    const mapped = mapTariff221(raw);
    expect(mapped.ok && row.tariff).toEqual(mapped.ok ? mapped.value : null);
    expect(row).toMatchObject({ version_no: 1, valid_from: new Date('2018-12-17T17:15:01Z'), first_seen: new Date('2019-01-05T00:00:00Z') });
  });
});
