/**
 * What a hostile or broken client gets from us: a clear 4xx in its protocol's terms, never an HTTP 500. On /ocpi/ paths
 * an OCPI envelope (transport_and_format 2.2.1 §Response format) with 2001 for a request we cannot read or take
 * (status_codes 2.2.1 §2xxx Client errors); on the internal APIs an HTTP 400 with a message. What a CPO pushed is kept
 * raw for operations in a form PostgreSQL can store: U+0000 and lone surrogates written out as the text `\u0000` /
 * `\ud800`, an object above the size we keep cut to its first bytes and marked with its size.
 */
import { loadCdrExample } from '../cpo-simulator';
import { locationsFor } from '../support/ocpi-versions';
import { callLogEntry } from '../support/call-log';
import { OCPI_ENVELOPE, ocpiAuthorization, rawRequest } from '../support/raw-request';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TEST_FINANCE_API_KEY, TEST_OPERATIONS_API_KEY, TestService } from '../support/test-service';

type Version = '2.1.1' | '2.2.1' | '2.3.0';
const VERSIONS: Version[] = ['2.1.1', '2.2.1', '2.3.0'];
const SECTION: Record<Version, string> = {
  '2.1.1': 'mod_cdrs 2.1.1 §2.2.2 POST Method',
  '2.2.1': 'mod_cdrs 2.2.1 §Receiver Interface §POST Method',
  '2.3.0': 'mod_cdrs 2.3.0 §Receiver Interface §POST Method',
};
const OWNER: Record<Version, { countryCode: string; partyId: string }> = {
  '2.1.1': { countryCode: 'NL', partyId: 'HIA' },
  '2.2.1': { countryCode: 'NL', partyId: 'HIB' },
  '2.3.0': { countryCode: 'NL', partyId: 'HIC' },
};
/** Small limits, so that the tests send small bodies; the defaults are 10 MiB and 2 MiB. */
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_OBJECT_BYTES = 256 * 1024;

let service: TestService;
const cpos = {} as Record<Version, RegisteredCpo>;

beforeAll(async () => {
  service = await startTestService({ env: { OCPI_MAX_BODY_BYTES: String(MAX_BODY_BYTES), OCPI_MAX_OBJECT_BYTES: String(MAX_OBJECT_BYTES) } });
  for (const version of VERSIONS) cpos[version] = await registerCpo(service, { version, ...OWNER[version], locations: [], tariffs: [] });
});
afterAll(async () => {
  for (const version of VERSIONS) await cpos[version]?.close();
  await service?.stop();
});

/** POSTs `body` (exactly these bytes) to our CDRs Receiver endpoint of `version` as that version's CPO. */
function postCdr(version: Version, body: string | Buffer | undefined, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  const token = cpos[version].simulator.registration.tokenForClient!;
  return rawRequest(`${service.url}/ocpi/emsp/${version}/cdrs`, { method: 'POST', headers: { Authorization: ocpiAuthorization(version, token), ...headers }, body });
}

async function rejected(version: Version): Promise<any[]> {
  return (await service.ops('GET', `/connections/${cpos[version].connectionId}/rejected-objects?module=cdrs`)).body;
}

function example(version: Version, id: string): Record<string, any> {
  return { ...loadCdrExample(version, OWNER[version]), id };
}

