/**
 * The live half of `npm run demo`, after the pulls: a CPO pushes to our Receiver interfaces (transport_and_format 2.2.1
 * §Client Owned Object Push) and the demo prints, step by step, what the push was answered and what the app's internal
 * API shows afterwards, with ready-to-paste curls:
 * 1. an EVSE the app lists as free goes CHARGING by an EVSE PATCH (mod_locations 2.2.1 §PATCH Method), and how long
 *    after the push the search stopped listing it as free (polled, in ms);
 * 2. a charge pushed as it runs: a Session PUT, then two PATCHes adding a ChargingPeriod each (mod_sessions 2.2.1 §PUT
 *    and §PATCH Method), with the app's view of it after each: duration, energy, the CPO's cost so far and ours;
 * 3. a push through a Hub (transport_and_format 2.2.1 §Message Routing Headers): a Location of a CPO behind the Hub,
 *    stored under that CPO and answered with the routing headers swapped.
 *
 * Every step throws when a push is refused or the app does not show its effect within {@link APP_DEADLINE_MS}, so
 * `npm run demo -- --once` fails. Uses only the simulator (test/cpo-simulator) and the service's HTTP APIs.
 */
import { pushClientFor, routingHeaders, runningSessionPushes } from '../test/cpo-simulator';
import type { CpoSimulator, PushAnswer, PushParty } from '../test/cpo-simulator';

type Raw = Record<string, unknown>;

/** How long the app may take to show a push's effect before the demo calls it a failure. */
const APP_DEADLINE_MS = 10_000;

/** What the live part needs: the service's base URL and internal API key, and the 2.2.1 CPO with the objects it serves. */
export interface LiveDemoContext {
  serviceUrl: string;
  internalKey: string;
  cpo: { simulator: CpoSimulator; locations: Raw[]; tariffs: Raw[] };
  /** Starts and registers a simulator playing a Hub (called when step 3 begins); absent: step 3 skipped. */
  hub?: () => Promise<DemoHub>;
}

/** A registered simulator playing a Hub, a CPO party it announced in its hubclientinfo, and a Location of that party to relay. */
export interface DemoHub {
  simulator: CpoSimulator;
  party: PushParty;
  location: Raw;
}

/** GET /api/v1/locations?…&evses=true (the parts the live part reads; see src/locations/search/search-result.ts). */
interface SearchPage {
  data?: Array<{
    cpo: { country_code: string; party_id: string };
    location: { id: string; ocpi_id: string; name: string | null };
    free_evse_count: number;
    evses?: Array<{ uid: string; evse_id: string | null; status: string; free: boolean }>;
  }>;
}

/** GET /api/v1/locations/{id} (the EVSE parts). */
interface LocationDetail {
  evses: Array<{ uid: string; status: string; free: boolean; not_free: { message: string } | null }>;
}

/** One Session as GET /api/v1/sessions/{id} answers it (the parts the demo prints; see src/sessions/session-view.ts). */
export interface SessionLineView {
  id: string;
  session_id: string;
  country_code: string;
  party_id: string;
  status: string;
  duration_s: number;
  energy_kwh: string;
  currency: string;
  cpo_cost: { before_taxes: string; after_taxes: string | null } | null;
  our_cost: { before_taxes: string | null; after_taxes: string | null };
  difference: { before_taxes: string | null } | null;
  last_updated: string;
  last_update_age_s: number;
}

/** Runs the live steps in order; throws at the first push refused or change the app does not show in time. */
export async function showLivePart(ctx: LiveDemoContext): Promise<void> {
  log('\n== Live: the CPOs push, the app follows (OCPI Receiver interfaces)');
  await evseGoesCharging(ctx);
  await sessionPushedLive(ctx);
  if (ctx.hub) await pushThroughHub(ctx, ctx.hub);
}

