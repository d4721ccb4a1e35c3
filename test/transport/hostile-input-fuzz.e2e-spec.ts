/**
 * Property-based fuzz of everything a client sends us (fast-check, fixed seed, bounded runs): every Receiver interface's
 * object in every version (mutations of a valid object: hostile values anywhere, fields removed, unknown fields added;
 * any JSON; text that is not JSON; truncated JSON; deep nesting; a body above the limit), the path of an OCPI GET, and
 * the query parameters of the internal APIs. The bar (transport_and_format 2.2.1 §Response format, status_codes 2.2.1
 * §2xxx Client errors): no HTTP 500, no crash, every answer under /ocpi/ an OCPI envelope, deep and oversized bodies
 * refused before they are parsed. Prints a table of inputs tried and HTTP 500s seen per endpoint.
 *
 * A new receiver is one line in RECEIVERS; a new internal query endpoint one line in QUERY_ENDPOINTS.
 */
import fc from 'fast-check';
import { loadCdrExample } from '../cpo-simulator';
import { OCPI_ENVELOPE, ocpiAuthorization, rawRequest, RawAnswer } from '../support/raw-request';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TEST_FINANCE_API_KEY, TEST_INTERNAL_API_KEY, TEST_OPERATIONS_API_KEY, TestService } from '../support/test-service';

type Version = '2.1.1' | '2.2.1' | '2.3.0';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SEED = 13;
const RUNS_PER_RECEIVER = 80;
const RUNS_PER_QUERY_ENDPOINT = 100;
/** Small, so that the oversized bodies the fuzz sends stay cheap; the default is 10 MiB. */
const MAX_BODY_BYTES = 256 * 1024;

const VERSIONS: Version[] = ['2.1.1', '2.2.1', '2.3.0'];
const OWNER: Record<Version, { countryCode: string; partyId: string }> = {
  '2.1.1': { countryCode: 'NL', partyId: 'FZA' },
  '2.2.1': { countryCode: 'NL', partyId: 'FZB' },
  '2.3.0': { countryCode: 'NL', partyId: 'FZC' },
};

let service: TestService;
const registered = {} as Record<Version, RegisteredCpo>;
/** Token A of an open invitation (the caller of a credentials POST). */
let invitationTokenA: string;

/** Who calls a receiver: a registered CPO (its token for us) or one still invited (token A). */
type Caller = 'REGISTERED' | 'INVITED';

interface Receiver {
  version: Version;
  method: 'POST' | 'PUT';
  module: string;
  caller: Caller;
  /** A valid object of this receiver, the seed of the mutations. */
  sample: () => Record<string, Json>;
}

/**
 * A credentials object whose url answers 404 at once (a path of ours we do not serve): a mutation that stays valid
 * makes us call back, fail fast (3001), and leave the connection as it was.
 */
function credentialsSample(version: Version): Record<string, Json> {
  const url = `${service.url}/ocpi/nowhere/versions`;
  const business_details = { name: 'Fuzz CPO', website: 'https://fuzz.example.com' };
  if (version === '2.1.1') return { token: 'fuzz-token-0001', url, business_details, party_id: 'FZZ', country_code: 'NL' };
  return { token: 'fuzz-token-0001', url, roles: [{ role: 'CPO', business_details, party_id: 'FZZ', country_code: 'NL' }] };
}

const cdrSample = (version: Version) => loadCdrExample(version, OWNER[version]) as Record<string, Json>;