const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe.each(VERSIONS)('hostile CDR bodies pushed by a %s CPO', (version) => {
  it(`${SECTION[version]}: the body null (valid JSON) is OCPI 2001 in HTTP 200 (status_codes §Status codes: it reached the OCPI layer), filed in rejected_object with raw null`, async () => {
    const answer = await postCdr(version, 'null');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ...OCPI_ENVELOPE, status_code: 2001, status_message: 'Invalid CDR: not a JSON object' });
    expect((await rejected(version)).filter((r) => r.raw === null && r.reason === 'Invalid CDR: not a JSON object')).toHaveLength(1);
  });

  it(`${SECTION[version]}: no body and no Content-Type is OCPI 2001 (HTTP 400) saying there was no body`, async () => {
    const answer = await postCdr(version, undefined, {});
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ ...OCPI_ENVELOPE, status_code: 2001, status_message: 'Invalid CDR: the request had no body' });
  });

  it(`${SECTION[version]}: JSON nested 10,000 deep (arrays and objects) is OCPI 2001 (HTTP 400) naming the depth limit`, async () => {
    for (const body of [deepArrays(10_000), deepObjects(10_000)]) {
      const answer = await postCdr(version, body);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ ...OCPI_ENVELOPE, status_code: 2001, status_message: 'JSON nested deeper than 64 levels' });
    }
  });

  it(`${SECTION[version]}: a NUL (U+0000) in any string is OCPI 2001 naming the field; the CDR is kept with the NUL written as \\u0000`, async () => {
    const fields = version === '2.1.1' ? ['id', 'currency', 'session_id'] : ['id', 'country_code', 'party_id', 'currency', 'session_id'];
    for (const field of fields) {
      const id = `NUL-${field}`;
      const cdr = { ...example(version, id), [field]: 'A\u0000B' };
      const answer = await postCdr(version, JSON.stringify(cdr));
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        ...OCPI_ENVELOPE,
        status_code: 2001,
        status_message: `Invalid CDR: ${field}: contains U+0000 (NUL), which no text we store may hold`,
      });
    }
    const kept = (await rejected(version)).find((r) => r.raw.id === 'A\\u0000B');
    expect(kept).toMatchObject({ object_id: 'A\\u0000B', reason: 'Invalid CDR: id: contains U+0000 (NUL), which no text we store may hold' });
    expect(kept.raw).toEqual({ ...example(version, 'A\\u0000B') });
  });

  it(`${SECTION[version]}: a raw NUL byte in a body that is not JSON is OCPI 2001; the call log keeps the body with it written as \\u0000`, async () => {
    const requestId = `raw-nul-${version}`;
    const answer = await postCdr(version, Buffer.from('{"id": "A\u0000B", ', 'utf8'), { 'Content-Type': 'application/json', 'X-Request-ID': requestId });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status_code: 2001 });
    const entry = await callLogEntry(service, `?connection_id=${cpos[version].connectionId}&direction=INCOMING`, (e) => e.request_id === requestId);
    expect(entry.request_body).toBe('{"id": "A\\u0000B", ');
  });

  it(`${SECTION[version]}: a lone surrogate ("\\ud800") is OCPI 2001 naming the field; kept with it written as \\ud800`, async () => {
    const answer = await postCdr(version, JSON.stringify({ ...example(version, 'LONE-1'), meter_id: 'x\ud800y' }));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status_code: 2001, status_message: 'Invalid CDR: meter_id: contains a lone surrogate (U+D800), which is not Unicode text' });
    const kept = (await rejected(version)).find((r) => r.raw.id === 'LONE-1');
    expect(kept.raw.meter_id).toBe('x\\ud800y');
  });

  it(`${SECTION[version]}: a body above OCPI_MAX_BODY_BYTES is refused before it is read whole: HTTP 413, OCPI 2000 naming the limit`, async () => {
    const answer = await postCdr(version, JSON.stringify({ ...example(version, 'HUGE-BODY'), x_padding: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ ...OCPI_ENVELOPE, status_code: 2000, status_message: `Request body larger than the ${MAX_BODY_BYTES} bytes we accept` });
  });

  it(`${SECTION[version]}: an object above OCPI_MAX_OBJECT_BYTES is OCPI 2001 naming both sizes, kept cut to its first 64 KiB and marked with its size`, async () => {
    const big = { ...example(version, 'BIG-OBJECT'), x_unknown: 'y'.repeat(MAX_OBJECT_BYTES) };
    const size = Buffer.byteLength(JSON.stringify(big));
    const answer = await postCdr(version, JSON.stringify(big));
    expect(answer.status).toBe(200);
    const reason = `Invalid CDR: ${size} bytes of JSON, more than the ${MAX_OBJECT_BYTES} we take in and keep per object`;
    expect(answer.json).toMatchObject({ status_code: 2001, status_message: reason });
    const kept = (await rejected(version)).find((r) => r.reason === reason);
    expect(kept).toMatchObject({ object_id: 'BIG-OBJECT', raw: { truncated: { size_bytes: size, kept_bytes: 65536, head: expect.any(String) } } });
    expect(kept.raw.truncated.head).toBe(JSON.stringify(big).slice(0, 65536));
  });
});

