/**
 * Without DATABASE_URL the service runs on an embedded PGlite in PGLITE_DATA_DIR, migrated like any
 * PostgreSQL, and a restart keeps the data. This runs on PGlite whatever database the rest of the run uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadEnvironment } from '../../src/config/env.validation';
import { startService } from '../../src/service';
import { CpoSimulator, startCpoSimulator } from '../cpo-simulator';
import { TEST_OPERATIONS_API_KEY } from '../support/test-service';

describe('embedded PGlite (no DATABASE_URL): migrations and data survive a restart', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ocpi-pglite-'));
  const env = () =>
    loadEnvironment({
      PGLITE_DATA_DIR: join(folder, 'data'),
      PORT: '0',
      TOKEN_ENCRYPTION_KEY: key,
      OPERATIONS_API_KEY: TEST_OPERATIONS_API_KEY,
      INTERNAL_API_KEY: 'internal-key-12345',
      FINANCE_API_KEY: 'finance-key-12345',
      LOG_LEVEL: 'silent',
      SYNC_INTERVAL_MINUTES: '0',
    });
  const key = randomBytes(32).toString('hex');
  let cpo: CpoSimulator;

  beforeAll(async () => {
    cpo = await startCpoSimulator({ countryCode: 'NL', partyId: 'PGL' });
  });
  afterAll(async () => {
    await cpo.close();
    rmSync(folder, { recursive: true, force: true });
  });

  // A fresh PGlite runs initdb (seconds, many more on a busy machine): a generous timeout, not a timing check.
  it('registers on a fresh data folder, then finds the connection after a restart', async () => {
    const first = await startService(env());
    const created = await fetch(`${first.url}/api/v1/operations/connections`, {
      method: 'POST',
      headers: { 'X-API-Key': TEST_OPERATIONS_API_KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Persisted', versions_url: cpo.versionsUrl, token_a: cpo.tokenA }),
    });
    expect(created.status).toBe(201);
    await first.stop();

    const second = await startService(env());
    try {
      const list: any = await (await fetch(`${second.url}/api/v1/operations/connections`, { headers: { 'X-API-Key': TEST_OPERATIONS_API_KEY } })).json();
      expect(list).toEqual([expect.objectContaining({ name: 'Persisted', status: 'REGISTERED', ocpi_version: '2.2.1' })]);
    } finally {
      await second.stop();
    }
  }, 180_000);
});
