/**
 * transport_and_format 2.2.1 §Authorization header, NOTE: "Many OCPI 2.1.1 and 2.2 implementations do not
 * Base64 encode the credentials token". We send what each version prescribes, accept the other encoding when
 * the token matches, learn which one a CPO accepts from us when it rejects the prescribed one, and record
 * both per connection for operations.
 */
import { inviteCpo, InvitedCpo } from '../support/invited-cpo';
import { locationsFor, ocpiCall, VERSIONS } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
const opened: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await service?.stop();
});

async function connectionOf(id: string): Promise<any> {
  return (await service.ops('GET', '/connections')).body.find((c: any) => c.id === id);
}

describe.each(VERSIONS)('OCPI $version', ({ version, encoding, wrongEncoding, section }) => {
  const suffix = version.replace(/\./g, '').slice(0, 2);
  const spelled = (e: string) => (e === 'plain' ? 'plain' : 'Base64-encoded');

  it(`${section.auth}: a CPO that sends ${spelled(wrongEncoding)} tokens is accepted, and each such request is counted for operations`, async () => {
    const cpo: InvitedCpo = await inviteCpo(service, { version, countryCode: 'NL', partyId: `S${suffix}`, quirks: { sendTokenEncoding: wrongEncoding } });
    opened.push(cpo);
    expect(cpo.simulator.clientCalls.map((c) => [c.method, c.status, c.authorizationEncoding])).toEqual([
      ['GET', 200, wrongEncoding],
      ['GET', 200, wrongEncoding],
      ['POST', 200, wrongEncoding],
    ]);
    await cpo.simulator.updateCredentials();
    const connection = await connectionOf(cpo.connectionId);
    // Registration: version details and POST count (the versions list of an invited connection has no version
    // to hold it against); the update: versions list (now held against the connection's version), details, PUT.
    expect(connection.authorization).toMatchObject({
      prescribed: encoding,
      we_send: encoding,
      observations: [
        {
          direction: 'THEY_SEND',
          ocpi_version: version,
          encoding: wrongEncoding,
          count: 5,
          note: expect.stringContaining(`They send ${spelled(wrongEncoding)} tokens on ${version}`),
        },
      ],
    });
  });

  it(`${section.auth}: a CPO that only accepts ${spelled(wrongEncoding)} tokens gets them once it has refused ours with 401; pulls follow`, async () => {
    const cpo: RegisteredCpo = await registerCpo(service, {
      version,
      countryCode: 'NL',
      partyId: `A${suffix}`,
      quirks: { acceptTokenEncoding: wrongEncoding },
      locations: locationsFor(version, { count: 2, seed: 1, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 2, countryCode: 'NL', partyId: `A${suffix}` }),
    });
    opened.push(cpo);
    const afterRegistration = cpo.simulator.requests.length;
    const [tariffs, locations] = await cpo.sync();
    expect([tariffs.status, locations.status, locations.stored]).toEqual(['SUCCEEDED', 'SUCCEEDED', 2]);
    expect(new Set(cpo.simulator.requests.slice(afterRegistration).map((r) => r.authorizationEncoding))).toEqual(new Set([wrongEncoding]));
    const connection = await connectionOf(cpo.connectionId);
    expect(connection.authorization).toMatchObject({ prescribed: encoding, we_send: wrongEncoding });
    const accepted = connection.authorization.observations.find((o: any) => o.direction === 'THEY_ACCEPT');
    expect(accepted).toMatchObject({ ocpi_version: version, encoding: wrongEncoding, note: expect.stringContaining('we send theirs') });
    // Learnt during registration, then counted once per pull that used it.
    expect(accepted.count).toBeGreaterThanOrEqual(3);
  });

  it(`${section.auth}: a token that matches in neither encoding is refused with 401`, async () => {
    const { body } = await service.ops('POST', '/connections/invitations', { name: `Neither ${version}` });
    const garbled = `${body.token_a.slice(0, -1)}x`;
    for (const e of ['plain', 'base64'] as const) expect((await ocpiCall(`${service.url}/ocpi/emsp/${version}`, garbled, { encoding: e })).status).toBe(401);
    for (const e of ['plain', 'base64'] as const) expect((await ocpiCall(`${service.url}/ocpi/emsp/${version}`, body.token_a, { encoding: e })).status).toBe(200);
  });
});
