/**
 * The simulator's push client (test/cpo-simulator/push-client.ts) over real HTTP against our running service: it finds
 * our CDRs Receiver endpoint in our version details, authenticates in the version's token encoding, POSTs the CDR and
 * GETs it back from the Location header, on each version. The other receivers use the same client code path.
 */
import { generateCdrs, pushClientFor } from '../cpo-simulator';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';
import { simpleTariffs, tariffFor, Version } from './support/cdr-cpo';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

const SECTION: Record<Version, string> = {
  '2.1.1': 'mod_cdrs 2.1.1 §2.2.2 POST Method and §2.2.1 GET Method',
  '2.2.1': 'mod_cdrs 2.2.1 §Receiver Interface §POST Method and §GET Method',
  '2.3.0': 'mod_cdrs 2.3.0 §Receiver Interface §POST Method and §GET Method',
};

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('the push client of a %s simulator', (version) => {
  const owner = { countryCode: 'NL', partyId: version === '2.1.1' ? 'PCA' : version === '2.2.1' ? 'PCB' : 'PCC' };
  const locations = locationsFor(version, { count: 2, seed: 11, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 2, tariffIds: ['AC-KWH'], ...owner });
  const tariffs = simpleTariffs(owner).map((t) => tariffFor(version, t));
  const cdr = (idPrefix: string) => generateCdrs({ version, locations, tariffs, ...owner, count: 1, idPrefix })[0];
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    cpo = await registerCpo(service, { version, ...owner, locations, tariffs });
  });
  afterAll(() => cpo?.close());

  it(`${SECTION[version]}: POSTs the CDR to the cdrs endpoint our version details list (201, Location header), GETs it back as sent`, async () => {
    const sent = cdr('PC-');
    const client = pushClientFor(cpo.simulator);

    const posted = await client.postCdr(sent);
    expect(posted).toMatchObject({ method: 'POST', url: `${service.url}/ocpi/emsp/${version}/cdrs`, httpStatus: 201, ocpiStatus: 1000 });
    expect(posted.location).toMatch(new RegExp(`^${service.url}/ocpi/emsp/${version}/cdrs/[0-9a-f-]{36}$`));
    const again = await client.postCdr(sent);
    expect(again).toMatchObject({ httpStatus: 200, ocpiStatus: 1000, location: posted.location });

    const got = await client.getCdr(posted.location!);
    expect(got).toMatchObject({ httpStatus: 200, ocpiStatus: 1000, data: sent });
    expect(client.answers.map((a) => [a.method, a.httpStatus])).toEqual([
      ['POST', 201],
      ['POST', 200],
      ['GET', 200],
    ]);
  });

  it(`${SECTION[version]}: a raw body override reaches the receiver as sent: unreadable JSON is HTTP 400 with 2001, never a 500`, async () => {
    const client = pushClientFor(cpo.simulator);
    const r = await client.postCdr({}, { rawBody: '{"id": "PC-BROKEN", "total_energy": ' });
    expect(r).toMatchObject({ httpStatus: 400, ocpiStatus: 2001, message: expect.stringMatching(/not valid JSON/) });
  });

  it('transport_and_format §Authorization header: a token in the other encoding is still accepted (as on every receiver path)', async () => {
    const client = pushClientFor(cpo.simulator, { encoding: version === '2.1.1' ? 'base64' : 'plain' });
    expect(await client.postCdr(cdr('PC-OTHER-'))).toMatchObject({ httpStatus: 201, ocpiStatus: 1000 });
  });
});