/** Step 1: a free EVSE of the 2.2.1 CPO goes CHARGING by an EVSE PATCH; the search is polled until it no longer lists it as free. */
async function evseGoesCharging(ctx: LiveDemoContext): Promise<void> {
  const sim = ctx.cpo.simulator;
  const searchUrl = `${ctx.serviceUrl}/api/v1/locations?latitude=52.3702&longitude=4.8952&radius_m=1500&available_now=true&evses=true&limit=20`;
  const before = await getJson<SearchPage>(ctx, searchUrl);
  // Preferably a Location with another free EVSE, so it stays listed and the app's count of free EVSEs drops by one.
  const candidates = (before.data ?? []).filter((r) => r.cpo.country_code === sim.countryCode && r.cpo.party_id === sim.partyId && r.evses?.some((e) => e.free));
  const result = candidates.find((r) => r.free_evse_count >= 2) ?? candidates[0];
  const evse = result?.evses?.find((e) => e.free);
  if (!result || !evse) throw new Error(`live: the search lists no free EVSE of ${sim.countryCode}*${sim.partyId} near Amsterdam Centraal`);
  const name = `EVSE ${evse.evse_id ?? evse.uid} at ${result.location.name ?? result.location.ocpi_id}`;
  log(`\n-- 1. ${name} (${sim.countryCode}*${sim.partyId}, OCPI ${sim.version}) is listed as free; a driver plugs in and the CPO pushes the status:`);
  const patch = { status: 'CHARGING', last_updated: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  const pushedAt = performance.now();
  const answer = await pushClientFor(sim).patchEvse(result.location.ocpi_id, evse.uid, patch);
  log(`   PATCH ${pathOf(answer.url)} ${JSON.stringify(patch)}`);
  log(`   answered ${answerLine(answer)}`);
  requireAccepted(answer, `EVSE PATCH of ${name}`);
  const stillFree = (page: SearchPage) => page.data?.find((r) => r.location.id === result.location.id)?.evses?.some((e) => e.uid === evse.uid && e.free) === true;
  const seen = await waitFor(`the search to stop listing ${name} as free`, async () => {
    const page = await getJson<SearchPage>(ctx, searchUrl);
    return stillFree(page) ? null : page;
  });
  const after = seen.value.data?.find((r) => r.location.id === result.location.id);
  const detailUrl = `${ctx.serviceUrl}/api/v1/locations/${result.location.id}`;
  const shown = (await getJson<LocationDetail>(ctx, detailUrl)).evses.find((e) => e.uid === evse.uid);
  log(
    `   the app's search showed it not free ${Math.round(seen.at - pushedAt)} ms after the push was sent ` +
      `(the PATCH answered in ${Math.round(answer.durationMs)} ms; ${seen.polls === 1 ? 'the first search after that already showed it' : `${seen.polls} searches polled after that`}); ` +
      (after
        ? `the Location now shows ${after.free_evse_count} free EVSE${after.free_evse_count === 1 ? '' : 's'} (was ${result.free_evse_count})`
        : 'the Location has no free EVSE left and drops out of free-now results'),
  );
  log(`   its Location's detail shows the EVSE ${shown?.status ?? '(not listed)'}, ${shown?.free ? 'free' : `not free${shown?.not_free ? `: ${shown.not_free.message}` : ''}`}`);
  log(`   curl -s -H 'X-API-Key: ${ctx.internalKey}' '${detailUrl}'`);
  log(`   curl -s -H 'X-API-Key: ${ctx.internalKey}' '${searchUrl}'`);
}

/** The contract id of the charge the live part pushes. */
const LIVE_CONTRACT = 'NL-EMS-C-DEMO0002';

/**
 * Step 2: a charge that began 30 minutes ago, pushed as it ran (time compressed: the pushes go one after another now):
 * the Session PUT at its start (PENDING), then two PATCHes each adding a 15-minute ChargingPeriod of 3 kWh with the
 * CPO's total_cost so far. After each push the app's view is polled until it shows that push's last_updated.
 */
async function sessionPushedLive(ctx: LiveDemoContext): Promise<void> {
  const sim = ctx.cpo.simulator;
  const party = { countryCode: sim.countryCode, partyId: sim.partyId };
  const now = Math.floor(Date.now() / 1000) * 1000;
  const sequence = runningSessionPushes({
    version: '2.2.1',
    party,
    locations: ctx.cpo.locations,
    tariffs: ctx.cpo.tariffs,
    id: `LIVE-${sim.partyId}-1`,
    start: now - 30 * 60_000,
    periodMinutes: 15,
    patches: 2,
    site: 1,
    contractId: LIVE_CONTRACT,
  });
  log(`\n-- 2. A charge pushed as it runs by ${sim.countryCode}*${sim.partyId} (started 30 min ago; its pushes replayed one after another):`);
  const client = pushClientFor(sim);
  let ourId: string | null = null;
  for (const step of sequence.steps) {
    const answer = await client.send(step);
    log(`   ${step.note}: ${answerLine(answer)}`);
    requireAccepted(answer, step.note);
    const lastUpdated = Date.parse(String((step.body as Raw).last_updated));
    ourId ??= (await waitFor('the app to list the pushed Session', async () => (await sessionsOf(ctx, LIVE_CONTRACT)).find((s) => s.session_id === step.ids[0])?.id ?? null)).value;
    const sessionUrl = `${ctx.serviceUrl}/api/v1/sessions/${ourId}`;
    const seen = await waitFor(`the app to show ${step.note}`, async () => {
      const view = await getJson<SessionLineView>(ctx, sessionUrl);
      return Date.parse(view.last_updated) === lastUpdated ? view : null;
    });
    log(`     app: ${sessionLine(seen.value)}`);
    if (step.method === 'PUT') log(`     curl -s -H 'X-API-Key: ${ctx.internalKey}' '${sessionUrl}'`);
  }
}

/**
 * Step 3: the Hub pushes a Location of a CPO it announced, with OCPI-from (that CPO) and OCPI-to (us); we answer with
 * the routing headers swapped and store the Location under the CPO, so the app finds it.
 */
async function pushThroughHub(ctx: LiveDemoContext, setUp: () => Promise<DemoHub>): Promise<void> {
  log(`\n-- 3. Through a Hub: a 2.2.1 Hub (role HUB) relays a new Location of a CPO it announced in its hubclientinfo:`);
  const hub = await setUp();
  const sim = hub.simulator;
  const us = sim.registration.clientCredentials?.roles?.find((r) => r.role === 'EMSP');
  if (!us) throw new Error('live: the Hub holds no EMSP role of ours from the registration');
  const emsp = { countryCode: us.country_code, partyId: us.party_id };
  const from = `${hub.party.countryCode}*${hub.party.partyId}`;
  const answer = await pushClientFor(sim).putLocation(hub.location, { party: hub.party, headers: routingHeaders(hub.party, emsp) });
  const swapped = ['ocpi-from-country-code', 'ocpi-from-party-id', 'ocpi-to-country-code', 'ocpi-to-party-id'].map((h) => `${h}: ${answer.headers[h] ?? '(none)'}`).join(', ');
  log(`   PUT ${pathOf(answer.url)} with OCPI-from ${from}, OCPI-to ${emsp.countryCode}*${emsp.partyId}`);
  log(`   answered ${answerLine(answer)}; routing headers back: ${swapped}`);
  requireAccepted(answer, `Location PUT through the Hub`);
  const coordinates = hub.location.coordinates as { latitude: string; longitude: string };
  const searchUrl = `${ctx.serviceUrl}/api/v1/locations?latitude=${coordinates.latitude}&longitude=${coordinates.longitude}&radius_m=200&limit=5`;
  const seen = await waitFor(`the app to find the Location pushed through the Hub`, async () => {
    const page = await getJson<SearchPage>(ctx, searchUrl);
    return page.data?.find((r) => r.location.ocpi_id === String(hub.location.id)) ?? null;
  });
  log(`   the app lists it under ${seen.value.cpo.country_code}*${seen.value.cpo.party_id}: ${seen.value.location.name ?? seen.value.location.ocpi_id}`);
  log(`   curl -s -H 'X-API-Key: ${ctx.internalKey}' '${searchUrl}'`);
}

/** "ACTIVE, 30 min, 6 kWh; CPO says …, we compute …, difference …; last update 0 min ago": one Session as the app shows it. */
export function sessionLine(s: SessionLineView): string {
  const money = (before: string | null, after: string | null) => `${s.currency} ${before ?? '?'} excl. VAT (${after === null ? 'VAT not told' : `${after} incl.`})`;
  const cpo = s.cpo_cost ? money(s.cpo_cost.before_taxes, s.cpo_cost.after_taxes) : 'none given';
  return (
    `${s.country_code}*${s.party_id} ${s.session_id}: ${s.status}, ${Math.round(s.duration_s / 60)} min, ${s.energy_kwh} kWh; CPO says ${cpo}, ` +
    `we compute ${money(s.our_cost.before_taxes, s.our_cost.after_taxes)}, difference ${s.difference?.before_taxes ?? '?'}; ` +
    `last update ${Math.round(s.last_update_age_s / 60)} min ago`
  );
}

/** GET /api/v1/sessions?contract_id=… (each as GET /api/v1/sessions/{id} answers it). */
async function sessionsOf(ctx: LiveDemoContext, contractId: string): Promise<SessionLineView[]> {
  return (await getJson<{ data?: SessionLineView[] }>(ctx, `${ctx.serviceUrl}/api/v1/sessions?contract_id=${contractId}`)).data ?? [];
}

/**
 * Polls `probe` (no pause: each poll is an HTTP request) until it gives a value, for at most APP_DEADLINE_MS; `at` is
 * performance.now() when the answer that gave it arrived.
 * @throws Error naming what was awaited when the deadline passes.
 */
async function waitFor<T>(what: string, probe: () => Promise<T | null>): Promise<{ value: T; polls: number; at: number }> {
  const started = performance.now();
  for (let polls = 1; ; polls++) {
    const value = await probe();
    if (value !== null) return { value, polls, at: performance.now() };
    if (performance.now() - started > APP_DEADLINE_MS) throw new Error(`live: waited ${APP_DEADLINE_MS / 1000} s for ${what}, in vain`);
  }
}

/** @throws Error when the push was not answered HTTP 2xx with OCPI 1000 (transport_and_format §Response format). */
function requireAccepted(answer: PushAnswer, what: string): void {
  if (answer.httpStatus < 200 || answer.httpStatus > 299 || answer.ocpiStatus !== 1000) throw new Error(`live: the ${what} was refused: ${answerLine(answer)}`);
}

function answerLine(a: PushAnswer): string {
  return `HTTP ${a.httpStatus}, OCPI ${a.ocpiStatus ?? '(none)'}${a.message ? ` "${a.message}"` : ''} in ${Math.round(a.durationMs)} ms`;
}

async function getJson<T>(ctx: LiveDemoContext, url: string): Promise<T> {
  const response = await fetch(url, { headers: { 'X-API-Key': ctx.internalKey } });
  if (!response.ok) throw new Error(`live: GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
