/**
 * Benchmark (issue 16): the time from a Token block in the internal API (POST /api/v1/tokens/{type}/{uid}/block) to the
 * PATCH { valid: false, last_updated } landing at each simulated CPO's Tokens Receiver (mod_tokens 2.2.1 §PATCH
 * Method), through the token-push job queue (src/token-pushes, pg-boss). The simulated CPOs live in this process, so
 * one monotonic clock (performance.now()) times both ends: from the moment the API answered to the moment the
 * simulator accepted the PATCH (ReceivedTokenPush.receivedAtMs). Blocks are sent one at a time (the next after the
 * previous one reached every CPO).
 * Ceiling, same run: the same PATCH sent straight from here to each simulated CPO (no queue, no database), timed from
 * the send to the same arrival stamp.
 */
import { encodeBase64Authorization, startCpoSimulator, type CpoSimulator } from '../test/cpo-simulator';
import { authorizeWorker } from './authorize.bench';
import { createBenchDatabase, type BenchDatabase, type DatabaseKind } from './bench-database';
import { opsClient, type Connection } from './ops-client';
import { round } from './stats';

export interface TokenBlockOptions {
  cpos: number;
  tokens: number;
  blocks: number;
}

/** Latency percentiles, ms. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface TokenBlockResult {
  database: DatabaseKind;
  description: string;
  cpos: number;
  tokens: number;
  blocks: number;
  /** Blocks are sent one after the other. */
  concurrency: 1;
  /** API answered → PATCH accepted by the CPO, per CPO (in connection order) and over all. */
  perCpo: Percentiles[];
  overall: Percentiles;
  /** Bench sent the PATCH → accepted by the CPO, over all CPOs. */
  ceiling: Percentiles;
  /** Block API round trip (request sent → answered), ms. */
  api: Percentiles;
  /** overall p50 − ceiling p50, ms: what the queue (job write, wake-up, fetch, lease, Token read) adds. */
  queueAddsP50Ms: number;
}

/** Our party as the service's defaults name it (OCPI_COUNTRY_CODE, OCPI_PARTY_ID): the CPO keys our Tokens by it. */
const OUR_PARTY = 'NL/EMS';
const VERSION = '2.2.1';
const WAIT_MS = 30_000;

const uidOf = (i: number) => `BENCH-${String(i).padStart(7, '0')}`;

/** Simulated 2.2.1 CPOs with a tokens Receiver, a fresh database, the service in its own process, the CPOs registered. */
interface BenchSetup {
  simulators: CpoSimulator[];
  database: BenchDatabase;
  service: ReturnType<typeof authorizeWorker>;
  ready: { url: string; internalKey: string; opsKey: string };
}

/** Runs `body` on a fresh BenchSetup of `cpos` CPOs, then stops the service, the CPOs and drops the database. */
async function withSetup<T>(kind: DatabaseKind, cpos: number, body: (setup: BenchSetup) => Promise<T>): Promise<T> {
  const simulators: CpoSimulator[] = [];
  let database: BenchDatabase | undefined;
  let service: ReturnType<typeof authorizeWorker> | undefined;
  try {
    for (let c = 0; c < cpos; c++)
      simulators.push(
        await startCpoSimulator({
          version: VERSION,
          countryCode: 'NL',
          partyId: `BK${c}`,
          businessName: `Block bench CPO ${c}`,
          locations: [],
          tariffs: [],
          receivers: ['tokens'],
        }),
      );
    database = await createBenchDatabase(kind, process.env.DATABASE_URL);
    service = authorizeWorker();
    const ready = await service.ask({ type: 'start', databaseEnv: database.env }, 'ready');
    const ops = opsClient(ready.url, ready.opsKey);
    for (const [c, simulator] of simulators.entries())
      await ops<Connection>('POST', '/connections', { name: `Block bench CPO ${c}`, versions_url: simulator.versionsUrl, token_a: simulator.tokenA });
    return await body({ simulators, database, service, ready });
  } finally {
    if (service) await service.ask({ type: 'stop' }, 'stopped').catch(() => undefined);
    for (const simulator of simulators) await simulator.close();
    await database?.remove();
  }
}

