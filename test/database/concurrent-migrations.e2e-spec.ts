/**
 * Several instances may start at the same moment against one new database: migrations are applied exactly once
 * and every instance comes up (a session advisory lock serialises them; see src/database/migrate.ts).
 * Needs a real PostgreSQL server (DATABASE_URL, as in CI): an embedded PGlite belongs to a single process.
 */
import { randomBytes } from 'node:crypto';
import { migrations } from '../../migrations';
import { loadEnvironment } from '../../src/config/env.validation';
import { RunningService, startService } from '../../src/service';
import { TEST_OPERATIONS_API_KEY } from '../support/test-service';
import { withClient } from '../support/test-database';

const serverUrl = process.env.DATABASE_URL;
const onServer = serverUrl ? describe : describe.skip;

onServer('instances starting together on an empty database (real PostgreSQL)', () => {
  const name = `ocpi_fresh_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl ?? 'postgres://unused');
  url.pathname = `/${name}`;
  const services: RunningService[] = [];

  beforeAll(async () => {
    await withClient(serverUrl!, (c) => c.query(`CREATE DATABASE ${name}`));
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await withClient(serverUrl!, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  it('three instances start at once: all serve, and each migration is recorded once', async () => {
    const env = () =>
      loadEnvironment({
        DATABASE_URL: url.toString(),
        PORT: '0',
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        OPERATIONS_API_KEY: TEST_OPERATIONS_API_KEY,
        INTERNAL_API_KEY: 'internal-key-12345',
        FINANCE_API_KEY: 'finance-key-12345',
        LOG_LEVEL: 'silent',
        SYNC_INTERVAL_MINUTES: '0',
      });
    const started = await Promise.allSettled([startService(env()), startService(env()), startService(env())]);
    for (const s of started) if (s.status === 'fulfilled') services.push(s.value);
    expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual(['started', 'started', 'started']);

    for (const service of services) expect((await fetch(`${service.url}/health`)).status).toBe(200);
    const recorded = await withClient(url.toString(), (c) => c.query('SELECT name, count(*)::int AS n FROM migrations GROUP BY name'));
    expect(recorded.rows).toHaveLength(migrations.length);
    expect(recorded.rows.every((r) => r.n === 1)).toBe(true);
  });
});
