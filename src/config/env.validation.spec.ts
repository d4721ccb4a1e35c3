import { EnvironmentError, loadEnvironment } from './env.validation';

/** Start-up configuration: missing or malformed settings stop the service with one line each, all at once. */
describe('loadEnvironment', () => {
  const valid = {
    TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
    OPERATIONS_API_KEY: 'operations-key-123',
    INTERNAL_API_KEY: 'internal-key-12345',
    FINANCE_API_KEY: 'finance-key-12345',
  };

  it('accepts the required secrets and fills in the documented defaults', () => {
    const env = loadEnvironment(valid);
    expect(env).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', PGLITE_DATA_DIR: '.data/pglite', OCPI_PAGE_LIMIT: 100, SYNC_INTERVAL_MINUTES: 15 });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('names a missing setting', () => {
    const { TOKEN_ENCRYPTION_KEY: _, ...rest } = valid;
    expect(() => loadEnvironment(rest)).toThrow(new EnvironmentError(['Missing setting TOKEN_ENCRYPTION_KEY: required; must be 64 hexadecimal characters (a 32-byte key)']));
  });

  it('reports every missing and invalid setting at once, one a line, each naming the variable and what it expects (issue 18)', () => {
    const env = { OPERATIONS_API_KEY: 'short', PORT: 'eighty', SYNC_LEASE_TTL_SECONDS: '5', SYNC_LEASE_RENEW_SECONDS: '5', OCPI_REQUEST_TIMEOUT_MS: '100' };
    let thrown: unknown;
    try {
      loadEnvironment(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvironmentError);
    const problems = (thrown as EnvironmentError).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^Setting OCPI_REQUEST_TIMEOUT_MS no longer exists: /),
      'Invalid setting PORT: must be an integer number, must not be less than 0, must not be greater than 65535',
      'Missing setting TOKEN_ENCRYPTION_KEY: required; must be 64 hexadecimal characters (a 32-byte key)',
      'Invalid setting OPERATIONS_API_KEY: must be at least 16 characters',
      'Missing setting INTERNAL_API_KEY: required; must be a string, must be at least 16 characters',
      'Missing setting FINANCE_API_KEY: required; must be a string, must be at least 16 characters',
      'Invalid setting SYNC_LEASE_RENEW_SECONDS: must be below SYNC_LEASE_TTL_SECONDS (5)',
    ]);
    expect((thrown as Error).message).toBe(problems.join('\n'));
  });

  it.each([
    ['TOKEN_ENCRYPTION_KEY', 'short', 'Invalid setting TOKEN_ENCRYPTION_KEY: must be 64 hexadecimal characters (a 32-byte key)'],
    ['PORT', 'eighty', 'Invalid setting PORT'],
    ['DATABASE_URL', 'mysql://x', 'Invalid setting DATABASE_URL: must be a postgres:// or postgresql:// URL'],
    ['OCPI_PARTY_ID', 'toolong', 'Invalid setting OCPI_PARTY_ID'],
  ])('names a malformed %s', (name, value, message) => {
    expect(() => loadEnvironment({ ...valid, [name]: value })).toThrow(message);
  });

  it('sync leases: 30 s, renewed every 5 s by default; a renewal interval not below the lease is refused', () => {
    expect(loadEnvironment(valid)).toMatchObject({ SYNC_LEASE_TTL_SECONDS: 30, SYNC_LEASE_RENEW_SECONDS: 5, SYNC_LEASE_SWEEP_SECONDS: 30 });
    expect(loadEnvironment({ ...valid, SYNC_LEASE_TTL_SECONDS: '3', SYNC_LEASE_RENEW_SECONDS: '1' })).toMatchObject({ SYNC_LEASE_TTL_SECONDS: 3, SYNC_LEASE_RENEW_SECONDS: 1 });
    expect(() => loadEnvironment({ ...valid, SYNC_LEASE_TTL_SECONDS: '5', SYNC_LEASE_RENEW_SECONDS: '5' })).toThrow(
      new EnvironmentError(['Invalid setting SYNC_LEASE_RENEW_SECONDS: must be below SYNC_LEASE_TTL_SECONDS (5)']),
    );
  });

  it('politeness towards CPOs: 4 calls in flight per CPO, a circuit opening after 5 failures for 30 s up to 30 min, Retry-After up to an hour; a cap below the backoff is refused', () => {
    expect(loadEnvironment(valid)).toMatchObject({
      OCPI_MAX_CALLS_PER_CPO: 4,
      CPO_CIRCUIT_FAILURES: 5,
      CPO_CIRCUIT_BACKOFF_MS: 30_000,
      CPO_CIRCUIT_MAX_BACKOFF_MS: 1_800_000,
      CPO_RETRY_AFTER_MAX_SECONDS: 3600,
    });
    expect(loadEnvironment({ ...valid, CPO_CIRCUIT_FAILURES: '0' }).CPO_CIRCUIT_FAILURES).toBe(0);
    expect(() => loadEnvironment({ ...valid, OCPI_MAX_CALLS_PER_CPO: '0' })).toThrow(EnvironmentError);
    expect(() => loadEnvironment({ ...valid, CPO_CIRCUIT_BACKOFF_MS: '60000', CPO_CIRCUIT_MAX_BACKOFF_MS: '1000' })).toThrow(
      new EnvironmentError(['Invalid setting CPO_CIRCUIT_MAX_BACKOFF_MS: must be at least CPO_CIRCUIT_BACKOFF_MS (60000)']),
    );
  });

  it('refuses a setting an earlier release had, naming what replaced it (instead of ignoring it)', () => {
    expect(() => loadEnvironment({ ...valid, OCPI_REQUEST_TIMEOUT_MS: '5000' })).toThrow(
      new EnvironmentError([
        'Setting OCPI_REQUEST_TIMEOUT_MS no longer exists: each attempt of a call to a CPO now has three deadlines, OCPI_CONNECT_TIMEOUT_MS, OCPI_RESPONSE_TIMEOUT_MS (to the first byte) and OCPI_BODY_TIMEOUT_MS (the whole body)',
      ]),
    );
  });

  it('treats an empty value as absent', () => {
    expect(loadEnvironment({ ...valid, DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
