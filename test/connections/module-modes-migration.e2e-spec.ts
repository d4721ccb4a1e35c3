/**
 * The migration that adds module modes gives connections registered before it the defaults the service would derive
 * from the endpoints they listed (version_information_endpoint 2.1.1 §Version details: endpoints without role, each a
 * CPO interface; 2.2.1 §Endpoint class: role SENDER or RECEIVER). Run down and up again on a real database holding
 * such connections.
 */
import { QueryRunner } from 'typeorm';
import { ModuleModesAndRefusedParties1797200000000 } from '../../migrations/1797200000000-ModuleModesAndRefusedParties';
import { createTestDatabase, TestDatabase, withClient } from '../support/test-database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

it('backfills BOTH for each Sender interface listed (2.1.1: any module endpoint), RECEIVE otherwise; none for a connection without version', async () => {
  const modes = await withClient(database.url, async (client) => {
    const insert = async (name: string, version: string | null, endpoints: unknown[]) =>
      (
        await client.query<{ id: string }>(`INSERT INTO cpo_connection (name, status, ocpi_version, their_endpoints) VALUES ($1, 'REGISTERED', $2, $3) RETURNING id`, [
          name,
          version,
          JSON.stringify(endpoints),
        ])
      ).rows[0].id;
    const old211 = await insert('2.1.1', '2.1.1', [
      { identifier: 'credentials', role: null, url: 'http://cpo/c' },
      { identifier: 'locations', role: null, url: 'http://cpo/l' },
    ]);
    const old221 = await insert('2.2.1', '2.2.1', [
      { identifier: 'credentials', role: 'SENDER', url: 'http://cpo/c' },
      { identifier: 'tariffs', role: 'SENDER', url: 'http://cpo/t' },
      { identifier: 'cdrs', role: 'RECEIVER', url: 'http://cpo/r' },
    ]);
    const invited = await insert('invited', null, []);
    const runner = { query: (sql: string, params?: unknown[]) => client.query(sql, params).then((r) => r.rows) } as unknown as QueryRunner;
    const migration = new ModuleModesAndRefusedParties1797200000000();
    await migration.down(runner);
    await migration.up(runner);
    const rows = await client.query<{ connection_id: string; module: string; mode: string; chosen_by: string }>(
      'SELECT connection_id, module, mode, chosen_by FROM connection_module_mode ORDER BY module',
    );
    const of = (id: string) => Object.fromEntries(rows.rows.filter((r) => r.connection_id === id).map((r) => [r.module, `${r.mode} ${r.chosen_by}`]));
    const refused = await client.query<{ refused_parties: unknown }>('SELECT DISTINCT refused_parties FROM cpo_connection');
    return { old211: of(old211), old221: of(old221), invited: of(invited), refused: refused.rows.map((r) => r.refused_parties) };
  });
  expect(modes.old211).toEqual({ locations: 'BOTH DEFAULT', tariffs: 'RECEIVE DEFAULT', sessions: 'RECEIVE DEFAULT', cdrs: 'RECEIVE DEFAULT' });
  expect(modes.old221).toEqual({ locations: 'RECEIVE DEFAULT', tariffs: 'BOTH DEFAULT', sessions: 'RECEIVE DEFAULT', cdrs: 'RECEIVE DEFAULT' });
  expect(modes.invited).toEqual({});
  expect(modes.refused).toEqual([[]]);
});
