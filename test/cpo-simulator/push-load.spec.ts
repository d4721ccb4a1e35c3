/**
 * The load drivers (push-load.ts) against a recording receiver, with a request budget (never a time, so the result
 * does not depend on the machine): how many, which URLs, in which order per object, errors counted by status.
 */
import { percentile, runEvseStatusLoad, runLocationPutLoad, runSessionPatchLoad, type PushTarget, type RawObject } from './index';
import { startRecordingReceiver, type RecordingReceiver } from './recording-receiver';

const PARTY = { countryCode: 'NL', partyId: 'SIM' };
const AT = Date.parse('2025-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let receiver: RecordingReceiver;
beforeAll(async () => {
  receiver = await startRecordingReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.splice(0);
  receiver.answer = undefined;
});

const target = (): PushTarget => ({
  version: '2.2.1',
  token: 't',
  endpoints: { locations: `${receiver.base}/locations`, sessions: `${receiver.base}/sessions` },
  party: PARTY,
});

/** The bodies received per path, in arrival order. */
function bodiesByPath(method: string): Map<string, RawObject[]> {
  const out = new Map<string, RawObject[]>();
  for (const r of receiver.requests.filter((x) => x.method === method)) out.set(r.url, [...(out.get(r.url) ?? []), JSON.parse(r.body) as RawObject]);
  return out;
}

describe('push load drivers', () => {
  it('runEvseStatusLoad (mod_locations 2.2.1 §PATCH Method §Example: a simple status update): N senders with a request budget each; per EVSE, status alternating and last_updated a second later each time', async () => {
    const evses = Array.from({ length: 6 }, (_, i) => ({ party: PARTY, locationId: `L${i}`, evseUid: `E${i}` }));
    const report = await runEvseStatusLoad({ target: target(), evses, senders: 3, requestsPerSender: 10, startAt: AT });
    expect([report.count, report.ok, report.errors, report.latenciesMs.length]).toEqual([30, 30, {}, 30]);
    const byEvse = bodiesByPath('PATCH');
    expect([...byEvse.keys()].sort()).toEqual(evses.map((e) => `/emsp/locations/NL/SIM/${e.locationId}/${e.evseUid}`));
    // Each sender takes its two EVSEs in turn: five PATCHes each.
    for (const bodies of byEvse.values()) {
      expect(bodies).toEqual([0, 1, 2, 3, 4].map((n) => ({ status: n % 2 === 0 ? 'CHARGING' : 'AVAILABLE', last_updated: iso(AT + n * 1000) })));
    }
  });

  it('runLocationPutLoad (mod_locations 2.2.1 §PUT Method): whole Locations again and again, each newer than the last', async () => {
    const locations = ['A', 'B'].map((id) => ({ country_code: 'NL', party_id: 'SIM', id, name: `Location ${id}`, last_updated: '2024-01-01T00:00:00Z' }));
    const report = await runLocationPutLoad({ target: target(), locations, senders: 2, requestsPerSender: 3, startAt: AT });
    expect([report.count, report.ok]).toEqual([6, 6]);
    const byLocation = bodiesByPath('PUT');
    expect([...byLocation.keys()].sort()).toEqual(['/emsp/locations/NL/SIM/A', '/emsp/locations/NL/SIM/B']);
    expect(byLocation.get('/emsp/locations/NL/SIM/A')).toEqual([0, 1, 2].map((n) => ({ ...locations[0], last_updated: iso(AT + n * 1000) })));
  });

  it('runSessionPatchLoad (mod_sessions 2.2.1 §PUT Method, §PATCH Method): each Session PUT once, then PATCHes that each add one ChargingPeriod', async () => {
    const sessions = ['S1', 'S2', 'S3'].map((id) => ({ country_code: 'NL', party_id: 'SIM', id, kwh: 2, status: 'ACTIVE', last_updated: '2025-03-01T11:00:00Z' }));
    const report = await runSessionPatchLoad({ target: target(), sessions, senders: 3, requestsPerSender: 3, startAt: AT, kwhPerPeriod: 0.5 });
    expect([report.count, report.ok]).toEqual([9, 9]);
    expect(receiver.requests.slice(0, 3).map((r) => `${r.method} ${r.url}`)).toEqual([
      'PUT /emsp/sessions/NL/SIM/S1',
      'PUT /emsp/sessions/NL/SIM/S2',
      'PUT /emsp/sessions/NL/SIM/S3',
    ]);
    expect(bodiesByPath('PATCH').get('/emsp/sessions/NL/SIM/S2')).toEqual(
      [0, 1, 2].map((n) => ({
        kwh: 2 + (n + 1) * 0.5,
        charging_periods: [{ start_date_time: iso(AT + n * 1000), dimensions: [{ type: 'ENERGY', volume: 0.5 }] }],
        last_updated: iso(AT + n * 1000),
      })),
    );
  });

  it('counts refusals by HTTP and OCPI status (a rate limit is 429), and a driver with more senders than objects leaves the extra ones idle', async () => {
    receiver.answer = (r) => (r.url.endsWith('/E1') ? { httpStatus: 429, statusCode: 2000 } : r.url.endsWith('/E2') ? { httpStatus: 200, statusCode: 2001 } : undefined);
    const evses = ['E0', 'E1', 'E2'].map((evseUid) => ({ party: PARTY, locationId: 'L', evseUid }));
    const report = await runEvseStatusLoad({ target: target(), evses, senders: 5, requestsPerSender: 3, startAt: AT });
    expect([report.count, report.ok, report.errors]).toEqual([9, 3, { '429/2000': 3, '200/2001': 3 }]);
  });

  it('percentile: nearest rank', () => {
    expect([percentile([5, 1, 3, 2, 4], 50), percentile([5, 1, 3, 2, 4], 99), percentile([], 50)]).toEqual([3, 5, Number.NaN]);
  });
});
