/**
 * Load drivers for benchmarks: N concurrent senders, each one request at a time, pushing to an eMSP's Receiver
 * interfaces for a time or a number of requests, reporting how many were sent, each one's latency and the errors:
 * - runEvseStatusLoad: EVSE status PATCHes (mod_locations 2.2.1 §PATCH Method §Example: a simple status update);
 * - runLocationPutLoad: whole Location PUTs (mod_locations 2.2.1 §PUT Method);
 * - runSessionPatchLoad: Session PATCHes adding one ChargingPeriod each (mod_sessions 2.2.1 §PATCH Method), after
 *   PUTting the Sessions (not counted);
 * - runPushLoad: any requests.
 * Each object belongs to one sender, so its updates arrive in order, last_updated one second apart (none is older
 * than what the receiver holds). Written from the spec only; nothing here imports from src/.
 */
import { formatOcpiDateTime } from './ocpi-datetime';
import type { RawObject } from './ocpi-types';
import { PushClient, type PushAnswer, type PushParty, type PushRequest, type PushTarget } from './push-client';

/** How long and how hard. */
export interface LoadShape {
  /** Where to push (a fixed URL and token: the driver keeps no per-call answers). */
  target: PushTarget;
  /** Concurrent senders, each one request at a time. */
  senders: number;
  /** Stop after this long (ms) … */
  durationMs?: number;
  /** … or once each sender has sent this many, whichever comes first (at least one of the two; a count makes a test independent of the machine's speed). */
  requestsPerSender?: number;
  /** Extra headers on every request (a Hub's routing headers). */
  headers?: Record<string, string>;
}

export interface PushLoadOptions extends LoadShape {
  /** The request a sender makes on its turn-th call (0-based); null: that sender has nothing to send. */
  next: (sender: number, turn: number) => PushRequest | null;
}

export interface LoadReport {
  /** Requests answered or failed. */
  count: number;
  /** Answered HTTP 2xx with an OCPI 1xxx status. */
  ok: number;
  /** Everything else, counted by `<http status>/<ocpi status>` ("0/null": no answer; "429/null": rate limited). */
  errors: Record<string, number>;
  /** Each request's latency in ms, in completion order. */
  latenciesMs: number[];
  /** Wall time from the first request to the last answer, ms. */
  elapsedMs: number;
}

/** Whether an answer is a success: HTTP 2xx and OCPI 1xxx (status_codes 2.2.1 §1xxx: Success). */
export function isSuccess(answer: PushAnswer): boolean {
  return answer.httpStatus >= 200 && answer.httpStatus < 300 && answer.ocpiStatus !== null && answer.ocpiStatus >= 1000 && answer.ocpiStatus < 2000;
}

