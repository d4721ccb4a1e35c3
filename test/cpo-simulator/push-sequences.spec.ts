/**
 * The simulator's push side (push-client.ts, push-sequences.ts, push-load.ts) checked against the spec text without
 * the service: every object a sequence PUTs is whole (object-checks.ts), PATCHes look like the spec's examples, the
 * times order the way each sequence says, and the requests leave over real HTTP to the Receiver URLs of each version
 * with the version's Authorization encoding.
 */
import {
  duplicatedUpdates,
  evseStatusChanges,
  foreignParty,
  generateLocations,
  locationLevels,
  malformedBetweenGood,
  objectProblems,
  outOfOrderUpdates,
  partialEvsesPatch,
  patchUnknownObjects,
  patchWithoutLastUpdated,
  PushClient,
  pushClientFor,
  routingHeaders,
  runningSession,
  runningSessionPushes,
  readBack,
  runSequence,
  startCpoSimulator,
  stepBody,
  tariffChange,
  toOcpi211Location,
  toOcpi211Tariff,
  withOcpi230Fields,
  type CheckedObject,
  type PushSequence,
  type RawObject,
  type SimulatorVersionId,
} from './index';
import { parseOcpiDateTime } from './ocpi-datetime';
import { startRecordingReceiver, type RecordingReceiver } from './recording-receiver';
import { register, startFakeEmsp } from './spec-helpers';

const PARTY = { countryCode: 'NL', partyId: 'SIM' };
const FOREIGN = { countryCode: 'BE', partyId: 'BEC' };
const AT = Date.parse('2025-03-01T12:00:00Z');
const START = Date.parse('2025-03-01T10:00:00Z');
const TARIFF = {
  country_code: 'NL',
  party_id: 'SIM',
  id: 'T1',
  currency: 'EUR',
  elements: [
    {
      price_components: [
        { type: 'FLAT', price: 0.5, vat: 20, step_size: 1 },
        { type: 'ENERGY', price: 0.35, vat: 20, step_size: 100 },
      ],
    },
  ],
  last_updated: '2024-01-01T00:00:00Z',
};

function objectsFor(version: SimulatorVersionId): { locations: RawObject[]; tariff: RawObject } {
  const generated = generateLocations({ count: 3, seed: 5, center: { latitude: 52.37, longitude: 4.89 }, radiusKm: 2, ...PARTY, tariffIds: ['T1'] }) as unknown as RawObject[];
  if (version === '2.1.1') return { locations: generated.map((l) => toOcpi211Location(l)), tariff: toOcpi211Tariff(TARIFF) };
  if (version === '2.3.0') return { locations: generated.map((l, i) => withOcpi230Fields(l, i + 1)), tariff: { ...TARIFF, tax_included: 'NO' } };
  return { locations: generated, tariff: TARIFF };
}

function sequencesFor(version: SimulatorVersionId): PushSequence[] {
  const { locations, tariff } = objectsFor(version);
  const base = { version, party: PARTY, at: AT };
  const session = { version, party: PARTY, locations, tariffs: [tariff], id: 'S1', start: START };
  const sessions = ['S2', 'S3', 'S4'].map((id) => runningSession({ ...session, ...PARTY, id, at: START + 60 * 60_000 }));
  return [
    evseStatusChanges({ ...base, location: locations[0] }),
    locationLevels({ ...base, location: locations[1] }),
    runningSessionPushes({ ...session, form: 'ADDITIVE', complete: true }),
    runningSessionPushes({ ...session, form: 'CUMULATIVE', repeatPatches: true }),
    tariffChange({ ...base, tariff, thenDelete: true }),
    ...(version === '2.1.1' ? [tariffChange({ ...base, tariff, via: 'PATCH' })] : []),
    outOfOrderUpdates({ ...base, location: locations[0] }),
    duplicatedUpdates({ ...base, location: locations[0] }),
    foreignParty({ ...base, object: locations[0], foreign: FOREIGN }),
    foreignParty({ ...base, module: 'tariffs', object: tariff, foreign: FOREIGN }),
    foreignParty({ ...base, module: 'sessions', object: sessions[0], foreign: FOREIGN }),
    malformedBetweenGood({ ...base, objects: [locations[0], locations[1], locations[2]] }),
    malformedBetweenGood({ ...base, module: 'tariffs', objects: [tariff, { ...tariff, id: 'T2' }, { ...tariff, id: 'T3' }] }),
    malformedBetweenGood({ ...base, module: 'sessions', objects: [sessions[0], sessions[1], sessions[2]] }),
    patchWithoutLastUpdated({ ...base, location: locations[0] }),
    patchUnknownObjects(base),
    partialEvsesPatch({ ...base, location: locations[0] }),
  ];
}