/** Runs the token-block benchmark on one database kind. */
export async function benchTokenBlock(kind: DatabaseKind, options: TokenBlockOptions, log: (line: string) => void): Promise<TokenBlockResult> {
  return withSetup(kind, options.cpos, async ({ simulators, database, service, ready }) => {
    log(`  ${options.cpos} CPOs registered; writing ${options.tokens} Tokens, held by every CPO…`);
    const loaded = await service.ask({ type: 'load', count: options.tokens }, 'loaded');
    const held = await service.ask({ type: 'hold' }, 'held');
    if (held.rows !== loaded.tokens * options.cpos) throw new Error(`expected ${loaded.tokens * options.cpos} delivered rows, got ${held.rows}`);
    // Each CPO holds our Tokens as a PUT of each would leave them (mod_tokens 2.2.1 §PUT Method), sent from here.
    const lastUpdated = new Date().toISOString();
    const receivers = await receiversOf(simulators);
    const tokenOf = (uid: string, valid: boolean) => ourToken(uid, valid, lastUpdated);
    for (const receiver of receivers) {
      const uids = [...Array.from({ length: options.tokens }, (_, k) => uidOf(k + 1)), ...Array.from({ length: options.blocks }, (_, k) => `CEIL-${k + 1}`)];
      for (let from = 0; from < uids.length; from += 50)
        await Promise.all(
          uids.slice(from, from + 50).map((uid, k) => {
            const i = from + k + 1;
            return send(receiver, 'PUT', uid, tokenOf(uid, i > options.tokens || i % 10 !== 0));
          }),
        );
    }

    // Ceiling: the same PATCH straight to each CPO's Tokens Receiver, with the token the service calls it with.
    const ceiling: number[] = [];
    for (const [c, simulator] of simulators.entries()) {
      for (let i = 1; i <= options.blocks; i++) {
        const before = simulator.tokenPushes.length;
        const sentAt = performance.now();
        await send(receivers[c], 'PATCH', `CEIL-${i}`, { valid: false, last_updated: new Date().toISOString() });
        const push = simulator.tokenPushes[before];
        if (push?.path[2] !== `CEIL-${i}`) throw new Error(`ceiling PATCH of CEIL-${i} not recorded`);
        ceiling.push(push.receivedAtMs - sentAt);
      }
    }
    log(`  ceiling (PATCH straight to the CPO): ${describe(percentiles(ceiling))}`);

    // Blocks through the internal API, one at a time; valid Tokens spread over the set (every tenth is already blocked).
    const step = Math.max(1, Math.floor(options.tokens / options.blocks));
    const perCpo: number[][] = simulators.map(() => []);
    const api: number[] = [];
    for (let b = 0; b < options.blocks; b++) {
      let i = 1 + ((b * step) % options.tokens);
      if (i % 10 === 0) i = i === options.tokens ? i - 1 : i + 1;
      const uid = uidOf(i);
      const before = simulators.map((simulator) => simulator.tokenPushes.length);
      const sentAt = performance.now();
      const response = await fetch(`${ready.url}/api/v1/tokens/RFID/${uid}/block`, { method: 'POST', headers: { 'X-API-Key': ready.internalKey } });
      const answeredAt = performance.now();
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`block of ${uid}: HTTP ${response.status}`);
      api.push(answeredAt - sentAt);
      for (const [c, simulator] of simulators.entries()) {
        const push = await arrival(simulator, uid, before[c]);
        perCpo[c].push(push.receivedAtMs - answeredAt);
      }
    }
    const result: TokenBlockResult = {
      database: kind,
      description: database.description,
      cpos: options.cpos,
      tokens: loaded.tokens,
      blocks: options.blocks,
      concurrency: 1,
      perCpo: perCpo.map(percentiles),
      overall: percentiles(perCpo.flat()),
      ceiling: percentiles(ceiling),
      api: percentiles(api),
      queueAddsP50Ms: 0,
    };
    result.queueAddsP50Ms = round(result.overall.p50 - result.ceiling.p50, 2);
    result.perCpo.forEach((p, c) => log(`  block → PATCH at CPO ${c}: ${describe(p)}`));
    log(`  block → PATCH, all CPOs: ${describe(result.overall)}`);
    log(`  block API round trip: ${describe(result.api)}`);
    return result;
  });
}