describe('a Price that is a list', () => {
  it('mod_cdrs 2.2.1 §CDR object, types 2.2.1 §Price class: total_cost [] is OCPI 2001 naming total_cost', async () => {
    const answer = await postCdr('2.2.1', JSON.stringify({ ...example('2.2.1', 'COST-LIST'), total_cost: [] }));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status_code: 2001, status_message: 'Invalid CDR: total_cost: must be a Price object, not a list' });
  });

  it.each([
    ['2.1.1', 'location'],
    ['2.2.1', 'cdr_token'],
    ['2.3.0', 'cdr_location'],
  ] as const)('mod_cdrs %s §CDR object: %s [] (an object sent as a list) is OCPI 2001 naming the field (not a TypeError message); kept raw', async (version, field) => {
    const answer = await postCdr(version, JSON.stringify({ ...example(version, `LIST-${field}`), [field]: [] }));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status_code: 2001, status_message: `Invalid CDR: ${field}: must be an object, not a list` });
    expect((await rejected(version)).find((r) => r.raw.id === `LIST-${field}`)).toMatchObject({ raw: { [field]: [] } });
  });
});

describe('the same door for pulled pages', () => {
  it('mod_locations 2.2.1 §Sender Interface: a page with a NUL, an oversized and a too deep Location stores the rest; the three are kept with their reasons', async () => {
    const owner = { countryCode: 'NL', partyId: 'HID' };
    const [fine, withNul, big, deep] = locationsFor('2.2.1', { count: 4, seed: 3, center: { latitude: 52.37, longitude: 4.9 }, radiusKm: 2, ...owner }) as any[];
    const locations = [fine, { ...withNul, name: 'A\u0000B' }, { ...big, x_unknown: 'y'.repeat(MAX_OBJECT_BYTES) }, { ...deep, x_deep: JSON.parse(deepArrays(100)) }];
    const size = Buffer.byteLength(JSON.stringify(locations[2]));
    const cpo = await registerCpo(service, { version: '2.2.1', ...owner, locations, tariffs: [] });
    try {
      const outcomes = await cpo.sync();
      expect(outcomes.find((o) => o.module === 'locations')).toMatchObject({ status: 'SUCCEEDED', received: 4, stored: 1, rejected: 3 });
      const rejectedLocations: any[] = (await service.ops('GET', `/connections/${cpo.connectionId}/rejected-objects?module=locations`)).body;
      const byId = Object.fromEntries(rejectedLocations.map((r) => [r.object_id, r]));
      expect(Object.keys(byId).sort()).toEqual([withNul.id, big.id, deep.id].sort());
      expect(byId[withNul.id]).toMatchObject({ reason: 'Invalid Location: name: contains U+0000 (NUL), which no text we store may hold', raw: { name: 'A\\u0000B' } });
      expect(byId[big.id]).toMatchObject({
        reason: `Invalid Location: ${size} bytes of JSON, more than the ${MAX_OBJECT_BYTES} we take in and keep per object`,
        raw: { truncated: { size_bytes: size, kept_bytes: 65536 } },
      });
      expect(byId[deep.id].reason).toBe('Invalid Location: JSON nested deeper than 64 levels');
      expect(JSON.stringify(byId[deep.id].raw.x_deep)).toContain('"[nested deeper than 64 levels]"');
    } finally {
      await cpo.close();
    }
  });
});