/** Which object a Receiver URL addresses. */
function kindOf(module: string, ids: string[]): CheckedObject {
  if (module === 'locations') return (['Location', 'EVSE', 'Connector'] as const)[ids.length - 1];
  return module === 'tariffs' ? 'Tariff' : 'Session';
}

const SECTIONS: Record<SimulatorVersionId, { put: string; patch: string; sessionPatch: string }> = {
  '2.1.1': { put: 'mod_locations 2.1.1 §2.2.2 PUT Method', patch: 'mod_locations 2.1.1 §2.2.3 PATCH Method', sessionPatch: 'mod_sessions 2.1.1 §2.2.3 PATCH Method' },
  '2.2.1': { put: 'mod_locations 2.2.1 §PUT Method', patch: 'mod_locations 2.2.1 §PATCH Method', sessionPatch: 'mod_sessions 2.2.1 §PATCH Method' },
  '2.3.0': { put: 'mod_locations 2.3.0 §PUT Method', patch: 'mod_locations 2.3.0 §PATCH Method', sessionPatch: 'mod_sessions 2.3.0 §PATCH Method' },
};

describe.each(['2.1.1', '2.2.1', '2.3.0'] as const)('push sequences in %s', (version) => {
  const sequences = sequencesFor(version);
  const s = SECTIONS[version];

  it(`${s.put} (and mod_tariffs / mod_sessions §PUT): every object PUT, except the MALFORMED ones, and every expected object is whole`, () => {
    const problems = sequences.flatMap((q) => [
      ...q.steps
        .filter((st) => st.method === 'PUT' && st.intent !== 'MALFORMED')
        .flatMap((st) => objectProblems(version, kindOf(st.module, st.ids), st.body).map((p) => `${q.name} / ${st.note}: ${p}`)),
      ...q.expected.flatMap((e) => (e.object === null ? [] : objectProblems(version, kindOf(e.module, e.ids), e.object).map((p) => `${q.name} expected: ${p}`))),
    ]);
    expect(problems).toEqual([]);
    // The checks do see a missing field.
    const malformed = sequences.find((q) => q.name === 'malformed-between-good')!.steps[1];
    expect(objectProblems(version, 'Location', malformed.body)).toEqual(['coordinates missing']);
  });

  it(`${s.put}: the URL's party and id are the body's (2.2+: country_code / party_id SHALL be the same), except FOREIGN_PARTY / PARTY_MISMATCH`, () => {
    const puts = sequences.flatMap((q) => q.steps.filter((st) => st.method === 'PUT' && st.intent !== 'MALFORMED').map((st) => ({ q, st, body: stepBody(st)! })));
    expect(puts.map((x) => [x.q.name, x.st.ids[x.st.ids.length - 1]])).toEqual(puts.map((x) => [x.q.name, String(x.body.id ?? x.body.uid)]));
    // Whole Locations, Tariffs and Sessions carry their party in 2.2+ (EVSEs and Connectors do not; 2.1.1 objects never).
    const owners = puts.filter((x) => version !== '2.1.1' && x.st.ids.length === 1);
    expect(owners.length > 0).toBe(version !== '2.1.1');
    expect(owners.map((x) => [x.st.note, { countryCode: x.body.country_code, partyId: x.body.party_id }])).toEqual(
      owners.map((x) => [x.st.note, x.st.intent === 'PARTY_MISMATCH' ? FOREIGN : x.st.party]),
    );
    const foreign = sequences.filter((x) => x.name.startsWith('foreign-party'));
    expect(foreign.map((q) => [q.name, q.steps.map((st) => `${st.intent} ${st.method} ${st.module} ${st.party!.partyId}`)])).toEqual(
      (['locations', 'tariffs', 'sessions'] as const).map((m) => [
        m === 'locations' ? 'foreign-party' : `foreign-party-${m}`,
        [
          `FOREIGN_PARTY PUT ${m} BEC`,
          ...(version === '2.1.1' ? [] : [`PARTY_MISMATCH PUT ${m} SIM`]),
          `FOREIGN_PARTY ${m === 'tariffs' ? 'DELETE' : 'PATCH'} ${m} BEC`,
          `NEW PUT ${m} SIM`,
        ],
      ]),
    );
    expect(foreign.map((q) => q.expected.map((e) => [e.party, e.object === null]))).toEqual(
      foreign.map(() => [
        [FOREIGN, true],
        [PARTY, false],
      ]),
    );
  });

  it(`${s.patch}: every PATCH carries last_updated except NO_LAST_UPDATED; per object, the last_updated of the steps a receiver takes grows, OLDER ones are older than what came before`, () => {
    const patches = sequences.flatMap((q) => q.steps.filter((st) => st.method === 'PATCH').map((st) => `${q.name} / ${st.note}`));
    const timed = sequences.flatMap((q) => q.steps.filter((st) => st.method === 'PATCH' && stepBody(st)?.last_updated !== undefined).map((st) => `${q.name} / ${st.note}`));
    const untimed = sequences.flatMap((q) => q.steps.filter((st) => st.intent === 'NO_LAST_UPDATED').map((st) => `${q.name} / ${st.note}`));
    expect(timed).toEqual(patches.filter((x) => !untimed.includes(x)));
    expect(untimed).toHaveLength(1);
    // Per object, each step a receiver takes compared with the newest taken before it.
    const seen: string[] = [];
    const wanted: string[] = [];
    for (const q of sequences) {
      const newest = new Map<string, number>();
      // Steps a receiver refuses hold nothing, so they order nothing.
      for (const st of q.steps.filter((x) => ['NEW', 'UPDATE', 'SAME_AGAIN', 'OLDER'].includes(x.intent) && x.method !== 'GET' && x.method !== 'DELETE')) {
        const t = parseOcpiDateTime(stepBody(st)?.last_updated)!;
        const key = `${st.module}/${st.party?.countryCode}/${st.party?.partyId}/${st.ids[0]}`;
        const before = newest.get(key) ?? -Infinity;
        seen.push(`${q.name} / ${st.note}: ${t > before ? 'newer' : t === before ? 'same' : 'older'}`);
        wanted.push(`${q.name} / ${st.note}: ${st.intent === 'OLDER' ? 'older' : st.intent === 'SAME_AGAIN' ? 'same' : 'newer'}`);
        newest.set(key, Math.max(before, t));
      }
    }
    expect(seen).toEqual(wanted);
  });

  it(`${s.patch} §Example: a simple status update: the EVSE PATCHes are { status, last_updated } as in location_patch_example_status.json; the expected Location moved with them`, () => {
    const q = sequences.find((x) => x.name === 'evse-status-changes')!;
    const patches = q.steps.filter((st) => st.method === 'PATCH');
    // The spec's example body: { "status": "CHARGING", "last_updated": "2019-06-24T12:39:09Z" }.
    for (const p of patches) expect(Object.keys(stepBody(p)!).sort()).toEqual(['last_updated', 'status']);
    expect(patches.map((p) => stepBody(p)!.status)).toEqual(['AVAILABLE', 'CHARGING', 'AVAILABLE']);
    expect(patches.map((p) => p.ids.length)).toEqual([2, 2, 2]);
    const location = q.expected[0].object!;
    const evse = (location.evses as RawObject[])[0];
    expect([evse.status, evse.last_updated, location.last_updated]).toEqual(['AVAILABLE', '2025-03-01T12:03:00Z', '2025-03-01T12:03:00Z']);
  });

  it(`${s.put} §Example: add an EVSE, and PATCH at each level: the PUTs and PATCHes address Location, EVSE and Connector, then GET each back`, () => {
    const q = sequences.find((x) => x.name === 'location-levels')!;
    expect(q.steps.map((st) => `${st.method} ${st.ids.length}`)).toEqual(['PUT 1', 'PUT 2', 'PUT 3', 'PATCH 1', 'PATCH 3', 'GET 1', 'GET 2', 'GET 3']);
    const connectorPatch = stepBody(q.steps[4])!;
    expect(connectorPatch).toEqual(
      version === '2.1.1' ? { tariff_id: 'TARIFF-NEW', last_updated: '2025-03-01T12:04:00Z' } : { tariff_ids: ['TARIFF-NEW'], last_updated: '2025-03-01T12:04:00Z' },
    );
    const location = q.expected[0].object!;
    const evses = location.evses as RawObject[];
    expect(evses.map((e) => e.uid)).toEqual([...(stepBody(q.steps[0])!.evses as RawObject[]).map((e) => e.uid), `${String(evses[0].uid)}-NEW`]);
    expect((evses[0].connectors as RawObject[]).map((c) => c.id)).toContain('9');
    expect([location.name, location.last_updated]).toEqual([stepBody(q.steps[3])!.name, '2025-03-01T12:04:00Z']);
  });

  it(`${s.sessionPatch}: ADDITIVE sends each ChargingPeriod once, CUMULATIVE all so far; both end at the same Session, whose kwh is the periods' ENERGY`, () => {
    const additive = sequences.find((x) => x.name === 'running-session-additive')!;
    const cumulative = sequences.find((x) => x.name === 'running-session-cumulative')!;
    const put = stepBody(additive.steps[0])!;
    expect([additive.steps[0].method, put.status, put.kwh, put.charging_periods]).toEqual(['PUT', 'PENDING', 0, undefined]);
    const periodsOf = (q: PushSequence) =>
      q.steps.filter((st) => st.method === 'PATCH' && st.intent === 'UPDATE' && stepBody(st)!.charging_periods).map((st) => stepBody(st)!.charging_periods as RawObject[]);
    expect(periodsOf(additive).map((p) => p.length)).toEqual([1, 1, 1, 1]);
    expect(periodsOf(cumulative).map((p) => p.length)).toEqual([1, 2, 3, 4]);
    const final = additive.expected[0].object!;
    expect(periodsOf(additive).flat()).toEqual(final.charging_periods);
    expect(periodsOf(cumulative)[3]).toEqual(final.charging_periods);
    const energy = (final.charging_periods as RawObject[]).flatMap((p) => (p.dimensions as RawObject[]).filter((d) => d.type === 'ENERGY').map((d) => Number(d.volume)));
    expect(energy.reduce((a, b) => a + b, 0)).toBe(final.kwh);
    // The spec's example (session_patch_example_charging_period.json) PATCHes kwh, charging_periods, total_cost and last_updated.
    expect(Object.keys(stepBody(additive.steps[2])!).sort()).toEqual(['charging_periods', 'kwh', 'last_updated', 'total_cost']);
    expect(stepBody(additive.steps[1])!.status).toBe('ACTIVE');
    expect(final).toMatchObject({ status: 'COMPLETED', kwh: 12, [version === '2.1.1' ? 'end_datetime' : 'end_date_time']: '2025-03-01T11:00:00Z' });
    expect(cumulative.steps.filter((st) => st.intent === 'SAME_AGAIN')).toHaveLength(4);
    expect(cumulative.expected[0].object).toEqual({ ...final, status: 'ACTIVE', last_updated: '2025-03-01T11:00:00Z', end_date_time: undefined, end_datetime: undefined });
  });

  it(`mod_tariffs ${version} ${version === '2.1.1' ? '§2.2.2 PUT, §2.2.3 PATCH, §2.2.4 DELETE' : '§PUT Method, §DELETE Method'}: a new version of the tariff, every price 0.05 higher, an hour later`, () => {
    const q = sequences.find((x) => x.name === 'tariff-change')!;
    expect(q.steps.map((st) => st.method)).toEqual(['PUT', 'PUT', 'GET', 'DELETE']);
    const prices = (t: RawObject) => ((t.elements as RawObject[])[0].price_components as RawObject[]).map((pc) => pc.price);
    expect([prices(stepBody(q.steps[0])!), prices(stepBody(q.steps[1])!)]).toEqual([
      [0.5, 0.35],
      [0.55, 0.4],
    ]);
    expect(q.expected[0].object).toBeNull();
    const patched = sequences.find((x) => x.name === 'tariff-change-patch');
    expect(patched?.steps.map((st) => st.method)).toEqual(version === '2.1.1' ? ['PUT', 'PATCH', 'GET'] : undefined);
  });

  it(`${s.put}: a malformed Location, Tariff or Session sits between good ones, once without a required field and once as unreadable JSON`, () => {
    const qs = sequences.filter((x) => x.name.startsWith('malformed-between-good'));
    expect(qs.map((q) => [q.name, q.steps.map((st) => st.intent), q.expected.map((e) => e.object === null)])).toEqual(
      ['', '-tariffs', '-sessions'].map((m) => [`malformed-between-good${m}`, ['NEW', 'MALFORMED', 'MALFORMED', 'NEW'], [false, true, false]]),
    );
    for (const q of qs) expect(() => JSON.parse(q.steps[2].rawBody!)).toThrow();
    expect(qs.map((q) => objectProblems(version, kindOf(q.steps[1].module, q.steps[1].ids), q.steps[1].body))).toEqual([
      ['coordinates missing'],
      ['currency missing'],
      [version === '2.1.1' ? 'start_datetime missing' : 'start_date_time missing'],
    ]);
  });

  it(`${s.patch}: a PATCH without last_updated, PATCHes of unknown objects, a partial evses list that must lose no EVSE`, () => {
    const noTime = sequences.find((x) => x.name === 'patch-without-last-updated')!;
    expect(stepBody(noTime.steps[1])).toEqual({ status: 'CHARGING' });
    expect(noTime.expected.map((e) => e.object)).toEqual(version === '2.1.1' ? [] : [stepBody(noTime.steps[0])]);
    const unknown = sequences.find((x) => x.name === 'patch-unknown-objects')!;
    expect(unknown.steps.map((st) => `${st.module} ${st.ids.join('/')}`)).toEqual([
      'locations UNKNOWN-LOC/UNKNOWN-EVSE',
      'locations UNKNOWN-LOC/UNKNOWN-EVSE/1',
      'locations UNKNOWN-LOC',
      'sessions UNKNOWN-SESSION',
    ]);
    const partial = sequences.find((x) => x.name === 'partial-evses-patch')!;
    const all = stepBody(partial.steps[0])!.evses as RawObject[];
    expect((stepBody(partial.steps[1])!.evses as RawObject[]).length).toBe(1);
    expect((partial.expected[0].object!.evses as RawObject[]).map((e) => [e.uid, e.status])).toEqual(all.map((e, i) => [e.uid, i === 0 ? 'CHARGING' : e.status]));
  });
});