export interface TokenImportOptions {
  cpos: number;
  tokens: number;
}

export interface TokenImportResult {
  database: DatabaseKind;
  description: string;
  cpos: number;
  tokens: number;
  /** First import request sent → every Token held by every CPO, ms (imports of at most MAX_IMPORT Tokens each, one after the other). */
  landedMs: number;
  /** The same PUTs sent straight from here to each CPO (all CPOs side by side, 4 at a time each: OCPI_MAX_CALLS_PER_CPO), ms. */
  ceilingMs: number;
  /** landedMs ÷ ceilingMs. */
  ratio: number;
  /** Job rows the pushes made, per token-push queue (pg-boss's job and archive tables). */
  jobs: Record<string, number>;
  /** PUTs the CPOs received per Token (1: none sent twice). */
  putsPerToken: number;
}

/** Largest import the internal API takes in one request (src/tokens/tokens.service.ts MAX_IMPORT). */
const MAX_IMPORT = 10_000;

/**
 * Benchmark (issue 16, bulk pushes): an import of `tokens` new Tokens through the internal API (POST
 * /api/v1/tokens/import), pushed to `cpos` simulated CPOs (PUT, mod_tokens 2.2.1 §PUT Method): the time until every
 * CPO holds every Token, and the job rows the pushes made. Ceiling, same run: the same PUTs sent straight from here.
 */