/** Every Receiver interface in every version: one line each. */
const RECEIVERS: Receiver[] = [
  { version: '2.1.1', method: 'POST', module: 'cdrs', caller: 'REGISTERED', sample: () => cdrSample('2.1.1') },
  { version: '2.2.1', method: 'POST', module: 'cdrs', caller: 'REGISTERED', sample: () => cdrSample('2.2.1') },
  { version: '2.3.0', method: 'POST', module: 'cdrs', caller: 'REGISTERED', sample: () => cdrSample('2.3.0') },
  { version: '2.1.1', method: 'POST', module: 'credentials', caller: 'INVITED', sample: () => credentialsSample('2.1.1') },
  { version: '2.2.1', method: 'POST', module: 'credentials', caller: 'INVITED', sample: () => credentialsSample('2.2.1') },
  { version: '2.3.0', method: 'POST', module: 'credentials', caller: 'INVITED', sample: () => credentialsSample('2.3.0') },
  { version: '2.1.1', method: 'PUT', module: 'credentials', caller: 'REGISTERED', sample: () => credentialsSample('2.1.1') },
  { version: '2.2.1', method: 'PUT', module: 'credentials', caller: 'REGISTERED', sample: () => credentialsSample('2.2.1') },
  { version: '2.3.0', method: 'PUT', module: 'credentials', caller: 'REGISTERED', sample: () => credentialsSample('2.3.0') },
];

interface QueryEndpoint {
  path: string;
  key: string;
  /** Its parameters, each with a valid value, valid together (hostile ones are generated). */
  params: Record<string, string>;
  /** Parameters that only get hostile values (e.g. a cursor, or one that excludes a valid one). */
  extra?: string[];
}

/** The internal APIs' query endpoints: one line each. */
const QUERY_ENDPOINTS: QueryEndpoint[] = [
  {
    path: '/api/v1/operations/call-log',
    key: TEST_OPERATIONS_API_KEY,
    params: { connection_id: '00000000-0000-4000-8000-000000000000', module: 'cdrs', kind: 'HTTP_STATUS', direction: 'INCOMING', since: '2024-01-01T00:00:00Z', limit: '10' },
  },
  {
    path: '/api/v1/finance/cdrs',
    key: TEST_FINANCE_API_KEY,
    params: {
      connection_id: '00000000-0000-4000-8000-000000000000',
      cdr_id: 'CDR-1',
      party: 'NL*FZB',
      from: '2024-01-01T00:00:00Z',
      to: '2025-01-01T00:00:00Z',
      discrepancy: 'true',
      limit: '10',
    },
    extra: ['cursor'],
  },
  {
    path: '/api/v1/chargers/nearby',
    key: TEST_INTERNAL_API_KEY,
    params: {
      latitude: '52.37',
      longitude: '4.9',
      radius_m: '2000',
      connector_standard: 'IEC_62196_T2',
      power_type: 'AC_3_PHASE',
      min_power_kw: '11',
      available_now: 'true',
      limit: '20',
    },
  },
  {
    path: '/api/v1/locations',
    key: TEST_INTERNAL_API_KEY,
    params: {
      latitude: '52.37',
      longitude: '4.9',
      radius_m: '2000',
      party: 'NL*FZB',
      capabilities: 'RESERVABLE',
      parking_type: 'ON_STREET',
      open_24_7: 'true',
      evses: 'true',
      lang: 'nl-BE',
      limit: '20',
    },
    extra: ['bbox', 'cursor'],
  },
];

// ---- what hostile input looks like ----

const nest = (open: '[' | '{"a":', depth: number) => open.repeat(depth) + (open === '[' ? '' : '1') + (open === '[' ? ']' : '}').repeat(depth);

/** Values a hostile or broken client puts anywhere. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Json>(null, [], {}, '', ' ', 'A\u0000B', '\ud800', 'x\udfff', '😀😀😀', 'a\u202eb', '\ufeff', '4,00', 'NaN', '1e308') },
  { weight: 4, arbitrary: fc.constantFrom<Json>(1e308, -1e308, -1, 0, 0.1, -0, Number.MAX_SAFE_INTEGER, 2 ** 63, true, false, '2024-02-30T25:61:61Z', 'x'.repeat(5000)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 80 }).map((depth) => JSON.parse(nest('[', depth)) as Json) },
);

/** Every path to a value inside `value` (object keys and array indexes), the root's children first. */
function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

