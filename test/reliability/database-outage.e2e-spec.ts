/**
 * Our database stops accepting connections while CPOs push and the app asks (a restart, a failover). A push is answered
 * "retry later" — HTTP 503 with Retry-After and OCPI 3000 (status_codes 2.2.1 §3xxx: Server errors) — with nothing
 * half-stored; sent again once the database is back, it is stored exactly once. The internal APIs answer 503 too,
 * never a bare 500. The outage is real: the test database is set to refuse connections and the service's open
 * connections are terminated. Needs a PostgreSQL server (DATABASE_URL, as in CI); PGlite lives in the process.
 */
import { generateCdrs } from '../cpo-simulator';
import { simpleTariffs, tariffFor } from '../cdrs/support/cdr-cpo';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { withClient } from '../support/test-database';
import { startTestService, TEST_FINANCE_API_KEY, TestService } from '../support/test-service';

const serverUrl = process.env.DATABASE_URL;
const onServer = serverUrl ? describe : describe.skip;

onServer('status_codes 2.2.1 §3xxx Server errors: a push while our database is unreachable gets 503 + 3000, and is stored once when sent again', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  let cdr: Record<string, unknown>;
  const owner = { countryCode: 'NL', partyId: 'OUT' };
  const databaseName = () => new URL(service.database.url).pathname.slice(1);
  const setAccepting = (accepting: boolean) =>
    withClient(serverUrl!, async (c) => {
      await c.query(`ALTER DATABASE ${databaseName()} WITH ALLOW_CONNECTIONS ${accepting}`);
      if (!accepting) await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [databaseName()]);
    });

  beforeAll(async () => {
    service = await startTestService();
    const locations = locationsFor('2.2.1', { count: 1, seed: 21, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 1, tariffIds: ['AC-KWH'], ...owner });
    const tariffs = simpleTariffs(owner).map((t) => tariffFor('2.2.1', t));
    [cdr] = generateCdrs({ version: '2.2.1', locations, tariffs, ...owner, count: 1, idPrefix: 'OUTAGE-' });
    cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations, tariffs });
    await cpo.sync();
  });
  afterAll(async () => {
    await setAccepting(true).catch(() => undefined);
    await cpo?.close();
    await service?.stop();
  });

  it('during the outage: the push is HTTP 503 and OCPI 3000; the finance API is 503 with Retry-After; afterwards the same push is 201, once', async () => {
    await setAccepting(false);
    const refused = await cpo.simulator.pushCdr(cdr);
    expect(refused).toMatchObject({ httpStatus: 503, ocpiStatus: 3000 });
    expect(refused.message).toMatch(/nothing was stored: retry later/);
    const finance = await fetch(`${service.url}/api/v1/finance/cdrs`, { headers: { 'X-API-Key': TEST_FINANCE_API_KEY } });
    expect(finance.status).toBe(503);
    expect(Number(finance.headers.get('retry-after'))).toBeGreaterThan(0);

    await setAccepting(true);
    expect(await cpo.simulator.pushCdr(cdr)).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
    const stored = (await service.finance('GET', `/cdrs?cdr_id=${String(cdr.id)}`)).body.data;
    expect(stored).toHaveLength(1);
  });
});
