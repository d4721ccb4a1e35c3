/**
 * A load driver for benchmarks: N concurrent senders PATCHing EVSE statuses (mod_locations 2.2.1 §PATCH Method
 * §Example: a simple status update) to an eMSP's Locations Receiver for a time or a number of requests, reporting how
 * many were sent, each one's latency and the errors. Each EVSE belongs to one sender, so its updates arrive in order
 * with last_updated one second apart (none is ever older than what the receiver holds). Written from the spec only.
 */
import { formatOcpiDateTime } from './ocpi-datetime';
import { PushClient, type PushParty, type PushTarget } from './push-client';

/** An EVSE to PATCH: its party, Location id and uid. */
export interface EvseRef {
  party: PushParty;
  locationId: string;
  evseUid: string;
}

export interface EvseStatusLoadOptions {
  /** Where to push (a fixed URL and token: the driver keeps no per-call answers). */
  target: PushTarget;
  /** The EVSEs to PATCH (shared out among the senders; at least as many as senders to keep each busy). */
  evses: EvseRef[];
  /** Concurrent senders, each one request at a time. */
  senders: number;
  /** Stop after this long (ms) … */
  durationMs?: number;
  /** … or after this many requests in all, whichever comes first (at least one of the two). */
  requests?: number;
  /** The first PATCH's last_updated (epoch ms); each EVSE's next one a second later. Default now. */
  startAt?: number;
  /** The statuses each EVSE cycles through. Default CHARGING, AVAILABLE. */
  statuses?: string[];
  /** Extra headers on every request (a Hub's routing headers). */
  headers?: Record<string, string>;
}

export interface EvseStatusLoadReport {
  /** Requests answered or failed. */
  count: number;
  /** Answered HTTP 2xx with an OCPI 1xxx status. */
  ok: number;
  /** Everything else, counted by `<http status>/<ocpi status>` ("0/null": no answer). */
  errors: Record<string, number>;
  /** Each request's latency in ms, in completion order. */
  latenciesMs: number[];
  /** Wall time from the first request to the last answer, ms. */
  elapsedMs: number;
}

/**
 * Runs the load. @throws Error when neither durationMs nor requests is given, or there are no EVSEs.
 */
export async function runEvseStatusLoad(o: EvseStatusLoadOptions): Promise<EvseStatusLoadReport> {
  if (o.durationMs === undefined && o.requests === undefined) throw new Error('runEvseStatusLoad: give durationMs or requests');
  if (o.evses.length === 0 || o.senders < 1) throw new Error('runEvseStatusLoad: needs EVSEs and at least one sender');
  const client = new PushClient(o.target, { keepAnswers: false });
  const statuses = o.statuses ?? ['CHARGING', 'AVAILABLE'];
  const startAt = o.startAt ?? Date.now();
  const report: EvseStatusLoadReport = { count: 0, ok: 0, errors: {}, latenciesMs: [], elapsedMs: 0 };
  const started = performance.now();
  const deadline = o.durationMs === undefined ? Infinity : started + o.durationMs;
  let issued = 0;
  const more = () => performance.now() < deadline && (o.requests === undefined || issued < o.requests);

  const sender = async (index: number) => {
    const mine = o.evses.filter((_, i) => i % o.senders === index);
    // More senders than EVSEs: the extra ones stay idle rather than break the per-EVSE order.
    if (mine.length === 0) return;
    const patches = new Array<number>(mine.length).fill(0);
    for (let turn = 0; more(); turn++) {
      issued++;
      const k = turn % mine.length;
      const evse = mine[k];
      const n = patches[k]++;
      const answer = await client.patchEvse(
        evse.locationId,
        evse.evseUid,
        { status: statuses[n % statuses.length], last_updated: formatOcpiDateTime(startAt + n * 1000) },
        { party: evse.party, headers: o.headers },
      );
      report.count++;
      report.latenciesMs.push(answer.durationMs);
      const good = answer.httpStatus >= 200 && answer.httpStatus < 300 && answer.ocpiStatus !== null && answer.ocpiStatus >= 1000 && answer.ocpiStatus < 2000;
      if (good) report.ok++;
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

/** The p-th percentile (0–100, nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
