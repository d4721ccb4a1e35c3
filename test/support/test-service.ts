/**
 * Boots the real service on loopback (port 0) against a fresh test database, with test secrets.
 * Suites talk to it over HTTP like its real clients do.
 */
import { randomBytes } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { loadEnvironment } from '../../src/config/env.validation';
import { RunningService, startService } from '../../src/service';
import { createTestDatabase, TestDatabase } from './test-database';

export const TEST_INTERNAL_API_KEY = 'test-internal-api-key-0001';
export const TEST_OPERATIONS_API_KEY = 'test-operations-api-key-0001';
export const TEST_FINANCE_API_KEY = 'test-finance-api-key-0001';
/** One key per test process, as instances of one deployment share theirs. */
const TEST_TOKEN_ENCRYPTION_KEY = randomBytes(32).toString('hex');

export interface TestService extends RunningService {
  database: TestDatabase;
  /** Calls the operations API; returns status and parsed JSON. */
  ops(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Calls the internal API with the internal key; `path` includes the query string. */
  api(path: string, init?: { key?: string | null }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Calls the finance API (/api/v1/finance…) with the finance key (`key: null` sends none); returns status and parsed JSON. */
  finance(method: string, path: string, init?: { key?: string | null; body?: unknown }): Promise<{ status: number; body: any }>;
}

/**
 * Starts a service; pass `database` to start a second instance on the same database, `logDestination` to read its JSON
 * log lines (with `env: { LOG_LEVEL: … }`: the default is silent).
 */
export async function startTestService(options: { database?: TestDatabase; env?: Record<string, string>; logDestination?: DestinationStream } = {}): Promise<TestService> {
  const database = options.database ?? (await createTestDatabase());
  const env = loadEnvironment({
    DATABASE_URL: database.url,
    HOST: '127.0.0.1',
    PORT: '0',
    TOKEN_ENCRYPTION_KEY: TEST_TOKEN_ENCRYPTION_KEY,
    OPERATIONS_API_KEY: TEST_OPERATIONS_API_KEY,
    INTERNAL_API_KEY: TEST_INTERNAL_API_KEY,
    FINANCE_API_KEY: TEST_FINANCE_API_KEY,
    LOG_LEVEL: 'silent',
    SYNC_INTERVAL_MINUTES: '0',
    OCPI_RESPONSE_TIMEOUT_MS: '5000',
    ...options.env,
  });
  const service = await startService(env, { logDestination: options.logDestination });
  return {
    ...service,
    database,
    async stop() {
      await service.stop();
      if (!options.database) await database.drop();
    },
    async ops(method, path, body) {
      const response = await fetch(`${service.url}/api/v1/operations${path}`, {
        method,
        headers: { 'X-API-Key': TEST_OPERATIONS_API_KEY, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async api(path, init = {}) {
      const key = init.key === undefined ? TEST_INTERNAL_API_KEY : init.key;
      const response = await fetch(`${service.url}${path}`, { headers: key === null ? {} : { 'X-API-Key': key } });
      return { status: response.status, body: await response.json(), headers: response.headers };
    },
    async finance(method, path, init = {}) {
      const key = init.key === undefined ? TEST_FINANCE_API_KEY : init.key;
      const headers: Record<string, string> = key === null ? {} : { 'X-API-Key': key };
      if (init.body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${service.url}/api/v1/finance${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
      return { status: response.status, body: await response.json() };
    },
  };
}