/** Runs the load. @throws Error when neither durationMs nor requests is given, or there is no sender. */
export async function runPushLoad(o: PushLoadOptions): Promise<LoadReport> {
  if (o.durationMs === undefined && o.requestsPerSender === undefined) throw new Error('push load: give durationMs or requestsPerSender');
  if (o.senders < 1) throw new Error('push load: needs at least one sender');
  const client = new PushClient(o.target, { keepAnswers: false });
  const report: LoadReport = { count: 0, ok: 0, errors: {}, latenciesMs: [], elapsedMs: 0 };
  const started = performance.now();
  const deadline = o.durationMs === undefined ? Infinity : started + o.durationMs;
  const budget = o.requestsPerSender ?? Infinity;
  const sender = async (index: number) => {
    for (let turn = 0; turn < budget && performance.now() < deadline; turn++) {
      const request = o.next(index, turn);
      if (request === null) return;
      const answer = await client.send(request, { headers: o.headers });
      report.count++;
      report.latenciesMs.push(answer.durationMs);
      if (isSuccess(answer)) report.ok++;
      else {
        const key = `${answer.httpStatus}/${answer.ocpiStatus}`;
        report.errors[key] = (report.errors[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.senders }, (_, i) => sender(i)));
  report.elapsedMs = performance.now() - started;
  return report;
}

/**
 * The objects of one sender (index i goes to sender i mod senders), taken in turn; for each, how many times it was
 * taken before. A sender with none sends nothing (more senders than objects).
 */
function roundRobin<T>(items: readonly T[], senders: number): (sender: number, turn: number) => { item: T; n: number } | null {
  const mine = Array.from({ length: senders }, (_, s) => items.filter((_, i) => i % senders === s));
  return (sender, turn) => {
    const own = mine[sender];
    if (own.length === 0) return null;
    return { item: own[turn % own.length], n: Math.floor(turn / own.length) };
  };
}

/** An EVSE to PATCH: its party, Location id and uid. */
export interface EvseRef {
  party: PushParty;
  locationId: string;
  evseUid: string;
}

export interface EvseStatusLoadOptions extends LoadShape {
  /** The EVSEs to PATCH (shared out among the senders; at least as many as senders to keep each busy). */
  evses: EvseRef[];
  /** The first PATCH's last_updated (epoch ms); each EVSE's next one a second later. Default now. */
  startAt?: number;
  /** The statuses each EVSE cycles through. Default CHARGING, AVAILABLE. */
  statuses?: string[];
}

/** EVSE status PATCHes `{ status, last_updated }`. @throws Error when there are no EVSEs (or see runPushLoad). */
export function runEvseStatusLoad(o: EvseStatusLoadOptions): Promise<LoadReport> {
  if (o.evses.length === 0) throw new Error('push load: needs EVSEs');
  const statuses = o.statuses ?? ['CHARGING', 'AVAILABLE'];
  const startAt = o.startAt ?? Date.now();
  const pick = roundRobin(o.evses, o.senders);
  return runPushLoad({
    ...o,
    next: (sender, turn) => {
      const taken = pick(sender, turn);
      if (!taken) return null;
      const { item: evse, n } = taken;
      return {
        module: 'locations',
        method: 'PATCH',
        party: evse.party,
        ids: [evse.locationId, evse.evseUid],
        body: { status: statuses[n % statuses.length], last_updated: formatOcpiDateTime(startAt + n * 1000) },
      };
    },
  });
}

export interface LocationPutLoadOptions extends LoadShape {
  /** Whole Locations in the target version's shape (2.1.1: without country_code / party_id, pushed under the target's party). */
  locations: RawObject[];
  /** The first PUT's last_updated (epoch ms); each Location's next one a second later. Default now. */
  startAt?: number;
}

/** Whole Location PUTs, each Location again and again with a newer last_updated. */
export function runLocationPutLoad(o: LocationPutLoadOptions): Promise<LoadReport> {
  if (o.locations.length === 0) throw new Error('push load: needs Locations');
  const startAt = o.startAt ?? Date.now();
  const pick = roundRobin(o.locations, o.senders);
  return runPushLoad({
    ...o,
    next: (sender, turn) => {
      const taken = pick(sender, turn);
      if (!taken) return null;
      const location = taken.item;
      const party =
        typeof location.country_code === 'string' && typeof location.party_id === 'string' ? { countryCode: location.country_code, partyId: location.party_id } : o.target.party;
      return { module: 'locations', method: 'PUT', party, ids: [String(location.id)], body: { ...location, last_updated: formatOcpiDateTime(startAt + taken.n * 1000) } };
    },
  });
}

export interface SessionPatchLoadOptions extends LoadShape {
  /** Whole Sessions in the target version's shape, PUT first (not counted), then PATCHed. */
  sessions: RawObject[];
  /** The first PATCH's last_updated (epoch ms), later than the Sessions' own; each Session's next one a second later. Default now. */
  startAt?: number;
  /** kWh per added ChargingPeriod. Default 1. */
  kwhPerPeriod?: number;
}

/**
 * Session PATCHes in the spec's additive form: each adds one ChargingPeriod (ENERGY kwhPerPeriod, as in session_patch_example_charging_period.json)
 * and sets kwh to the Session's kwh plus what the PATCHes added, and last_updated. @throws Error when a Session PUT
 * fails.
 */
export async function runSessionPatchLoad(o: SessionPatchLoadOptions): Promise<LoadReport> {
  if (o.sessions.length === 0) throw new Error('push load: needs Sessions');
  const client = new PushClient(o.target, { keepAnswers: false });
  for (const session of o.sessions) {
    const answer = await client.putSession(session, { headers: o.headers });
    if (!isSuccess(answer)) throw new Error(`push load: PUT Session ${String(session.id)} answered ${answer.httpStatus}/${answer.ocpiStatus}: ${answer.message ?? ''}`);
  }
  const startAt = o.startAt ?? Date.now();
  const kwh = o.kwhPerPeriod ?? 1;
  const pick = roundRobin(o.sessions, o.senders);
  return runPushLoad({
    ...o,
    next: (sender, turn) => {
      const taken = pick(sender, turn);
      if (!taken) return null;
      const { item: session, n } = taken;
      const at = formatOcpiDateTime(startAt + n * 1000);
      const party =
        typeof session.country_code === 'string' && typeof session.party_id === 'string' ? { countryCode: session.country_code, partyId: session.party_id } : o.target.party;
      return {
        module: 'sessions',
        method: 'PATCH',
        party,
        ids: [String(session.id)],
        body: {
          kwh: Number(session.kwh ?? 0) + (n + 1) * kwh,
          charging_periods: [
            {
              start_date_time: at,
              dimensions: [{ type: 'ENERGY', volume: kwh }],
            },
          ],
          last_updated: at,
        },
      };
    },
  });
}

/** The p-th percentile (0–100, nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