describe('credentials 2.2.1 §POST Method: text PostgreSQL cannot hold in a credentials object', () => {
  it('a NUL in business_details.name is OCPI 2001 naming the field', async () => {
    const invited = await service.ops('POST', '/connections/invitations', { name: 'NUL credentials' });
    const body = {
      token: 'nul-credentials-token',
      url: `${service.url}/ocpi/nowhere/versions`,
      roles: [{ role: 'CPO', business_details: { name: 'A\u0000B' }, party_id: 'NUL', country_code: 'NL' }],
    };
    const answer = await rawRequest(`${service.url}/ocpi/emsp/2.2.1/credentials`, {
      method: 'POST',
      headers: { Authorization: ocpiAuthorization('2.2.1', invited.body.token_a), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      ...OCPI_ENVELOPE,
      status_code: 2001,
      status_message: 'body roles[0].business_details.name: contains U+0000 (NUL), which no text we store may hold',
    });
  });
});

describe('transport_and_format 2.2.1 §Response format: every answer under /ocpi/ is an envelope, also where the framework answers', () => {
  const token = () => cpos['2.2.1'].simulator.registration.tokenForClient!;

  it('a path segment longer than 100 characters: HTTP 414 with an OCPI envelope (2000), in the call log against the CPO', async () => {
    const answer = await rawRequest(`${service.url}/ocpi/emsp/2.2.1/cdrs/${'x'.repeat(200)}`, { headers: { Authorization: ocpiAuthorization('2.2.1', token()) } });
    expect(answer.status).toBe(414);
    expect(answer.json).toMatchObject({ ...OCPI_ENVELOPE, status_code: 2000, status_message: 'A path segment is longer than the 100 characters we read' });
    const entry = await callLogEntry(service, `?connection_id=${cpos['2.2.1'].connectionId}&direction=INCOMING`, (e) => e.http_status === 414);
    expect(entry.url).toBe(`/ocpi/emsp/2.2.1/cdrs/${'x'.repeat(200)}`);
  });

  it('GET /ocpi/%ff (not UTF-8 once decoded): HTTP 400 with an OCPI envelope (2001)', async () => {
    const answer = await rawRequest(`${service.url}/ocpi/%ff`);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ ...OCPI_ENVELOPE, status_code: 2001, status_message: "The URL '/ocpi/%ff' is not valid percent-encoded UTF-8" });
  });

  it('a 100 KB Authorization header, refused by the HTTP parser: HTTP 431 with an OCPI envelope (2000)', async () => {
    const answer = await rawRequest(`${service.url}/ocpi/emsp/2.2.1/cdrs`, { headers: { Authorization: `Token ${'a'.repeat(100 * 1024)}` } });
    expect(answer.status).toBe(431);
    expect(answer.json).toMatchObject({ ...OCPI_ENVELOPE, status_code: 2000, status_message: 'Request headers larger than the 16384 bytes we read' });
  });

  it('the same outside /ocpi/ keeps HTTP terms: 431 with a message, no OCPI envelope', async () => {
    const answer = await rawRequest(`${service.url}/api/v1/operations/connections`, { headers: { 'X-API-Key': 'k'.repeat(100 * 1024) } });
    expect(answer.status).toBe(431);
    expect(answer.json.status_code).toBeUndefined();
  });

  it('the service still answers after all of the above', async () => {
    expect((await rawRequest(`${service.url}/health`)).status).toBe(200);
  });
});

describe('internal APIs: text PostgreSQL cannot hold is an HTTP 400 with a message', () => {
  const ops = (path: string) => rawRequest(`${service.url}/api/v1/operations${path}`, { headers: { 'X-API-Key': TEST_OPERATIONS_API_KEY } });

  it('GET /api/v1/operations/call-log?module=%00: HTTP 400 naming the parameter', async () => {
    const answer = await ops('/call-log?module=%00');
    expect(answer.status).toBe(400);
    expect(answer.json.message).toBe('query parameter module: contains U+0000 (NUL), which no text we store may hold');
  });

  it('GET /api/v1/finance/cdrs?cdr_id=%00: HTTP 400 naming the parameter', async () => {
    const answer = await rawRequest(`${service.url}/api/v1/finance/cdrs?cdr_id=A%00B`, { headers: { 'X-API-Key': TEST_FINANCE_API_KEY } });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toBe('query parameter cdr_id: contains U+0000 (NUL), which no text we store may hold');
  });

  it('POST /api/v1/operations/connections/invitations with a NUL or a lone surrogate in the name: HTTP 400 naming the field', async () => {
    for (const [name, problem] of [
      ['A\u0000B', 'contains U+0000 (NUL), which no text we store may hold'],
      ['A\udc00B', 'contains a lone surrogate (U+DC00), which is not Unicode text'],
    ]) {
      const answer = await rawRequest(`${service.url}/api/v1/operations/connections/invitations`, {
        method: 'POST',
        headers: { 'X-API-Key': TEST_OPERATIONS_API_KEY, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      expect(answer.status).toBe(400);
      expect(answer.json.message).toBe(`body name: ${problem}`);
    }
  });

  it('JSON nested 10,000 deep to an internal endpoint: HTTP 400 naming the depth limit', async () => {
    const answer = await rawRequest(`${service.url}/api/v1/operations/connections/invitations`, {
      method: 'POST',
      headers: { 'X-API-Key': TEST_OPERATIONS_API_KEY, 'Content-Type': 'application/json' },
      body: deepObjects(10_000),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toBe('JSON nested deeper than 64 levels');
  });
});