interface Mutation {
  at: number;
  op: 'replace' | 'delete' | 'add';
  value: Json;
  key: string;
}

/** `sample` with the mutations applied in turn (each at a path picked by index among the paths it has then). */
function mutate(sample: Record<string, Json>, mutations: Mutation[]): Json {
  const copy = structuredClone(sample) as Json;
  for (const m of mutations) {
    const paths = pathsOf(copy);
    const path = paths[m.at % paths.length];
    const parent = path.slice(0, -1).reduce<Json>((node, k) => (node as Record<string, Json>)[k], copy) as Record<string | number, Json>;
    const last = path[path.length - 1];
    if (m.op === 'replace') parent[last] = m.value;
    else if (m.op === 'delete' && Array.isArray(parent)) parent.splice(last as number, 1);
    else if (m.op === 'delete') delete parent[last];
    else if (!Array.isArray(parent)) parent[m.key] = m.value;
    else parent.push(m.value);
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('replace', 'replace', 'replace', 'delete', 'add'),
  value: hostileValue,
  key: fc.oneof(fc.constantFrom('x_unknown', '__proto__', 'constructor', 'k\u0000', '\ud800'), fc.string({ unit: 'binary', maxLength: 8 })),
});

/** What kind of body an input is, for the checks that depend on it. */
type BodyKind = 'mutated' | 'any JSON' | 'text' | 'bytes' | 'truncated' | 'deep' | 'oversized' | 'none';

interface BodyInput {
  kind: BodyKind;
  body: string | Buffer | undefined;
  contentType: string | undefined;
}

function bodies(sample: Record<string, Json>): fc.Arbitrary<BodyInput> {
  const json = JSON.stringify(sample);
  const contentType = fc.constantFrom<string | undefined>(
    'application/json',
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    undefined,
  );
  const asJson = (kind: BodyKind) => (body: string) => ({ kind, body, contentType: 'application/json' });
  return fc.oneof(
    {
      weight: 14,
      arbitrary: fc
        .array(mutation, { minLength: 1, maxLength: 3 })
        .map((ms) => ({ kind: 'mutated' as const, body: JSON.stringify(mutate(sample, ms)), contentType: 'application/json' })),
    },
    {
      weight: 2,
      arbitrary: fc
        .jsonValue({ maxDepth: 4 })
        .map((v) => JSON.stringify(v))
        .map(asJson('any JSON')),
    },
    { weight: 2, arbitrary: fc.record({ body: fc.string({ unit: 'binary', maxLength: 300 }), contentType }).map((r) => ({ kind: 'text' as const, ...r })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'bytes' as const, body: Buffer.from(bytes), contentType: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc
        .nat({ max: json.length })
        .map((n) => json.slice(0, n))
        .map(asJson('truncated')),
    },
    {
      weight: 1,
      arbitrary: fc.record({ depth: fc.integer({ min: 65, max: 50_000 }), open: fc.constantFrom<'[' | '{"a":'>('[', '{"a":') }).map((r) => asJson('deep')(nest(r.open, r.depth))),
    },
    { weight: 1, arbitrary: fc.constant(JSON.stringify({ ...sample, x_padding: 'x'.repeat(MAX_BODY_BYTES) })).map(asJson('oversized')) },
    { weight: 1, arbitrary: contentType.map((c) => ({ kind: 'none' as const, body: undefined, contentType: c })) },
  );
}

/**
 * A query string: the endpoint's valid parameters, some left out, some given hostile values (NUL, broken
 * percent-encoding, huge numbers, very long text), repeated (a list where one value is expected), and unknown ones.
 */
function queries(endpoint: QueryEndpoint): fc.Arbitrary<string> {
  const names = Object.keys(endpoint.params);
  const encodedHostile = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('%00', 'A%00B', '%ff', '%ED%A0%80', '%', '%%', '%zz', '%C0%80', '', '-1', '1e308', 'NaN', 'null', '[]', '{}', '%F0%9F%98%80') },
    { weight: 3, arbitrary: hostileValue.map((v) => encodeURIComponent(typeof v === 'string' ? v.replace(/[\ud800-\udfff]/g, '') : JSON.stringify(v))) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(3000), '9'.repeat(400)) },
  );
  const change = fc.record({
    name: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...names, ...(endpoint.extra ?? [])) },
      { weight: 1, arbitrary: fc.constantFrom('unknown', '__proto__', '%00', 'a[b]', 'constructor') },
    ),
    value: encodedHostile,
    repeat: fc.boolean(),
  });
  return fc.record({ keep: fc.subarray(names), changes: fc.array(change, { maxLength: 4 }) }).map(({ keep, changes }) => {
    const pairs = keep.map((name) => [name, encodeURIComponent(endpoint.params[name])]);
    for (const c of changes) {
      const same = pairs.find(([name]) => name === c.name);
      if (same && !c.repeat) same[1] = c.value;
      else pairs.push([c.name, c.value]);
    }
    return pairs.map(([name, value]) => `${name}=${value}`).join('&');
  });
}

