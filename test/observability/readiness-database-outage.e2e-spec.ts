/**
 * Readiness during a database outage (a restart, a failover): /health/ready answers 503 naming the database (and the
 * job queue, which lives in it), while liveness stays 200 so that the instance is taken out of rotation, not
 * restarted; once the database is back, ready again. The outage is real, as in test/reliability: the test database
 * refuses connections and the service's open ones are terminated. Needs a PostgreSQL server (DATABASE_URL).
 */
import { withClient } from '../support/test-database';
import { startTestService, TestService } from '../support/test-service';

const serverUrl = process.env.DATABASE_URL;
const onServer = serverUrl ? describe : describe.skip;

onServer('readiness while the database is unreachable', () => {
  let service: TestService;
  const databaseName = () => new URL(service.database.url).pathname.slice(1);
  const setAccepting = (accepting: boolean) =>
    withClient(serverUrl!, async (c) => {
      await c.query(`ALTER DATABASE ${databaseName()} WITH ALLOW_CONNECTIONS ${accepting}`);
      if (!accepting) await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [databaseName()]);
    });
  const get = async (path: string) => {
    const response = await fetch(`${service.url}${path}`);
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await setAccepting(true).catch(() => undefined);
    await service?.stop();
  });

  it('503 with error.database (and error.job_queue) down while the database refuses; /health stays 200; 200 again afterwards', async () => {
    expect((await get('/health/ready')).status).toBe(200);
    await setAccepting(false);

    const down = await get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.database).toMatchObject({ status: 'down', message: expect.any(String) });
    expect(down.body.error.job_queue).toMatchObject({ status: 'down' });
    expect((await get('/health')).status).toBe(200);
    expect((await get('/health/live')).status).toBe(200);

    await setAccepting(true);
    const up = await get('/health/ready');
    expect(up.status).toBe(200);
    expect(up.body.info).toMatchObject({ database: { status: 'up' }, job_queue: { status: 'up' } });
  });
});
