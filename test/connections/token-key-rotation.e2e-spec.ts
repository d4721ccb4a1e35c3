/**
 * Rotating TOKEN_ENCRYPTION_KEY, the key under which we keep the credentials tokens we send to CPOs (credentials 2.2.1
 * §Credentials object: token C must be sent again on every call, so it is stored encrypted, not hashed). Started with a
 * new key and TOKEN_ENCRYPTION_KEY_PREVIOUS, the service reads tokens under either key and re-encrypts them under the
 * new one, so that the old key can then be dropped.
 */
import { randomBytes } from 'node:crypto';
import { generateLocations } from '../cpo-simulator';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { syncAndWait } from '../support/sync-runs';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

describe('credentials 2.2.1 §Credentials object: token C stays usable across a rotation of TOKEN_ENCRYPTION_KEY', () => {
  const oldKey = randomBytes(32).toString('hex');
  const newKey = randomBytes(32).toString('hex');
  let database: TestDatabase;
  let cpo: RegisteredCpo;
  let service: TestService | null = null;

  const run = async (env: Record<string, string>) => {
    await service?.stop();
    service = await startTestService({ database, env });
    return service;
  };
  // Through the instance running now (cpo.sync() would call the first one).
  const pull = () => syncAndWait(service!, cpo.connectionId);
  const pullStatuses = async () => (await pull()).slice(0, 2).map((o) => [o.module, o.status]);

  beforeAll(async () => {
    database = await createTestDatabase();
    const locations = generateLocations({ count: 3, seed: 11, center: { latitude: 52.1, longitude: 5.1 }, radiusKm: 2, countryCode: 'NL', partyId: 'KEY' });
    cpo = await registerCpo(await run({ TOKEN_ENCRYPTION_KEY: oldKey }), { version: '2.2.1', countryCode: 'NL', partyId: 'KEY', locations, tariffs: [] });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
    await database?.drop();
  });

  it('under the old key the CPO is pulled; under a new key alone its token cannot be read and the pull says so', async () => {
    expect(await pullStatuses()).toEqual([
      ['tariffs', 'SUCCEEDED'],
      ['locations', 'SUCCEEDED'],
    ]);
    await run({ TOKEN_ENCRYPTION_KEY: newKey });
    const [tariffs] = await pull();
    expect(tariffs.status).toBe('FAILED');
    expect(tariffs.message).toMatch(/TOKEN_ENCRYPTION_KEY/);
  });

  it('with the new key and TOKEN_ENCRYPTION_KEY_PREVIOUS the token is read and re-encrypted; then the new key alone suffices', async () => {
    await run({ TOKEN_ENCRYPTION_KEY: newKey, TOKEN_ENCRYPTION_KEY_PREVIOUS: oldKey });
    expect(await pullStatuses()).toEqual([
      ['tariffs', 'SUCCEEDED'],
      ['locations', 'SUCCEEDED'],
    ]);
    await run({ TOKEN_ENCRYPTION_KEY: newKey });
    expect(await pullStatuses()).toEqual([
      ['tariffs', 'SUCCEEDED'],
      ['locations', 'SUCCEEDED'],
    ]);
  });
});