export async function benchTokenImport(kind: DatabaseKind, options: TokenImportOptions, log: (line: string) => void): Promise<TokenImportResult> {
  return withSetup(kind, options.cpos, async ({ simulators, database, service, ready }) => {
    const lastUpdated = new Date().toISOString();
    const receivers = await receiversOf(simulators);
    const ceilingStart = performance.now();
    await Promise.all(
      receivers.map(async (receiver) => {
        for (let from = 1; from <= options.tokens; from += 4)
          await Promise.all(
            Array.from({ length: Math.min(4, options.tokens - from + 1) }, (_, k) => {
              const uid = `CEIL-${from + k}`;
              return send(receiver, 'PUT', uid, ourToken(uid, true, lastUpdated));
            }),
          );
      }),
    );
    const ceilingMs = performance.now() - ceilingStart;
    log(`  ceiling (${options.tokens} PUTs straight to each CPO, 4 at a time): ${round(ceilingMs, 0)} ms`);

    const uids = Array.from({ length: options.tokens }, (_, k) => `IMP-${String(k + 1).padStart(7, '0')}`);
    const before = simulators.map((simulator) => simulator.tokenPushes.length);
    const start = performance.now();
    for (let from = 0; from < uids.length; from += MAX_IMPORT) {
      const body = uids.slice(from, from + MAX_IMPORT).map((uid) => ({ uid, type: 'RFID', contract_id: `NL-EMS-C${uid}`, issuer: 'Bench eMSP' }));
      const response = await fetch(`${ready.url}/api/v1/tokens/import`, {
        method: 'POST',
        headers: { 'X-API-Key': ready.internalKey, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const outcome = (await response.json()) as { created?: number };
      if (response.status !== 200 && response.status !== 201) throw new Error(`import: HTTP ${response.status}`);
      if (outcome.created !== body.length) throw new Error(`import: ${outcome.created} of ${body.length} created`);
    }
    const received = simulators.map(() => new Set<string>());
    const puts = simulators.map(() => 0);
    const deadline = performance.now() + 30 * 60_000;
    while (received.some((set) => set.size < options.tokens)) {
      for (const [c, simulator] of simulators.entries()) {
        for (let k = before[c]; k < simulator.tokenPushes.length; k++) {
          const uid = simulator.tokenPushes[k].path[2];
          if (!uid.startsWith('IMP-')) continue;
          received[c].add(uid);
          puts[c]++;
        }
        before[c] = simulator.tokenPushes.length;
      }
      if (performance.now() > deadline) throw new Error(`not every Token landed: ${received.map((set) => set.size).join(', ')} of ${options.tokens}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const landedMs = performance.now() - start;
    const { byQueue } = await service.ask({ type: 'jobs' }, 'jobs');
    const result: TokenImportResult = {
      database: kind,
      description: database.description,
      cpos: options.cpos,
      tokens: options.tokens,
      landedMs: round(landedMs, 0),
      ceilingMs: round(ceilingMs, 0),
      ratio: round(landedMs / ceilingMs, 2),
      jobs: byQueue,
      putsPerToken: round(puts.reduce((a, b) => a + b, 0) / (options.tokens * options.cpos), 3),
    };
    log(`  import → every Token at every CPO: ${result.landedMs} ms (${result.ratio} × the ceiling); ${result.putsPerToken} PUTs per Token and CPO`);
    log(
      `  job rows: ${
        Object.entries(byQueue)
          .map(([name, n]) => `${name} ${n}`)
          .join(', ') || 'none'
      }`,
    );
    return result;
  });
}

/** Each simulated CPO's Tokens Receiver, with the Authorization header the service calls it with. */
function receiversOf(simulators: CpoSimulator[]): Promise<Array<{ url: string; authorization: string }>> {
  return Promise.all(simulators.map(async (simulator) => ({ url: await tokensEndpoint(simulator), authorization: encodeBase64Authorization(simulator.registration.tokenForUs!) })));
}

/** Our Token `uid` as a PUT would leave it at a CPO (mod_tokens 2.2.1 §Token object), sent straight from the bench. */
function ourToken(uid: string, valid: boolean, lastUpdated: string): Record<string, unknown> {
  return { country_code: 'NL', party_id: 'EMS', uid, type: 'RFID', contract_id: `NL-EMS-C${uid}`, issuer: 'Bench eMSP', valid, whitelist: 'ALLOWED', last_updated: lastUpdated };
}

/** The PATCH of `uid` at `simulator` (pushes from index `from` on), once it arrived (polled every millisecond; the stamp is the simulator's own). */
async function arrival(simulator: CpoSimulator, uid: string, from: number): Promise<{ receivedAtMs: number }> {
  const deadline = performance.now() + WAIT_MS;
  for (;;) {
    for (let k = from; k < simulator.tokenPushes.length; k++) {
      const push = simulator.tokenPushes[k];
      if (push.method === 'PATCH' && push.path[2] === uid) {
        if (push.body.valid !== false) throw new Error(`PATCH of ${uid} without valid=false`);
        return push;
      }
    }
    if (performance.now() > deadline) throw new Error(`no PATCH of ${uid} within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A PUT or PATCH of our Token `uid` to a CPO's Tokens Receiver; throws unless it answered HTTP 200. */
async function send(receiver: { url: string; authorization: string }, method: 'PUT' | 'PATCH', uid: string, body: object): Promise<void> {
  const response = await fetch(`${receiver.url}/${OUR_PARTY}/${uid}?type=RFID`, {
    method,
    headers: { Authorization: receiver.authorization, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${method} of ${uid} to the simulated CPO: HTTP ${response.status}`);
}

/** The simulator's Tokens Receiver URL, from its version details (mod_versions §Version details). */
async function tokensEndpoint(simulator: CpoSimulator): Promise<string> {
  const headers = { Authorization: encodeBase64Authorization(simulator.registration.tokenForUs!) };
  const versions = (await (await fetch(simulator.versionsUrl, { headers })).json()) as { data: Array<{ version: string; url: string }> };
  const url = versions.data.find((v) => v.version === VERSION)?.url;
  if (!url) throw new Error(`the simulator lists no version ${VERSION}`);
  const details = (await (await fetch(url, { headers })).json()) as { data: { endpoints: Array<{ identifier: string; role: string; url: string }> } };
  const endpoint = details.data.endpoints.find((e) => e.identifier === 'tokens' && e.role === 'RECEIVER');
  if (!endpoint) throw new Error('the simulator lists no tokens Receiver');
  return endpoint.url;
}

/** Nearest-rank percentiles of `values`, ms, two decimals. */
function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))], 2);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1], 2) };
}

function describe(p: Percentiles): string {
  return `p50 ${p.p50} ms, p95 ${p.p95} ms, p99 ${p.p99} ms, max ${p.max} ms`;
}
