/**
 * The main job in one command: `npm run demo` (add `-- --once` to exit after the first sync, `-- --port 3001` to serve
 * on another port than 3000, or set PORT).
 *
 * Starts three simulated CPOs on loopback (test/cpo-simulator), one per OCPI version: 2.2.1 (spec example
 * objects plus generated ones, a few deliberately invalid), 2.1.1 (generated, half without time_zone) and
 * 2.3.0 (a CPO group of two parties, with the 2.3.0 Location additions). Starts the service on an embedded
 * PGlite database, connects each CPO through the operations API (we register with the 2.2.1 and 2.1.1 ones;
 * the 2.3.0 one registers itself with an invitation's token A), pulls their tariffs, locations, sessions and CDRs, and
 * prints per CPO what was stored and rejected and how the CDRs' stated costs compare with our recompute (finance API),
 * then ready-to-paste requests to the internal API with their answers (free chargers, a price estimate, a charge in
 * progress with its cost so far). Then the live half (scripts/demo-live.ts): an EVSE going CHARGING by a push and how
 * many ms later the app's search shows it, a charge pushed as it runs with the app's cost so far after each push, and
 * a Location pushed through a Hub. With --once it exits 0 only if every CPO registered and synced and every push was
 * taken and shown by the app; otherwise it keeps serving until Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadEnvironment } from '../src/config/env.validation';
import { startEmbeddedPostgresInWorker } from '../src/database/embedded-postgres-thread';
import { startService, RunningService } from '../src/service';
import { PULL_QUEUE } from '../src/sync/sync.scheduler';
import {
  CpoSimulator,
  generateCdrs,
  generateLocations,
  runningSession,
  loadCdrExample,
  loadFixtureFiles,
  loadFixtureLocations,
  loadFixtureTariffs,
  startCpoSimulator,
  toOcpi211Location,
  toOcpi211Tariff,
  withOcpi230Fields,
} from '../test/cpo-simulator';
import type { SimulatorVersionId } from '../test/cpo-simulator';
import { showCommands } from './demo-commands';
import { nearbySummaryLines, type NearbySummaryPage } from './demo-nearby';
import { sessionLine, showLivePart, type DemoHub, type SessionLineView } from './demo-live';
import { syncAndWait, type Ops } from './follow-sync';
import { progressLine, type SyncProgress } from '../src/sync/sync-progress';

const once = process.argv.includes('--once');
/** Where demo versions before the in-memory database kept theirs (deleted when found). */
const DEMO_DIR = join(process.cwd(), '.data', 'demo');
/** Where the migrated database template and its dump are kept between runs (see migratedTemplateDump). */
const TEMPLATES_DIR = join(process.cwd(), '.data');
let financeBase = '';
let financeKey = '';

interface DemoCpo {
  name: string;
  simulator: CpoSimulator;
  /** eMSP: we register with it (its token A); CPO: it registers with us (an invitation's token A). */
  initiatedBy: 'EMSP' | 'CPO';
  /** The Locations and Tariffs it serves (wire shape), for the Sessions the live part pushes. */
  served: { locations: Raw[]; tariffs: Raw[] };
}

const HOST = '127.0.0.1';

/** Seconds since the demo's start at which each step ended, printed at the end: where the time to the first answer goes. */
const marks: Array<{ step: string; atS: number; cpuS: number }> = [];
let startedAt = 0;
/** Records the end of a step: wall-clock seconds since the start, and CPU seconds this process used so far (all of it: simulators, service, PGlite), which a loaded machine inflates less. */
function mark(step: string): void {
  const cpu = process.cpuUsage();
  marks.push({ step, atS: (Date.now() - startedAt) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 });
}