// ---- the run ----

interface Tally {
  endpoint: string;
  inputs: number;
  http500: number;
  statuses: Map<number, number>;
}

const tallies: Tally[] = [];

/** Counts `answer` for `endpoint`; returns what is wrong with it (empty when nothing). */
function check(tally: Tally, answer: RawAnswer, ocpi: boolean, kind?: BodyKind): string[] {
  tally.inputs++;
  tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1);
  const wrong: string[] = [];
  if (answer.status >= 500) {
    tally.http500++;
    wrong.push(`HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
  }
  if (ocpi && !(answer.json && typeof answer.json === 'object' && typeof answer.json.status_code === 'number' && typeof answer.json.timestamp === 'string')) {
    wrong.push(`not an OCPI envelope: ${answer.text.slice(0, 200)}`);
  }
  // Refused before JSON.parse: by the depth scan, or (a long one) by the body limit before it is even read whole.
  const refusedEarly = (answer.status === 400 && /nested deeper than 64 levels/.test(answer.text)) || answer.status === 413;
  if (kind === 'deep' && !refusedEarly) wrong.push(`deep body not refused early: ${answer.status}`);
  if (kind === 'oversized' && answer.status !== 413) wrong.push(`oversized body not refused: ${answer.status}`);
  return wrong;
}

function printTable(): void {
  const rows = tallies.map((t) => [
    t.endpoint,
    String(t.inputs),
    String(t.http500),
    [...t.statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' '),
  ]);
  const header = ['endpoint', 'inputs', 'HTTP 500', 'statuses seen'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  const total = tallies.reduce((sum, t) => ({ inputs: sum.inputs + t.inputs, http500: sum.http500 + t.http500 }), { inputs: 0, http500: 0 });
  process.stdout.write(
    `\nHostile-input fuzz (fast-check, seed ${SEED})\n${line(header)}\n${rows.map(line).join('\n')}\n${line(['total', String(total.inputs), String(total.http500), ''])}\n\n`,
  );
}

beforeAll(async () => {
  service = await startTestService({ env: { OCPI_MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
  for (const version of VERSIONS) registered[version] = await registerCpo(service, { version, ...OWNER[version], locations: [], tariffs: [] });
  invitationTokenA = (await service.ops('POST', '/connections/invitations', { name: 'fuzzed invitation' })).body.token_a;
});
afterAll(async () => {
  printTable();
  for (const version of VERSIONS) await registered[version]?.close();
  await service?.stop();
});

describe('transport_and_format 2.2.1 §Response format, status_codes 2.2.1 §2xxx: fuzzed pushes to every Receiver interface, every version', () => {
  it.each(RECEIVERS.map((r) => [`${r.method} /ocpi/emsp/${r.version}/${r.module}`, r] as const))(
    '%s: no HTTP 500, an OCPI envelope every time, deep and oversized bodies refused before parsing',
    async (endpoint, receiver) => {
      const tally: Tally = { endpoint, inputs: 0, http500: 0, statuses: new Map() };
      tallies.push(tally);
      const token = receiver.caller === 'INVITED' ? invitationTokenA : registered[receiver.version].simulator.registration.tokenForClient!;
      const failures: string[] = [];
      for (const input of fc.sample(bodies(receiver.sample()), { seed: SEED, numRuns: RUNS_PER_RECEIVER })) {
        const headers: Record<string, string> = { Authorization: ocpiAuthorization(receiver.version, token) };
        if (input.contentType) headers['Content-Type'] = input.contentType;
        const answer = await rawRequest(`${service.url}/ocpi/emsp/${receiver.version}/${receiver.module}`, { method: receiver.method, headers, body: input.body });
        for (const wrong of check(tally, answer, true, input.kind)) failures.push(`${input.kind} ${JSON.stringify(input.body?.slice(0, 200))}: ${wrong}`);
      }
      expect(failures).toEqual([]);
      expect(tally.http500).toBe(0);
    },
  );

  it('GET /ocpi/emsp/{version}/cdrs/{id} with hostile path segments: no HTTP 500, an OCPI envelope every time', async () => {
    const tally: Tally = { endpoint: 'GET /ocpi/emsp/{version}/cdrs/{id}', inputs: 0, http500: 0, statuses: new Map() };
    tallies.push(tally);
    const segment = fc.oneof(
      fc.constantFrom('%00', 'A%00B', '%ff', '%ED%A0%80', '%', '%zz', '..', '.', '%2F', 'x'.repeat(101), 'x'.repeat(5000), '00000000-0000-4000-8000-000000000000'),
      fc.string({ unit: 'binary', maxLength: 30 }).map(encodeURIComponent),
    );
    const inputs = fc.sample(fc.record({ version: fc.constantFrom<string>('2.1.1', '2.2.1', '2.3.0', '9.9', '%00'), id: segment }), {
      seed: SEED,
      numRuns: RUNS_PER_QUERY_ENDPOINT,
    });
    const token = registered['2.2.1'].simulator.registration.tokenForClient!;
    const failures: string[] = [];
    for (const { version, id } of inputs) {
      const answer = await rawRequest(`${service.url}/ocpi/emsp/${version}/cdrs/${id}`, { headers: { Authorization: ocpiAuthorization('2.2.1', token) } });
      for (const wrong of check(tally, answer, true)) failures.push(`${version}/${id.slice(0, 50)}: ${wrong}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('internal APIs: fuzzed query parameters', () => {
  it.each(QUERY_ENDPOINTS.map((e) => [`GET ${e.path}`, e] as const))('%s: no HTTP 500', async (endpoint, queryEndpoint) => {
    const tally: Tally = { endpoint, inputs: 0, http500: 0, statuses: new Map() };
    tallies.push(tally);
    const failures: string[] = [];
    for (const query of fc.sample(queries(queryEndpoint), { seed: SEED, numRuns: RUNS_PER_QUERY_ENDPOINT })) {
      const answer = await rawRequest(`${service.url}${queryEndpoint.path}?${query}`, { headers: { 'X-API-Key': queryEndpoint.key } });
      for (const wrong of check(tally, answer, false)) failures.push(`?${query.slice(0, 200)}: ${wrong}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('and after all of it', () => {
  it('the service still answers, on the internal API and on OCPI', async () => {
    expect((await rawRequest(`${service.url}/health`)).status).toBe(200);
    const answer = await rawRequest(`${service.url}/ocpi/emsp/versions`, { headers: { Authorization: ocpiAuthorization('2.2.1', invitationTokenA) } });
    expect(answer.json).toMatchObject({ status_code: 1000, timestamp: OCPI_ENVELOPE.timestamp });
  });
});