describe('the push client over real HTTP', () => {
  let recorder: RecordingReceiver;
  beforeAll(async () => {
    recorder = await startRecordingReceiver();
  });
  afterAll(() => recorder.close());
  beforeEach(() => recorder.requests.splice(0));

  const clientFor = (version: SimulatorVersionId) =>
    new PushClient({
      version,
      token: 'token-for-emsp',
      endpoints: { locations: `${recorder.base}/locations`, tariffs: `${recorder.base}/tariffs`, sessions: `${recorder.base}/sessions`, cdrs: `${recorder.base}/cdrs` },
      party: PARTY,
    });

  it.each(['2.1.1', '2.2.1', '2.3.0'] as const)(
    'mod_locations / mod_tariffs / mod_sessions %s Receiver (2.1.1: eMSP) Interface: each step goes to {endpoint}/{country_code}/{party_id}/{ids}, its body as JSON or verbatim',
    async (version) => {
      const client = clientFor(version);
      const sent = (await Promise.all(sequencesFor(version).map(async (q) => ({ q, sent: await runSequence(client, q) })))).flatMap((x) => x.sent);
      expect(sent.every((x) => x.answer.httpStatus === 200 && x.answer.ocpiStatus === 1000)).toBe(true);
      expect(recorder.requests).toHaveLength(sent.length);
      for (const { step } of sent) {
        const path = `/emsp/${step.module}/${step.party!.countryCode}/${step.party!.partyId}/${step.ids.join('/')}`;
        const match = recorder.requests.find(
          (r) => r.method === step.method && r.url === path && r.body === (step.rawBody ?? (step.body === undefined ? '' : JSON.stringify(step.body))),
        );
        expect([step.note, match !== undefined]).toEqual([step.note, true]);
      }
      const one = recorder.requests[0];
      // transport_and_format 2.2.1 §Authorization header (Base64) vs 2.1.1 §Security and authentication (as is).
      expect(one.headers.authorization).toBe(version === '2.1.1' ? 'Token token-for-emsp' : `Token ${Buffer.from('token-for-emsp').toString('base64')}`);
      expect(one.headers['x-request-id'] !== undefined).toBe(version !== '2.1.1');
    },
  );

  it('transport_and_format 2.2.1 §Message Routing Headers: extra headers go on the request; answers carry data, Location header, and are kept in order', async () => {
    const client = clientFor('2.2.1');
    const hub = routingHeaders({ countryCode: 'DE', partyId: 'CPX' }, { countryCode: 'NL', partyId: 'AGG' });
    const answer = await client.patchEvse('L1', 'E1', { status: 'CHARGING', last_updated: '2025-03-01T12:00:00Z' }, { party: { countryCode: 'DE', partyId: 'CPX' }, headers: hub });
    expect(answer).toMatchObject({
      method: 'PATCH',
      httpStatus: 200,
      ocpiStatus: 1000,
      message: 'Success',
      data: { echo: '/emsp/locations/DE/CPX/L1/E1' },
      location: 'http://example.invalid/x',
    });
    expect(recorder.requests[0].headers).toMatchObject({ 'ocpi-from-country-code': 'DE', 'ocpi-from-party-id': 'CPX', 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': 'AGG' });
    await client.getSession('S 1/2');
    expect(recorder.requests[1].url).toBe('/emsp/sessions/NL/SIM/S%201%2F2');
    expect(client.answers.map((a) => a.method)).toEqual(['PATCH', 'GET']);
  });

  it('mod_locations / mod_sessions 2.2.1 §Receiver Interface §GET Method: readBack GETs every expected object of a sequence at its address', async () => {
    const client = clientFor('2.2.1');
    const q = foreignParty({ version: '2.2.1', party: PARTY, at: AT, object: objectsFor('2.2.1').locations[0], foreign: FOREIGN });
    const back = await readBack(client, q);
    expect(back.map((b) => [b.answer.method, b.answer.url.replace(recorder.base, ''), b.expected.object === null])).toEqual([
      ['GET', '/locations/BE/BEC/LOC-000001', true],
      ['GET', '/locations/NL/SIM/LOC-000001', false],
    ]);
  });

  it('an endpoint the eMSP does not list is an Error before sending; a receiver that is not there is HTTP status 0 with the reason', async () => {
    const none = new PushClient({ version: '2.2.1', token: 't', endpoints: {}, party: PARTY });
    expect(() => none.urlOf({ module: 'sessions', party: PARTY, ids: ['S1'] })).toThrow('the eMSP lists no sessions Receiver endpoint');
    const closed = new PushClient({ version: '2.2.1', token: 't', endpoints: { locations: 'http://127.0.0.1:1/emsp/locations' }, party: PARTY });
    const answer = await closed.getLocation('L1');
    expect([answer.httpStatus, answer.ocpiStatus, typeof answer.message]).toEqual([0, null, 'string']);
  });

  it("pushClientFor: a registered simulator pushes to the Receiver endpoint of the eMSP's version details with the eMSP's token (credentials 2.2.1 §Registration)", async () => {
    const emsp = await startFakeEmsp();
    const sim = await startCpoSimulator({ ...PARTY });
    try {
      await register(sim, emsp);
      const client = pushClientFor(sim);
      const answer = await client.patchEvse('L1', 'E1', { status: 'CHARGING', last_updated: '2025-03-01T12:00:00Z' });
      // The fake eMSP serves only versions and details: 404 for the push, but it reached the listed URL.
      expect(answer.url).toBe(`${emsp.versionsUrl.replace('/versions', '')}/2.2.1/locations/NL/SIM/L1/E1`);
      expect(answer.httpStatus).toBe(404);
      expect(emsp.authorizations[emsp.authorizations.length - 1]).toBe(`Token ${Buffer.from(sim.registration.tokenForClient!).toString('base64')}`);
      expect(() => client.urlOf({ module: 'tariffs', party: PARTY, ids: ['T1'] })).toThrow('the eMSP lists no tariffs Receiver endpoint');
    } finally {
      await sim.close();
      await emsp.close();
    }
  });
});