async function main(): Promise<void> {
  startedAt = Date.now();
  const port = demoPort();
  // Before anything is started or the demo database reset: a taken port is said in one line, not a stack.
  const taken = await portProblem(port);
  if (taken) exitWith(taken);
  // Once the first question is answered (or could not be): the other CPOs register, and the service's background job
  // queues other than the pulls start (see startDemoService).
  let firstAnswered!: () => void;
  const firstAnswerOut = new Promise<void>((resolve) => (firstAnswered = resolve));
  // Side by side, the database first: its worker thread loads it while the simulators are set up (JavaScript on this
  // thread, which does not yield until their first server starts) and the service's modules are created.
  const starting = startDemoService(port, firstAnswerOut).then((started) => {
    mark(`service listening (${started.startup.map((s) => `${s.step} ${(s.ms / 1000).toFixed(1)} s`).join(', ')})`);
    return started;
  });
  const simulators = startSimulators().finally(() => mark('simulators started'));
  let cpos: DemoCpo[];
  let service: RunningService;
  try {
    [cpos, service] = await Promise.all([simulators, starting]);
  } catch (error) {
    await Promise.all((await simulators.catch((): DemoCpo[] => [])).map((c) => c.simulator.close()));
    // Taken between our check and the service's listen (another process was quicker).
    exitWith(listenProblem(error, port) ?? `Demo failed to start: ${(error as Error).message}`);
  }
  let allGood = true;
  try {
    const ops = operationsClient(service);
    financeBase = `${service.url}/api/v1/finance`;
    financeKey = service.config.env.FINANCE_API_KEY;
    log(`\nService listening on ${service.url} (embedded PGlite, in memory), OpenAPI UI at ${service.url}/api/docs\n`);
    // The CPO in Amsterdam is registered and pulled first, and the app's first question, free chargers near Amsterdam
    // Centraal, is asked as soon as its first page of Locations is stored (asked again with each further page should it
    // find none yet), while the rest of its Locations keep coming; once answered, the other CPOs register, one after the other, and are
    // pulled while the first one's Sessions and CDRs still are. Everything runs in this one process: pulling all three
    // from the start would only share its CPU and delay that first answer, and registering at once makes each handshake
    // slower (a CPO gives up calling our versions endpoint back after a few seconds). Each CPO's report is printed
    // whole once its pull has finished.
    const nl = cpos.find((c) => c.simulator.version === '2.2.1')!;
    const nlLocations = new LocationsLanding();
    log(`== Registering with ${nl.name} and pulling it first; the app's first question as soon as its first Locations are in; then the other CPOs`);
    const nlSync = connectAndSync(ops, nl, { onPulled: (module) => module === 'locations' && nlLocations.finished(), onLocations: (received) => nlLocations.landed(received) });
    // Whatever became of its Locations (a failed registration, a module skipped): nothing more lands once its pull ended.
    void nlSync.done.finally(() => nlLocations.finished());
    const nlLocationsIn = nlLocations.next(0);
    // The others register once the first question is answered (not alongside it: this one process would share its CPU);
    // should the first CPO fail before its Locations are in, they go on anyway.
    let registered: Promise<unknown> = Promise.race([firstAnswerOut, nlSync.done]);
    const syncs = cpos.map((cpo) => {
      if (cpo === nl) return nlSync.done;
      const sync = connectAndSync(ops, cpo, { registerAfter: registered });
      registered = sync.registered;
      return sync.done;
    });
    await Promise.race([nlLocationsIn, Promise.all(syncs)]);
    mark(`${nl.simulator.countryCode}*${nl.simulator.partyId} first Locations in`);
    await showFirstQuestions(service, nlLocations).finally(firstAnswered);
    const firstAnswerS = (Date.now() - startedAt) / 1000;
    mark('first answer');
    const connectionIds: string[] = [];
    const connectionOf = new Map<DemoCpo, string>();
    for (const [i, outcome] of (await Promise.all(syncs)).entries()) {
      log('');
      for (const line of outcome.report) log(line);
      allGood = outcome.ok && allGood;
      if (outcome.connectionId) connectionIds.push(outcome.connectionId);
      if (outcome.connectionId) connectionOf.set(cpos[i], outcome.connectionId);
    }
    const allSyncedS = (Date.now() - startedAt) / 1000;
    mark('every CPO registered and pulled');
    await showChargeInProgress(service);
    await showLivePart({
      serviceUrl: service.url,
      internalKey: service.config.env.INTERNAL_API_KEY,
      cpo: { simulator: nl.simulator, ...nl.served },
      hub: () => startDemoHub(ops, cpos),
    });
    const live = { serviceUrl: service.url, internalKey: service.config.env.INTERNAL_API_KEY, cpo: { simulator: nl.simulator, ...nl.served } };
    await showCommands(live, connectionOf.get(nl) ?? '');
    showMoreRequests(service, connectionIds[0]);
    log(`\nFirst answer ${firstAnswerS.toFixed(1)} s after start.`);
    log(`Every CPO registered and pulled ${allSyncedS.toFixed(1)} s after start.`);
    log(`Steps (s after start, CPU s used so far): ${marks.map((m) => `${m.step} ${m.atS.toFixed(1)} (${m.cpuS.toFixed(1)})`).join('; ')}.`);
  } catch (error) {
    allGood = false;
    log(`\nDemo failed: ${(error as Error).message}`);
  } finally {
    firstAnswered();
  }
  if (once) {
    await service.stop();
    await Promise.all(cpos.map((c) => c.simulator.close()));
    log(
      allGood
        ? '\nEvery CPO registered and synced; every push was taken and the app showed it.'
        : '\nAt least one CPO did not register or sync, or a push was refused or not shown by the app in time: see above.',
    );
    process.exit(allGood ? 0 : 1);
  }
  log('\nServing until Ctrl-C (the demo database is in memory: it goes when the demo stops).');
  const stop = () => void Promise.all([service.stop(), ...cpos.map((c) => c.simulator.close())]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * A Hub for the live part (OCPI 2.2.1, role HUB, only pushing: no Sender interface but hubclientinfo), announcing one
 * CPO, NL*VIA, in its hubclientinfo (mod_hub_client_info §ClientInfo Object). We register with it as with a CPO; the
 * registration pulls its ClientInfo list. Added to `cpos` so that it is stopped with them.
 */
async function startDemoHub(ops: Ops, cpos: DemoCpo[]): Promise<DemoHub> {
  const party = { countryCode: 'NL', partyId: 'VIA' };
  const simulator = await startCpoSimulator({
    countryCode: 'NL',
    partyId: 'HUB',
    roles: [{ role: 'HUB', countryCode: 'NL', partyId: 'HUB', businessName: 'Simulated Hub' }],
    senders: [],
    hubClientInfo: [
      { country_code: party.countryCode, party_id: party.partyId, role: 'CPO', status: 'CONNECTED', last_updated: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
    ],
  });
  const hub: DemoCpo = { name: 'Simulated Hub', simulator, initiatedBy: 'EMSP', served: { locations: [], tariffs: [] } };
  cpos.push(hub);
  const connection = await connect(ops, hub);
  const announced = await ops<Array<{ country_code: string; party_id: string; role: string; status: string }>>('GET', `/connections/${connection.id}/hub-clients`);
  log(
    `   registered with the Hub NL*HUB by us: OCPI ${connection.ocpi_version}, parties ${connection.parties.map((p) => `${p.country_code}*${p.party_id} (${p.role})`).join(', ')}; ` +
      `its hubclientinfo announced ${announced.map((c) => `${c.country_code}*${c.party_id} (${c.role}, ${c.status})`).join(', ') || 'nobody'}`,
  );
  const [location] = generateLocations({ count: 1, seed: 9, center: { latitude: 52.3676, longitude: 4.9041 }, radiusKm: 1, ...party, tariffIds: [] }) as unknown as Raw[];
  return { simulator, party, location: { ...location, id: 'VIA-LOC-1', name: 'Reached through the Hub' } };
}

/**
 * Three CPOs, one per OCPI version: NL*SIM (2.2.1) with the spec's example objects, generated ones and some
 * invalid ones; BE*GEN (2.1.1) generated, half without time_zone; DE*NXT + DE*NX2 (2.3.0), a CPO group.
 */
async function startSimulators(): Promise<DemoCpo[]> {
  const nlOwner = { countryCode: 'NL', partyId: 'SIM' };
  const nlTariffs = loadFixtureTariffs(nlOwner);
  const nlInvalid = loadFixtureFiles('not-ok', nlOwner).map((f) => f.object);
  const nlGenerated = generateLocations({
    count: 400,
    seed: 1,
    center: { latitude: 52.3702, longitude: 4.8952 },
    radiusKm: 8,
    ...nlOwner,
    tariffIds: tariffIdsOf(nlTariffs),
  }) as unknown as Raw[];
  const nl = await startCpoSimulator({
    ...nlOwner,
    businessName: 'Simulated Charging NL',
    tariffs: [...nlTariffs, ...nlInvalid.filter(isTariffLike)],
    locations: [...loadFixtureLocations(nlOwner), ...nlGenerated, ...nlInvalid.filter((o) => !isTariffLike(o))],
    cdrs: demoCdrs('2.2.1', nlOwner, nlGenerated, nlTariffs),
    sessions: demoSessions('2.2.1', nlOwner, nlGenerated, nlTariffs),
    // It takes commands (answered ACCEPTED, the result posted at once) and our pushed Tokens.
    receivers: ['commands', 'tokens'],
  });
  const beOwner = { countryCode: 'BE', partyId: 'GEN' };
  const beTariffs = loadFixtureTariffs(beOwner);
  const beLocations = generateLocations({ count: 300, seed: 2, center: { latitude: 50.8503, longitude: 4.3517 }, radiusKm: 10, ...beOwner, tariffIds: tariffIdsOf(beTariffs) }).map(
    (l, i) => toOcpi211Location(l as unknown as Record<string, unknown>, { dropTimeZone: i % 2 === 0 }),
  );
  const be211Tariffs = beTariffs.map((t) => toOcpi211Tariff(t));
  const be = await startCpoSimulator({
    ...beOwner,
    version: '2.1.1',
    businessName: 'Generated Charging BE',
    tariffs: be211Tariffs,
    locations: beLocations,
    cdrs: demoCdrs('2.1.1', beOwner, beLocations, be211Tariffs),
    sessions: demoSessions('2.1.1', beOwner, beLocations, be211Tariffs),
  });
  const deGroup = [
    { countryCode: 'DE', partyId: 'NXT' },
    { countryCode: 'DE', partyId: 'NX2' },
  ];
  const deTariffs = loadFixtureTariffs(deGroup[0]);
  const deLocations = deGroup.map((p, i) =>
    generateLocations({ count: 100, seed: 3 + i, center: { latitude: 52.52, longitude: 13.405 }, radiusKm: 8, ...p, tariffIds: tariffIdsOf(deTariffs) }).map((l, n) =>
      withOcpi230Fields(l as unknown as Record<string, unknown>, n + 1),
    ),
  );
  const de = await startCpoSimulator({
    ...deGroup[0],
    version: '2.3.0',
    roles: deGroup.map((p, i) => ({ role: 'CPO' as const, ...p, businessName: `Next Charging DE ${i + 1}` })),
    tariffs: deTariffs,
    locations: deLocations.flat(),
    cdrs: demoCdrs('2.3.0', deGroup[0], deLocations[0], deTariffs),
    sessions: demoSessions('2.3.0', deGroup[0], deLocations[0], deTariffs),
  });
  return [
    { name: 'Simulated Charging NL', simulator: nl, initiatedBy: 'EMSP', served: { locations: nlGenerated, tariffs: nlTariffs } },
    { name: 'Generated Charging BE', simulator: be, initiatedBy: 'EMSP', served: { locations: beLocations, tariffs: be211Tariffs } },
    { name: 'Next Charging DE (group)', simulator: de, initiatedBy: 'CPO', served: { locations: deLocations.flat(), tariffs: deTariffs } },
  ];
}

type Raw = Record<string, unknown>;

/**
 * A CPO's CDRs: the spec's "Example of a CDR" of its version, 30 generated from its Locations and priced from its own
 * Tariffs by the simulator (three billed € 0.50 too much, every other one without its tariffs), and one invalid (no
 * cdr_token / auth_id).
 */
function demoCdrs(version: SimulatorVersionId, owner: { countryCode: string; partyId: string }, locations: Raw[], tariffs: Raw[]): Raw[] {
  const generated = generateCdrs({ version, locations, tariffs, ...owner, count: 30, seed: 7, mispriced: [3, 11, 19] });
  const invalid: Raw = { ...generated[0], id: 'CDR-INVALID' };
  delete invalid[version === '2.1.1' ? 'auth_id' : 'cdr_token'];
  return [loadCdrExample(version, owner), ...generated, invalid];
}

/** The contract id of each CPO's charge in progress: the demo follows the NL one through the app's API. */
const RUNNING_CONTRACT = 'NL-EMS-C-DEMO0001';

/**
 * A CPO's Sessions (mod_sessions): one charge in progress, started 40 minutes ago with a 10-minute ChargingPeriod of
 * 3 kWh each so far, billed by the simulator from the connector's own tariff.
 */
function demoSessions(version: SimulatorVersionId, owner: { countryCode: string; partyId: string }, locations: Raw[], tariffs: Raw[]): Raw[] {
  const now = Math.floor(Date.now() / 1000) * 1000;
  return [
    runningSession({ version, locations, tariffs, ...owner, id: `DEMO-${owner.partyId}-1`, start: now - 40 * 60_000, at: now, periodMinutes: 10, contractId: RUNNING_CONTRACT }),
  ];
}

/**
 * The port to serve on: `--port N` (or `--port=N`), else PORT, else 3000 (0, a free one, with --once). A malformed one
 * ends the demo with one line.
 */
function demoPort(): number {
  const i = process.argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  const given = i < 0 ? process.env.PORT : process.argv[i].startsWith('--port=') ? process.argv[i].slice('--port='.length) : process.argv[i + 1];
  if (given === undefined || given === '') return once ? 0 : 3000;
  const port = Number(given);
  if (!Number.isInteger(port) || port < 0 || port > 65535) exitWith(`Port "${given}" is no TCP port: give a whole number from 0 to 65535, e.g. npm run demo -- --port 3001`);
  return port;
}

/** Why `port` cannot be listened on (in use, not permitted), in one line saying how to choose another; null when it can. */
function portProblem(port: number): Promise<string | null> {
  if (port === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error) => resolve(listenProblem(error, port) ?? `Port ${port} on ${HOST} cannot be used: ${error.message}`));
    probe.listen(port, HOST, () => probe.close(() => resolve(null)));
  });
}

