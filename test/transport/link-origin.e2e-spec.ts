/**
 * transport_and_format 2.2.1 §Pagination with §Security and authentication and §Interface endpoints: the next-page
 * Link is followed only to the origin (scheme, host, port) of the endpoint the CPO listed in its version details. A
 * Link to any other origin is refused before anything is sent there, so our credentials token never leaves for
 * another host; the pull stops with a PAGINATION failure naming the URL, keeping what it stored before.
 * The other host is a real second HTTP server on loopback that records every call it gets.
 */
import { startBystanderServer, BystanderServer } from '../support/bystander-server';
import { callLogEntry } from '../support/call-log';
import { collectPages, directClient, registeredSimulator, RegisteredSimulator, someLocations } from '../support/direct-client';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const LOCATIONS = someLocations(12, 21);

describe('transport_and_format 2.2.1 §Pagination: a next-page Link to another origin is never followed (our token stays home)', () => {
  let cpo: RegisteredSimulator;
  let bystander: BystanderServer;
  beforeAll(async () => {
    cpo = await registeredSimulator({ locations: LOCATIONS, maxPageLimit: 5 });
    bystander = await startBystanderServer();
  });
  afterEach(() => {
    cpo.simulator.setQuirks(undefined);
    bystander.calls.length = 0;
  });
  afterAll(async () => {
    await cpo.close();
    await bystander.close();
  });

  const listCalls = (from: number) => cpo.simulator.requests.slice(from).filter((r) => r.url.includes('/locations'));

  it.each([
    ['the same host, another port', () => bystander.origin],
    ['localhost instead of 127.0.0.1, another port', () => `http://localhost:${bystander.port}`],
  ])('%s: refused before any request, PAGINATION naming the URL, first page kept, call log entry', async (_what, origin) => {
    cpo.simulator.setQuirks({ pagination: { foreignLinkOrigin: origin() } });
    const direct = directClient();
    const before = cpo.simulator.requests.length;
    const { items, error } = await collectPages(direct.client, cpo.call('locations'));

    expect(bystander.calls).toEqual([]);
    expect(listCalls(before)).toHaveLength(1);
    expect(items.map((l) => l.id)).toEqual(LOCATIONS.slice(0, 5).map((l) => l.id));
    expect(error).toMatchObject({ kind: 'PAGINATION' });
    const foreign = `${origin()}/ocpi/cpo/2.2.1/locations?offset=5&limit=5`;
    expect(error!.explanation).toContain(foreign);
    expect(error!.explanation).toContain(`another origin than the endpoint the CPO gave us (${new URL(cpo.simulator.baseUrl).origin})`);
    expect(direct.recorded).toEqual([expect.objectContaining({ kind: 'PAGINATION', method: 'GET', url: expect.stringContaining(cpo.simulator.baseUrl) })]);
    expect(direct.recorded[0].explanation).toContain(foreign);
  });

  it("absolute Links on the endpoint's own origin (as served) are followed to the last page", async () => {
    const { items, error } = await collectPages(directClient().client, cpo.call('locations'));
    expect(error).toBeNull();
    expect(items).toHaveLength(LOCATIONS.length);
  });
});

describe('transport_and_format 2.2.1 §Pagination through a pull: the run fails naming the URL, the other host is never called', () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  let bystander: BystanderServer;
  const owner = { countryCode: 'NL', partyId: 'LNK' };
  beforeAll(async () => {
    service = await startTestService({ env: { OCPI_PAGE_LIMIT: '5' } });
    bystander = await startBystanderServer();
    cpo = await registerCpo(service, { ...owner, locations: someLocations(12, 21, owner) });
  });
  afterAll(async () => {
    await cpo?.close();
    await bystander?.close();
    await service?.stop();
  });

  it('locations: FAILED (PAGINATION) with the foreign URL; the first page is stored; no request, no token reached the other host', async () => {
    cpo.simulator.setQuirks({ modules: ['locations'], pagination: { foreignLinkOrigin: bystander.origin } });
    const outcomes = await cpo.sync();
    const locations = outcomes.find((o: any) => o.module === 'locations');
    expect(locations).toMatchObject({ status: 'FAILED', pages: 1, stored: 5 });
    expect(locations.message).toContain('(PAGINATION)');
    expect(locations.message).toContain(`${bystander.origin}/ocpi/cpo/2.2.1/locations?`);
    expect(bystander.calls).toEqual([]);
    const entry = await callLogEntry(service, `?connection_id=${cpo.connectionId}&kind=PAGINATION`, () => true);
    expect(entry).toMatchObject({ module: 'locations', direction: 'OUTGOING', url: expect.stringContaining(cpo.simulator.baseUrl) });
    expect(entry.explanation).toContain(bystander.origin);
    expect((await service.ops('GET', `/connections/${cpo.connectionId}/summary`)).body.stored.locations).toBe(5);
  });
});
