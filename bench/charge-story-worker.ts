/**
 * Child process of the charge-story benchmark (forked by charge-story.bench.ts). Starts the service, writes a month of
 * one busy CPO straight into the database (N Sessions spread over 30 days, each with 4 applied updates in
 * session_event, its CDR priced, a real-time authorization, a START_SESSION command for every third, every CDR on one
 * imported invoice), then times GET /api/v1/operations/charge-story one request at a time for each key kind, beside
 * the ceiling: the same HTTP stack (operations guard, Nest, Fastify) answering a bare primary-key lookup,
 * GET …/connections/{id}/sync-runs/{runId}. Reports over IPC; never prints.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadEnvironment } from '../src/config/env.validation';
import { RunningService, startService } from '../src/service';
import { round } from './stats';

export interface StoryWorkerRequest {
  databaseEnv: Record<string, string>;
  sessions: number;
  requests: number;
}

/** Latency of one kind of request, milliseconds. */
export interface StoryLatency {
  name: string;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Events in the answer's story (median), or charges listed for a busy token. */
  items: number;
}

export type StoryWorkerMessage =
  { type: 'result'; result: { seedMs: number; rows: Record<string, number>; latencies: StoryLatency[]; ceiling: StoryLatency } } | { type: 'error'; message: string };

function send(message: StoryWorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

/** Sessions that have a token of their own (the rest share 20,000 tokens: a busy token has several charges). */
const OWN_TOKEN_SESSIONS = 1000;

async function seed(db: DataSource, n: number): Promise<{ connectionId: string; runId: string }> {
  const [{ id: connectionId }] = await db.query(
    `INSERT INTO cpo_connection (name, status, their_versions_url) VALUES ('Busy CPO', 'REGISTERED', 'http://127.0.0.1:9/versions') RETURNING id`,
  );
  await db.query(`INSERT INTO connection_party (connection_id, role, country_code, party_id) VALUES ($1, 'CPO', 'NL', 'BSY')`, [connectionId]);
  const [{ id: runId }] = await db.query(
    `INSERT INTO sync_run (connection_id, module, status, window_requested, started_at, finished_at, pages, pages_reread, objects_received, objects_stored, objects_rejected, deviations)
     VALUES ($1, 'sessions', 'SUCCEEDED', false, now(), now(), 1, 0, 1, 1, 0, 0) RETURNING id`,
    [connectionId],
  );
  // Session i starts at 2026-11-01 + i × (30 days / n); its token, reference, Location follow from i.
  const series = `FROM generate_series(1, $2::int) AS i, LATERAL (SELECT timestamptz '2026-11-01T00:00:00Z' + i * (interval '30 days' / $2::int) AS t,
    CASE WHEN i <= ${OWN_TOKEN_SESSIONS} THEN 'OWN-' || i ELSE 'TOK-' || (i % 20000) END AS uid) AS s`;
  await db.query(
    `INSERT INTO session (connection_id, ocpi_version, source, country_code, party_id, ocpi_id, status, start_date_time, end_date_time, kwh, currency,
       token_uid, contract_id, location_id, evse_uid, connector_id, content_hash, mapped, raw, last_updated, first_received_at, changed_at)
     SELECT $1, '2.2.1', 'PUSH', 'NL', 'BSY', 'S-' || i, 'COMPLETED', t, t + interval '90 minutes', 22.5, 'EUR', uid, 'NL-BSY-C' || uid,
       'LOC-' || (i % 2000), 'EVSE-' || (i % 2000), '1', md5(i::text),
       jsonb_build_object('id', 'S-' || i, 'authorization_reference', 'REF-' || i, 'status', 'COMPLETED'),
       jsonb_build_object('country_code', 'NL', 'party_id', 'BSY', 'id', 'S-' || i, 'status', 'COMPLETED', 'kwh', 22.5, 'authorization_reference', 'REF-' || i,
         'cdr_token', jsonb_build_object('uid', uid, 'type', 'RFID'), 'location_id', 'LOC-' || (i % 2000), 'evse_uid', 'EVSE-' || (i % 2000), 'connector_id', '1'),
       t + interval '90 minutes', t, t + interval '90 minutes'
     ${series}`,
    [connectionId, n],
  );
  await db.query(
    `INSERT INTO session_event (session_row_id, connection_id, source, change, status, kwh, last_updated, raw, received_at)
     SELECT s.id, s.connection_id, 'PUSH', CASE WHEN k = 0 THEN 'CREATED' ELSE 'UPDATED' END, CASE WHEN k = 3 THEN 'COMPLETED' ELSE 'ACTIVE' END,
       k * 7.5, s.start_date_time + k * interval '30 minutes', s.raw || jsonb_build_object('kwh', k * 7.5), s.start_date_time + k * interval '30 minutes'
     FROM session s, generate_series(0, 3) AS k WHERE s.connection_id = $1`,
    [connectionId],
  );
  await db.query(
    `INSERT INTO cdr (connection_id, ocpi_version, source, country_code, party_id, ocpi_id, content_hash, raw, mapped, start_date_time, end_date_time,
       location_id, evse_uid, connector_id, currency, stated_before_taxes, stated_after_taxes, total_energy, last_updated, received_at,
       computed_before_taxes, computed_after_taxes, difference_before_taxes, difference_after_taxes, exact, priced_with, recomputed_at, recomputation)
     SELECT $1, '2.2.1', 'PUSH', 'NL', 'BSY', 'CDR-' || i, md5(i::text), jsonb_build_object('id', 'CDR-' || i, 'session_id', 'S-' || i, 'total_energy', 22.5),
       jsonb_build_object('session_id', 'S-' || i, 'authorization_reference', 'REF-' || i, 'cdr_token', jsonb_build_object('uid', uid)),
       t, t + interval '90 minutes', 'LOC-' || (i % 2000), 'EVSE-' || (i % 2000), '1', 'EUR', 9.00, 10.89, 22.5, t + interval '95 minutes', t + interval '95 minutes',
       9.00, 10.89, 0, 0, true, 'CDR_TARIFFS', t + interval '96 minutes', '{"periods": []}'::jsonb
     ${series}`,
    [connectionId, n],
  );
  await db.query(
    `INSERT INTO token_authorization (token_uid, token_type, connection_id, ocpi_version, location_id, evse_uids, allowed, authorization_reference, answered_at)
     SELECT uid, 'RFID', $1, '2.2.1', 'LOC-' || (i % 2000), ARRAY['EVSE-' || (i % 2000)], 'ALLOWED', 'REF-' || i, t - interval '1 minute'
     ${series}`,
    [connectionId, n],
  );
  await db.query(
    `INSERT INTO command (id, connection_id, ocpi_version, command, request, token_uid, token_type, authorization_reference, state, response, response_timeout,
       responded_at, result, result_at, created_at, updated_at)
     SELECT gen_random_uuid(), $1, '2.2.1', 'START_SESSION', jsonb_build_object('command', 'START_SESSION', 'location_id', 'LOC-' || (i % 2000)), uid, 'RFID',
       'REF-' || i, 'ACCEPTED', 'ACCEPTED', 30, t - interval '58 seconds', 'ACCEPTED', t - interval '50 seconds', t - interval '59 seconds', t - interval '50 seconds'
     ${series} WHERE i % 3 = 0`,
    [connectionId, n],
  );
  const mapping = { delimiter: ',', decimal_separator: '.', line_per: 'CDR', currency: 'EUR', columns: { cdr_id: 'cdr', amount_excl_vat: 'net' } };
  const [{ id: invoiceId }] = await db.query(
    `INSERT INTO invoice (connection_id, invoice_number, content_hash, period_from, period_to, mapping, line_count, imported_at)
     VALUES ($1, 'BUSY-2026-11', md5('busy'), '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', $2::jsonb, $3, '2026-12-02T00:00:00Z') RETURNING id`,
    [connectionId, JSON.stringify(mapping), n],
  );
  await db.query(
    `INSERT INTO invoice_line (invoice_id, line_no, cdr_ref, session_ref, amount_excl_vat, currency, raw)
     SELECT $1, i + 1, 'CDR-' || i, 'S-' || i, 9.00, 'EUR', jsonb_build_object('cdr', 'CDR-' || i, 'net', '9.00') FROM generate_series(1, $2::int) AS i`,
    [invoiceId, n],
  );
  await db.query('ANALYZE');
  return { connectionId, runId };
}

/** What the benchmark reads of an answer (charge-story.model.ts ChargeStoryAnswer). */
interface StoryBody {
  charges: unknown[];
  story: { events: unknown[] } | null;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function time(name: string, count: number, path: (k: number) => string, items: (body: StoryBody) => number, get: (p: string) => Promise<StoryBody>): Promise<StoryLatency> {
  for (let k = 0; k < Math.min(20, count); k++) await get(path(k)); // warm-up
  const ms: number[] = [];
  const counted: number[] = [];
  for (let k = 0; k < count; k++) {
    const t0 = performance.now();
    const body = await get(path(k + 20));
    ms.push(performance.now() - t0);
    counted.push(items(body));
  }
  ms.sort((a, b) => a - b);
  counted.sort((a, b) => a - b);
  return { name, requests: count, p50Ms: round(percentile(ms, 50), 2), p99Ms: round(percentile(ms, 99), 2), items: counted[Math.floor(counted.length / 2)] };
}

async function run(request: StoryWorkerRequest): Promise<void> {
  const opsKey = `ops-${randomBytes(12).toString('hex')}`;
  const env = loadEnvironment({
    ...request.databaseEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SYNC_INTERVAL_MINUTES: '0',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    OPERATIONS_API_KEY: opsKey,
    INTERNAL_API_KEY: `int-${randomBytes(12).toString('hex')}`,
    FINANCE_API_KEY: `fin-${randomBytes(12).toString('hex')}`,
  });
  let service: RunningService | undefined;
  try {
    service = await startService(env);
    const db = service.app.get(DataSource);
    const t0 = performance.now();
    const n = request.sessions;
    const { connectionId, runId } = await seed(db, n);
    const seedMs = performance.now() - t0;
    const rows: Record<string, number> = {};
    for (const table of ['session', 'session_event', 'cdr', 'token_authorization', 'command', 'invoice_line']) {
      rows[table] = (await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
    }
    const base = service.url;
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, { headers: { 'X-API-Key': opsKey } });
      const body = (await response.json()) as StoryBody;
      if (response.status !== 200) throw new Error(`GET ${path} answered HTTP ${response.status}: ${JSON.stringify(body)}`);
      return body;
    };
    // A spread of charges over the month (a fixed stride: the same charges every run).
    const pick = (k: number) => 1 + ((k * 7919) % n);
    const own = (k: number) => 1 + ((k * 7919) % OWN_TOKEN_SESSIONS);
    const shared = (k: number) => OWN_TOKEN_SESSIONS + 1 + ((k * 7919) % (n - OWN_TOKEN_SESSIONS));
    const story = '/api/v1/operations/charge-story';
    const events = (b: StoryBody) => (b.story ? b.story.events.length : 0);
    const latencies = [
      await time('session_id', request.requests, (k) => `${story}?session_id=S-${pick(k)}`, events, get),
      await time('cdr_id', request.requests, (k) => `${story}?cdr_id=CDR-${pick(k)}`, events, get),
      await time('authorization_reference', request.requests, (k) => `${story}?authorization_reference=REF-${pick(k)}`, events, get),
      await time('token_uid (one charge)', request.requests, (k) => `${story}?token_uid=OWN-${own(k)}`, events, get),
      await time(
        'token_uid (busy: charges listed)',
        request.requests,
        (k) => `${story}?token_uid=TOK-${shared(k) % 20000}`,
        (b) => b.charges.length,
        get,
      ),
    ];
    const ceiling = await time(
      'ceiling: bare primary-key lookup',
      request.requests,
      () => `/api/v1/operations/connections/${connectionId}/sync-runs/${runId}`,
      () => 1,
      get,
    );
    await send({ type: 'result', result: { seedMs: round(seedMs), rows, latencies, ceiling } });
  } finally {
    await service?.stop();
  }
}

process.once('message', (request: StoryWorkerRequest) => {
  run(request)
    .then(() => process.exit(0))
    .catch(async (error: unknown) => {
      await send({ type: 'error', message: (error as Error).stack ?? String(error) });
      process.exit(1);
    });
});
