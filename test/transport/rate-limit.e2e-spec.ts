/**
 * A rate limit per CPO on our OCPI endpoints. OCPI defines none; a 429 is an error of the HTTP layer, answered "including
 * the response format" (transport_and_format 2.2.1 §Response format): an envelope (status_code 2000, a message naming
 * the limit, a timestamp) with Retry-After. Each CPO (credentials token) has its own budget; other APIs are not limited.
 */
import { encodeBase64Authorization } from '../cpo-simulator';
import { registerCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const LIMIT = 5;

describe('transport_and_format 2.2.1 §Response format: HTTP 429 with an envelope when one CPO exceeds its requests per minute', () => {
  let service: TestService;
  const tokens: string[] = [];

  beforeAll(async () => {
    service = await startTestService({ env: { OCPI_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    for (const name of ['flooding CPO', 'quiet CPO']) tokens.push((await service.ops('POST', '/connections/invitations', { name })).body.token_a);
  });
  afterAll(() => service?.stop());

  const versions = (token: string) => fetch(`${service.url}/ocpi/emsp/versions`, { headers: { Authorization: `Token ${Buffer.from(token).toString('base64')}` } });

  it('the request after the limit is refused with 429, Retry-After and an OCPI envelope; another CPO is still served', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i += 1) statuses.push((await versions(tokens[0])).status);
    expect(statuses).toEqual(Array(LIMIT).fill(200));

    const refused = await versions(tokens[0]);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { status_code: number; status_message: string; timestamp: string };
    expect(body.status_code).toBe(2000);
    expect(body.status_message).toMatch(new RegExp(`at most ${LIMIT} requests per minute per CPO`));
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    expect((await versions(tokens[1])).status).toBe(200);
  });

  it('a real-time authorization (mod_tokens 2.2.1 §POST Method, a route of its own) is limited as well', async () => {
    const cpo = await registerCpo(service, { countryCode: 'NL', partyId: 'RTL', businessName: 'Authorizing CPO', locations: [], tariffs: [] });
    try {
      const authorization = encodeBase64Authorization(cpo.simulator.registration.tokenForClient!);
      const authorize = () => fetch(`${service.url}/ocpi/emsp/2.2.1/tokens/NO-SUCH-TOKEN/authorize`, { method: 'POST', headers: { Authorization: authorization } });
      // The CPO's own calls after its registration (our versions) took part of its budget: an unknown Token (2004 in
      // HTTP 404) as long as the budget lasts, then 429 for every one after.
      const answers: Response[] = [];
      for (let i = 0; i <= LIMIT; i += 1) answers.push(await authorize());
      const statuses = answers.map((a) => a.status);
      const served = statuses.indexOf(429);
      expect(served).toBeGreaterThan(0);
      expect(statuses).toEqual([...Array(served).fill(404), ...Array(LIMIT + 1 - served).fill(429)]);

      const refused = answers[LIMIT];
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as { status_code: number }).status_code).toBe(2000);
    } finally {
      await cpo.close();
    }
  });

  it('the operations API is not limited by it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i += 1) statuses.push((await service.ops('GET', '/connections')).status);
    expect(statuses).toEqual(Array(LIMIT + 2).fill(200));
  });
});