/** The one line for a listen error on `port` (EADDRINUSE, EACCES), else null. */
function listenProblem(error: unknown, port: number): string | null {
  const code = (error as NodeJS.ErrnoException).code;
  const other = port === 65535 ? 3001 : port + 1;
  const choose = `choose another with \`npm run demo -- --port ${other}\` (or PORT=${other} npm run demo)`;
  if (code === 'EADDRINUSE') return `Port ${port} on ${HOST} is already in use (another demo or service?): stop it, or ${choose}.`;
  if (code === 'EACCES') return `Port ${port} on ${HOST} may not be used by this user: ${choose}.`;
  return null;
}

/** Ends the demo with one line on stderr and status 1 (no stack: the line says what to do). */
function exitWith(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

/**
 * The service on a fresh embedded database, with demo secrets generated on the spot. The database is PGlite in memory,
 * in a worker thread of its own (startEmbeddedPostgresInWorker), loaded from the dump of a migrated template kept in
 * .data/ (built by the first run, and again whenever the migrations or PGlite change): it opens in well under a
 * second where initdb and the migrations take several, and it goes when the demo stops. It starts beside the
 * simulators' set-up and the service's on this thread. The service's job queues other than the pulls (token pushes,
 * command timeouts, gap healing, call-log retention, invoice record pulls, the due-pull check: nothing the first answer
 * needs) start working, and store their schedules, once `firstAnswerOut` resolves: until then their workers would only
 * poll the database the first answer waits on (the pulls' workers and every check of the start are as in production).
 */
async function startDemoService(port: number, firstAnswerOut: Promise<void>): Promise<RunningService> {
  // A fresh clone has no .data/ yet.
  mkdirSync(TEMPLATES_DIR, { recursive: true });
  // The on-disk databases of earlier demo versions (.data/demo, and those moved aside for deletion) are deleted in the
  // background.
  if (existsSync(DEMO_DIR)) renameSync(DEMO_DIR, `${DEMO_DIR}.old-${process.pid}-${Date.now()}`);
  for (const name of readdirSync(TEMPLATES_DIR)) {
    if (name.startsWith('demo.old-')) void rm(join(TEMPLATES_DIR, name), { recursive: true, force: true }).catch(() => undefined);
  }
  const database = startEmbeddedPostgresInWorker({ templatesDir: TEMPLATES_DIR }).then((embedded) => {
    const { dump, built } = embedded.template;
    mark(
      `${built ? `database template built (first run with these migrations) and dumped, ${relative(dump)}` : `database dump ${relative(dump)} read`} ` +
        `in ${(embedded.readMs / 1000).toFixed(1)} s and loaded by PGlite in ${(embedded.startMs / 1000).toFixed(1)} s (worker thread)`,
    );
    return embedded;
  });
  const env = loadEnvironment({
    PORT: String(port),
    HOST,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    OPERATIONS_API_KEY: process.env.OPERATIONS_API_KEY ?? 'demo-operations-api-key',
    INTERNAL_API_KEY: process.env.INTERNAL_API_KEY ?? 'demo-internal-api-key',
    FINANCE_API_KEY: process.env.FINANCE_API_KEY ?? 'demo-finance-api-key',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SYNC_INTERVAL_MINUTES: '15',
  });
  // The copy was made from the template of exactly these migrations (its key hashes them): nothing to look for.
  return startService(env, { freshFromMigratedTemplate: true, embeddedDatabase: database, jobQueueStart: { deferUntil: firstAnswerOut, atOnce: [PULL_QUEUE.name] } });
}

/** A call to the operations API; `T` is the shape of its JSON answer (one of the interfaces below), not checked. */

/** The parts of the APIs' answers the demo reads (see src/operations, src/finance and src/locations/search). */
interface Connection {
  id: string;
  ocpi_version: string | null;
  parties: Array<{ role: string; country_code: string; party_id: string }>;
}

/** POST /connections/invitations. */
interface Invitation {
  connection: { id: string };
  token_a: string;
  versions_url: string;
}

/** GET /connections/{id}/summary. */
interface ConnectionSummary {
  stored: { locations: number; evses: number; connectors: number; tariffs: number; sessions: number; cdrs: number };
  rejected: Array<{ module: string; object_id: string | null; reason: string }>;
}

/** GET /api/v1/finance/cdrs/summary answers one line per connection and currency. */
interface FinanceSummaryLine {
  currency: string;
  stored: number;
  match: number;
  differ: number;
  not_exact: number;
  sum_difference: { before_taxes: string; after_taxes: string | null };
}

/** GET /api/v1/chargers/nearby (no `data` when it answers an error). */
interface NearbyPage {
  data?: Array<{ evses: Array<{ connectors: NearbyConnector[] }> }>;
}

interface NearbyConnector {
  id: string;
  ocpi_id: string;
  standard: string;
  max_power_kw: number;
  tariff_ids: string[];
}

function operationsClient(service: RunningService): Ops {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${service.url}/api/v1/operations${path}`, {
      method,
      headers: { 'X-API-Key': service.config.env.OPERATIONS_API_KEY, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return json as T;
  };
}

/** What a CPO's registration and pull came to: `ok` is false when anything failed; `report` is what happened, to print. */
interface CpoOutcome {
  ok: boolean;
  connectionId: string | null;
  report: string[];
}

/**
 * Registers with one CPO (or lets it register with us) once `registerAfter` has resolved, and pulls it: `registered`
 * settles when the handshake has finished (either way), `done` when the pull has too. The report's lines are kept apart
 * (CPOs are pulled at once). `onPulled` is told of each module as soon as it has been pulled.
 */
function connectAndSync(
  ops: Ops,
  cpo: DemoCpo,
  options: { onPulled?: (module: string) => void; onLocations?: (received: number) => void; registerAfter?: Promise<unknown> } = {},
): { registered: Promise<void>; done: Promise<CpoOutcome> } {
  let handshakeOver!: () => void;
  const registered = new Promise<void>((resolve) => (handshakeOver = resolve));
  const done = (async (): Promise<CpoOutcome> => {
    await options.registerAfter;
    const report = [`== ${cpo.name} (${cpo.simulator.countryCode}*${cpo.simulator.partyId}, OCPI ${cpo.simulator.version}) at ${cpo.simulator.versionsUrl}`];
    let connection;
    try {
      connection = await connect(ops, cpo, report);
    } catch (error) {
      report.push(`   registration FAILED: ${(error as Error).message}`);
      return { ok: false, connectionId: null, report };
    } finally {
      handshakeOver();
    }
    const how = cpo.initiatedBy === 'CPO' ? 'by the CPO, with our invitation' : 'by us, with its token A';
    mark(`${cpo.simulator.countryCode}*${cpo.simulator.partyId} registered`);
    report.push(`   registered ${how}: OCPI ${connection.ocpi_version}, parties ${connection.parties.map((p) => `${p.country_code}*${p.party_id} (${p.role})`).join(', ')}`);
    // 202 at once with each module's run; followed until every run has finished.
    const printProgress = progressPrinter(cpo.name);
    const outcomes = await syncAndWait(ops, connection.id, {
      // A CPO whose first Locations are awaited is followed closer: the app's first question waits for them.
      pollMs: options.onLocations ? 50 : 200,
      onProgress: (module, progress, status) => {
        printProgress(module, progress, status);
        if (module === 'locations' && progress.objects > 0) options.onLocations?.(progress.objects);
      },
      onOutcome: (o) => options.onPulled?.(o.module),
    });
    for (const o of outcomes) {
      report.push(
        `   pulled ${o.module.padEnd(9)} ${o.status.padEnd(9)} pages ${o.pages}, received ${o.received}, stored ${o.stored}, rejected ${o.rejected}${o.message ? ` (${o.message})` : ''}`,
      );
    }
    const summary = await ops<ConnectionSummary>('GET', `/connections/${connection.id}/summary`);
    const s = summary.stored;
    report.push(`   stored: ${s.locations} locations, ${s.evses} EVSEs, ${s.connectors} connectors, ${s.tariffs} tariffs, ${s.sessions} sessions`);
    report.push(`   ${await cdrLine(connection.id)}`);
    if (summary.rejected.length > 0) report.push(`   rejected ${summary.rejected.length}:`);
    for (const line of rejectionLines(summary.rejected)) report.push(`     - ${line}`);
    mark(`${cpo.simulator.countryCode}*${cpo.simulator.partyId} pulled`);
    return { ok: outcomes.every((o) => o.status === 'SUCCEEDED'), connectionId: connection.id, report };
  })();
  return { registered, done };
}

/** "CDRs: N stored, M match, K differ (sum of differences …), J not exactly priceable", from the finance API. */
async function cdrLine(connectionId: string): Promise<string> {
  const response = await fetch(`${financeBase}/cdrs/summary?connection_id=${connectionId}`, { headers: { 'X-API-Key': financeKey } });
  const lines = (await response.json()) as FinanceSummaryLine[];
  if (!response.ok) return `CDRs: finance API answered HTTP ${response.status}`;
  const sum = (k: 'stored' | 'match' | 'differ' | 'not_exact') => lines.reduce((n, l) => n + l[k], 0);
  const differences = lines.map((l) => `${l.currency} ${l.sum_difference.before_taxes} before taxes, ${l.sum_difference.after_taxes ?? 'unknown'} after`).join('; ');
  return `CDRs: ${sum('stored')} stored, ${sum('match')} match, ${sum('differ')} differ (sum of differences, ours − theirs: ${differences || 'none'}), ${sum('not_exact')} not exactly priceable`;
}

/** eMSP-initiated: POST the CPO's versions URL and token A. CPO-initiated: an invitation, then the CPO POSTs to us. */
async function connect(ops: Ops, cpo: DemoCpo, report: string[] = []): Promise<Connection> {
  if (cpo.initiatedBy === 'EMSP') return ops<Connection>('POST', '/connections', { name: cpo.name, versions_url: cpo.simulator.versionsUrl, token_a: cpo.simulator.tokenA });
  const invitation = await ops<Invitation>('POST', '/connections/invitations', { name: cpo.name });
  report.push(`   invitation: token A and ${invitation.versions_url} handed to the CPO`);
  await cpo.simulator.registerWith(invitation.versions_url, invitation.token_a);
  // The CPO has just registered with us on this invitation: its connection is in the list.
  return (await ops<Connection[]>('GET', '/connections')).find((c) => c.id === invitation.connection.id)!;
}

/** One line per rejected object, or one per reason when more than three objects share it. */
function rejectionLines(rejected: Array<{ module: string; object_id: string | null; reason: string }>): string[] {
  const byReason = new Map<string, typeof rejected>();
  for (const r of rejected) byReason.set(`${r.module}: ${r.reason}`, [...(byReason.get(`${r.module}: ${r.reason}`) ?? []), r]);
  return [...byReason.entries()].flatMap(([reason, objects]) =>
    objects.length > 3
      ? [
          `${objects.length} ${reason.split(':')[0]} (${objects
            .slice(0, 3)
            .map((o) => o.object_id)
            .join(', ')} …):${reason.slice(reason.indexOf(':') + 1)}`,
        ]
      : objects.map((r) => `${r.module} ${r.object_id ?? '(no id)'}: ${r.reason}`),
  );
}

/**
 * How many of a CPO's Locations its pull has stored so far (the run's progress, as operations see it), and whether the
 * pull of its Locations has finished: what the first question waits for.
 */
class LocationsLanding {
  private received = 0;
  private done = false;
  private waiters: Array<{ above: number; resolve: (received: number) => void }> = [];

  /** The run's progress says `received` Locations are in. */
  landed(received: number): void {
    if (received <= this.received) return;
    this.received = received;
    this.wake();
  }

  /** The Locations run has finished (or will land no more). */
  finished(): void {
    this.done = true;
    this.wake();
  }

  /** Resolves with the Locations in once more than `above` are, or with what is in once the run has finished. */
  next(above: number): Promise<number> {
    if (this.received > above || this.done) return Promise.resolve(this.received);
    return new Promise((resolve) => this.waiters.push({ above, resolve }));
  }

  get finishedPulling(): boolean {
    return this.done;
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => this.received > w.above || this.done);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(this.received);
  }
}

/**
 * Runs and prints the app's first two questions to the internal API: free chargers near Amsterdam Centraal (answered
 * from the 2.2.1 CPO's Locations stored so far: asked as soon as its first page is in, and again with each further page
 * while the answer lists none) and what a charge at one of them costs.
 * @throws Error when no answer lists a charger, even once every Location is in
 */
async function showFirstQuestions(service: RunningService, locations: LocationsLanding): Promise<void> {
  const key = service.config.env.INTERNAL_API_KEY;
  const nearbyUrl = `${service.url}/api/v1/chargers/nearby?latitude=52.3702&longitude=4.8952&radius_m=1500&available_now=true&limit=3`;
  log('\n== Free chargers within 1.5 km of Amsterdam Centraal, now:');
  log(`   curl -s -H 'X-API-Key: ${key}' '${nearbyUrl}'`);
  let nearby: NearbyPage & NearbySummaryPage;
  let received = await locations.next(0);
  for (;;) {
    const finished = locations.finishedPulling;
    nearby = (await (await fetch(nearbyUrl, { headers: { 'X-API-Key': key } })).json()) as NearbyPage & NearbySummaryPage;
    // An empty answer is no answer: the demo's "first answer" time counts only one that lists chargers.
    if (nearby.data?.length || finished) break;
    received = await locations.next(received);
  }
  log(`   (asked once ${received} of the CPO's Locations were stored${locations.finishedPulling ? '' : '; the rest are still being pulled'})`);
  // One line per result (the whole JSON is hundreds of lines: the curl above shows it).
  for (const line of nearbySummaryLines(nearby)) log(`   ${line}`);
  if (!nearby.data?.length) throw new Error(`the app found no free charger near Amsterdam Centraal: ${JSON.stringify(nearby).slice(0, 300)}`);
  const connector = nearby.data?.flatMap((r) => r.evses.flatMap((e) => e.connectors)).find((c) => c.tariff_ids.length > 0);
  if (!connector) {
    log('   (no connector with a tariff in the results)');
    return;
  }
  const priceUrl = `${service.url}/api/v1/connectors/${connector.id}/price-estimate?energy_kwh=10&duration_minutes=60`;
  log(`\n== What 10 kWh in 60 minutes cost at connector ${connector.ocpi_id} (${connector.standard}, ${connector.max_power_kw} kW):`);
  log(`   curl -s -H 'X-API-Key: ${key}' '${priceUrl}'`);
  const price = await (await fetch(priceUrl, { headers: { 'X-API-Key': key } })).json();
  log(indent(JSON.stringify(price, null, 2), 60));
}

/** GET /api/v1/sessions (the parts the demo prints). */
interface SessionPage {
  data?: SessionLineView[];
}

/** The app following a driver's charges: each CPO's charge in progress, with its cost so far, the CPO's and ours. */
async function showChargeInProgress(service: RunningService): Promise<void> {
  const key = service.config.env.INTERNAL_API_KEY;
  const url = `${service.url}/api/v1/sessions?contract_id=${RUNNING_CONTRACT}&status=ACTIVE`;
  log(`\n== The driver's charges in progress (contract ${RUNNING_CONTRACT}), with their cost so far:`);
  log(`   curl -s -H 'X-API-Key: ${key}' '${url}'`);
  const page = (await (await fetch(url, { headers: { 'X-API-Key': key } })).json()) as SessionPage;
  for (const s of page.data ?? []) log(`   ${sessionLine(s)}`);
}

/** Ready-to-paste requests for the finance team and operations, with the demo's keys (not secrets: demo values). */
function showMoreRequests(service: RunningService, connectionId: string | undefined): void {
  const { FINANCE_API_KEY: finance, OPERATIONS_API_KEY: operations } = service.config.env;
  const id = connectionId ?? '{connection id}';
  log('\n== More to try (finance: CDRs billed other than their tariffs say; operations: what went wrong with which CPO):');
  log(`   curl -s -H 'X-API-Key: ${finance}' '${service.url}/api/v1/finance/cdrs/summary'`);
  log(`   curl -s -H 'X-API-Key: ${finance}' '${service.url}/api/v1/finance/cdrs?discrepancy=true&limit=5'`);
  log(`   curl -s -H 'X-API-Key: ${operations}' '${service.url}/api/v1/operations/connections'`);
  log(`   curl -s -H 'X-API-Key: ${operations}' '${service.url}/api/v1/operations/connections/${id}/rejected-objects'`);
  log(`   curl -s -H 'X-API-Key: ${operations}' '${service.url}/api/v1/operations/call-log?limit=5'`);
  log(`   curl -s -H 'X-API-Key: ${operations}' '${service.url}/api/v1/operations/charge-story?session_id=CMD-SIM-1'`);
  log(`   Operations console: ${service.url}/console (sign in with the operations key ${operations}): connections, health, map, call log, a charge's story`);
  log(`   OpenAPI UI: ${service.url}/api/docs (every endpoint, its parameters and errors)`);
}

function isTariffLike(o: unknown): boolean {
  const x = o as Record<string, unknown>;
  return 'elements' in x || 'currency' in x || 'tariff_alt_text' in x;
}

function tariffIdsOf(tariffs: unknown[]): string[] {
  return tariffs.map((t) => (t as { id: string }).id);
}

function indent(text: string, maxLines: number): string {
  const lines = text.split('\n');
  const shown = lines.slice(0, maxLines).map((l) => `   ${l}`);
  if (lines.length > maxLines) shown.push(`   … ${lines.length - maxLines} more lines (run the curl above for all)`);
  return shown.join('\n');
}

function relative(path: string): string {
  return path.startsWith(process.cwd()) ? `.${path.slice(process.cwd().length)}` : path;
}

/**
 * Prints a pull's progress as GET …/sync-runs/{runId} shows it (SyncProgress): on a terminal one line per CPO,
 * rewritten in place; otherwise a line every 3 s while a module is pulled and one when it ends.
 */
function progressPrinter(name: string): (module: string, progress: SyncProgress, status: string) => void {
  const tty = process.stdout.isTTY === true;
  let lastPrinted = 0;
  let lastModule = '';
  return (module, progress, status) => {
    const line = `   ${name}: ${progressLine(module, progress, status)}`;
    if (tty) {
      process.stdout.write(`\r\x1b[K${line}${status === 'RUNNING' ? '' : '\n'}`);
      return;
    }
    const now = Date.now();
    if (module !== lastModule) {
      lastModule = module;
      lastPrinted = now;
    }
    if (status !== 'RUNNING' || now - lastPrinted >= 3000) {
      log(line);
      lastPrinted = now;
    }
  };
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => exitWith(`Demo failed: ${error instanceof Error ? error.message : String(error)}`));
