/**
 * After registration: either side updates (rotates) the credentials with PUT, unregisters with DELETE, and
 * endpoints that moved are discovered again (credentials §PUT, §DELETE, §Updating to a newer version,
 * §Updating the credentials and resetting the token, §Changing endpoints for the current version).
 */
import { generateLocations } from '../cpo-simulator';
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

async function registered(options: Parameters<typeof registerCpo>[1]): Promise<RegisteredCpo> {
  const cpo = await registerCpo(service, options);
  opened.push(cpo);
  return cpo;
}

async function invited(options: Parameters<typeof inviteCpo>[1]): Promise<InvitedCpo> {
  const cpo = await inviteCpo(service, options);
  opened.push(cpo);
  return cpo;
}

async function connectionOf(id: string): Promise<any> {
  return (await service.ops('GET', '/connections')).body.find((c: any) => c.id === id);
}

const around = { center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 3 };

describe.each(VERSIONS)('OCPI $version: the CPO updates and unregisters', ({ version, encoding, section }) => {
  const suffix = version.replace(/\./g, '').slice(0, 2);
  it(`${section.put}: the CPO PUTs new credentials; we fetch its endpoints again with its new token and answer a new token; the old one stops working once it uses the new one`, async () => {
    const cpo = await invited({ version, countryCode: 'NL', partyId: `P${suffix}`, businessName: 'Before' });
    const before = cpo.simulator.registration;
    const requestsBefore = cpo.simulator.requests.length;
    const after = await cpo.simulator.updateCredentials();
    expect(after.tokenForClient).not.toBe(before.tokenForClient);
    expect(after.tokenForUs).not.toBe(before.tokenForUs);
    // We read its versions and details again, with the new token it sent (its token B in this flow).
    expect(cpo.simulator.requests.slice(requestsBefore).map((r) => [r.method, r.token, r.authorizationEncoding])).toEqual([
      ['GET', 'B', encoding],
      ['GET', 'B', encoding],
    ]);
    // Our answer may not have reached it (unsettled-rotation.e2e-spec.ts): the old token works until it uses the new one.
    expect((await ocpiCall(cpo.versionsUrl, after.tokenForClient!, { encoding })).status).toBe(200);
    expect((await ocpiCall(cpo.versionsUrl, before.tokenForClient!, { encoding })).status).toBe(401);
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ status: 'REGISTERED', ocpi_version: version });
  });

  it(`${section.delete}: the CPO unregisters; its token stops working and we stop pulling`, async () => {
    const cpo = await registered({ version, countryCode: 'NL', partyId: `D${suffix}` });
    const token = cpo.simulator.registration.tokenB!;
    await cpo.simulator.unregisterFromClient();
    expect(await connectionOf(cpo.connectionId)).toMatchObject({ status: 'UNREGISTERED', unregistered_at: expect.any(String) });
    expect((await ocpiCall(cpo.simulator.registration.clientCredentials?.url ?? `${service.url}/ocpi/emsp/versions`, token, { encoding })).status).toBe(401);
    // Nothing is tried, so no run fails: sync now is refused saying why.
    const refused = await service.ops('POST', `/connections/${cpo.connectionId}/sync`);
    expect(refused).toMatchObject({ status: 409, body: { error: 'NOT_REGISTERED', message: expect.stringContaining('the connection is UNREGISTERED, not registered') } });
  });

  it(`${section.updating}: operations rotate; we PUT our new token, keep the CPO's new one, and our old token stops working`, async () => {
    const cpo = await registered({
      version,
      countryCode: 'NL',
      partyId: `R${suffix}`,
      locations: locationsFor(version, { ...around, count: 3, seed: 1, countryCode: 'NL', partyId: `R${suffix}` }),
    });
    const before = cpo.simulator.registration;
    const { status, body } = await service.ops('POST', `/connections/${cpo.connectionId}/rotate`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ previous_version: version, connection: { status: 'REGISTERED', ocpi_version: version } });
    const after = cpo.simulator.registration;
    expect(after.tokenForUs).not.toBe(before.tokenForUs);
    expect(after.tokenForClient).not.toBe(before.tokenForClient);
    // The CPO called our versions with the new token while our PUT was open, and the old one is dead.
    expect(cpo.simulator.clientCalls.slice(-2).map((c) => c.status)).toEqual([200, 200]);
    expect((await ocpiCall(`${service.url}/ocpi/emsp/versions`, before.tokenForClient!, { encoding })).status).toBe(401);
    const requestsBefore = cpo.simulator.requests.length;
    const [, locations] = await cpo.sync();
    expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 3 });
    expect(new Set(cpo.simulator.requests.slice(requestsBefore).map((r) => r.token))).toEqual(new Set(['C']));
  });

  it(`${section.delete}: operations unregister; the CPO gets our DELETE and our token stops working`, async () => {
    const cpo = await registered({ version, countryCode: 'NL', partyId: `U${suffix}` });
    const ourToken = cpo.simulator.registration.tokenB!;
    const { status, body } = await service.ops('DELETE', `/connections/${cpo.connectionId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ connection: { status: 'UNREGISTERED' }, cpo_notified: true, cpo_error: null });
    expect(cpo.simulator.registration.registered).toBe(false);
    expect(cpo.simulator.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 200, token: 'C' });
    expect((await ocpiCall(`${service.url}/ocpi/emsp/versions`, ourToken, { encoding })).status).toBe(401);
    expect((await service.ops('DELETE', `/connections/${cpo.connectionId}`)).status).toBe(409);
  });
});

describe('credentials 2.2.1 §Updating to a newer version', () => {
  it('the CPO upgrades to 2.3.0 and PUTs on our 2.3.0 credentials endpoint: the connection switches to 2.3.0', async () => {
    const cpo = await invited({ version: '2.2.1', countryCode: 'NL', partyId: 'UP1' });
    cpo.simulator.switchVersion('2.3.0');
    await cpo.simulator.updateCredentials();
    const connection = await connectionOf(cpo.connectionId);
    expect(connection).toMatchObject({ status: 'REGISTERED', ocpi_version: '2.3.0' });
    expect(connection.endpoints[0].url).toContain('/2.3.0/');
  });

  it('operations rotate when the CPO now offers a higher mutual version: our PUT goes to its 2.3.0 endpoint', async () => {
    const cpo = await registered({ version: '2.1.1', countryCode: 'NL', partyId: 'UP2' });
    cpo.simulator.switchVersion('2.3.0');
    const rediscovered = await service.ops('POST', `/connections/${cpo.connectionId}/rediscover`);
    // It no longer offers 2.1.1, so the endpoints of the version in use cannot be read again: rotate instead.
    expect(rediscovered).toMatchObject({ status: 502, body: { error: 'VERSION_NOT_OFFERED' } });
    const { status, body } = await service.ops('POST', `/connections/${cpo.connectionId}/rotate`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ previous_version: '2.1.1', connection: { ocpi_version: '2.3.0' } });
    expect(cpo.simulator.requests.at(-1)).toMatchObject({ method: 'PUT', url: expect.stringContaining('/2.3.0/credentials'), authorizationEncoding: 'base64' });
  });
});

describe('credentials 2.2.1 §Changing endpoints for the current version', () => {
  it('operations re-discover endpoints the CPO moved; a newer mutual version is reported', async () => {
    const cpo = await registered({ version: '2.2.1', countryCode: 'NL', partyId: 'MV1' });
    cpo.simulator.relocateEndpoints();
    const { status, body } = await service.ops('POST', `/connections/${cpo.connectionId}/rediscover`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ endpoints_changed: true, newer_mutual_version: null });
    expect(body.connection.endpoints.every((e: any) => e.url.includes('/moved-1/2.2.1/'))).toBe(true);
    const unchanged = await service.ops('POST', `/connections/${cpo.connectionId}/rediscover`);
    expect(unchanged.body.endpoints_changed).toBe(false);
  });

  it('a pull that meets HTTP 404 at a moved endpoint re-discovers the endpoints and carries on', async () => {
    const cpo = await registered({
      version: '2.3.0',
      countryCode: 'NL',
      partyId: 'MV2',
      locations: generateLocations({ ...around, count: 4, seed: 2, countryCode: 'NL', partyId: 'MV2' }),
    });
    cpo.simulator.relocateEndpoints();
    const [tariffs, locations] = await cpo.sync();
    expect(tariffs.status).toBe('SUCCEEDED');
    expect(locations).toMatchObject({ status: 'SUCCEEDED', stored: 4 });
    expect(cpo.simulator.requests.filter((r) => r.status === 404).length).toBe(1);
  });

  it('operations: rotate, unregister and rediscover answer 404 for an unknown connection and 409 when not registered', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await service.ops('POST', `/connections/${unknown}/rotate`)).status).toBe(404);
    const { body } = await service.ops('POST', '/connections/invitations', { name: 'Not yet' });
    const rotate = await service.ops('POST', `/connections/${body.connection.id}/rotate`);
    expect(rotate).toMatchObject({ status: 409, body: { error: 'NOT_REGISTERED' } });
    expect((await service.ops('POST', `/connections/${body.connection.id}/rediscover`)).status).toBe(409);
  });
});
