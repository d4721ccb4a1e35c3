/**
 * version_information_endpoint §Version details: `data` is one object { version, endpoints }. Some CPOs send it as a
 * list holding that object; we read the one element and count the deviation. A list of none or several, or details
 * naming another version than the one whose URL we asked, fail the handshake before any credentials POST, naming the
 * URL. Registration with the CPO simulator (eMSP-initiated) through the operations API, for every version.
 */
import { CpoSimulator, startCpoSimulator } from '../cpo-simulator';
import { startTestService, TestService } from '../support/test-service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

const SECTION: Record<string, string> = {
  '2.1.1': 'version_information_endpoint 2.1.1 §2.2 Version details endpoint',
  '2.2.1': 'version_information_endpoint 2.2.1 §Version details endpoint',
  '2.3.0': 'version_information_endpoint 2.3.0 §Version details endpoint',
};

async function register(simulator: CpoSimulator) {
  return service.ops('POST', '/connections', { name: `${simulator.countryCode}*${simulator.partyId}`, versions_url: simulator.versionsUrl, token_a: simulator.tokenA });
}

/** Whether the simulator was sent a credentials POST. */
const credentialsPosts = (simulator: CpoSimulator) => simulator.requests.filter((r) => r.method === 'POST' && /\/credentials$/.test(r.url)).length;

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('version details of a %s CPO', (version) => {
  const letter = { '2.1.1': 'A', '2.2.1': 'B', '2.3.0': 'C' }[version];
  const started: CpoSimulator[] = [];
  const start = async (partyId: string, versionDetails: { asList?: number; version?: string }) => {
    const simulator = await startCpoSimulator({ version, countryCode: 'NL', partyId, quirks: { versionDetails } });
    started.push(simulator);
    return simulator;
  };
  afterAll(() => Promise.all(started.map((s) => s.close())));

  it(`${SECTION[version]}: a list holding the one details object is read as that object, registered, and counted as a deviation`, async () => {
    const simulator = await start(`VL${letter}`, { asList: 1 });
    const { status, body } = await register(simulator);
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'REGISTERED', ocpi_version: version });
    const deviations = (await service.ops('GET', `/connections/${body.id}/deviations`)).body;
    expect(deviations).toEqual([expect.objectContaining({ module: 'versions', kind: 'VERSION_DETAILS_AS_LIST', field: 'data', count: 1 })]);
  });

  const other = version === '2.1.1' ? '2.2.1' : '2.1.1';
  it.each([
    ['two details objects', 'VT', { asList: 2 }, 'data is a list of 2 version details objects; expected one object'],
    ['an empty list', 'VE', { asList: 0 }, 'data is an empty list; expected one version details object'],
    ['details of another version', 'VW', { version: other }, `they are the details of version ${other}, not of ${version}`],
  ])(`${SECTION[version]}: %s: the handshake fails before any credentials POST, naming the URL`, async (_, party, quirk, why) => {
    const simulator = await start(`${party}${letter}`, quirk);
    const { status, body } = await register(simulator);
    expect(status).toBe(502);
    expect(body.error).toBe('VERSION_DETAILS_UNREACHABLE');
    expect(body.message).toBe(`The CPO's version details at ${simulator.baseUrl}/${version} are not usable: ${why}.`);
    expect(credentialsPosts(simulator)).toBe(0);
    const listed = (await service.ops('GET', '/connections')).body.find((c: { id: string }) => c.id === body.connection_id);
    expect(listed).toMatchObject({ status: 'FAILED', last_error: body.message });
  });
});
