/**
 * Child process of the console benchmark (forked by console.bench.ts). Starts the service, writes N connections (each
 * with a party, 40 pulls over 10 days, pushes per hour over the last day) and M call-log entries (spread over the last
 * 30 days and across the connections, URLs and bodies naming Location ids) straight into the database with
 * INSERT … SELECT over generate_series, logs in to the console with the operations key (its session cookie), then
 * times each of the console's heaviest pages over HTTP, one request at a time: p50 and p99. The ceiling, measured in
 * the same run and the same process: a bare Fastify route answering that page's bytes, rendered once beforehand (same
 * size, no query, no rendering). Reports over IPC; never prints.
 */
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { DataSource } from 'typeorm';
import { loadEnvironment } from '../src/config/env.validation';
import { RunningService, startService } from '../src/service';
import { round } from './stats';

export interface ConsoleWorkerRequest {
  databaseEnv: Record<string, string>;
  connections: number;
  callLog: number;
  /** Timed requests per page (after 3 untimed ones). */
  requests: number;
}

/** One page's figures: its size, the page's and the ceiling's latencies (ms). */
export interface ConsolePageFigures {
  name: string;
  path: string;
  /** The HTTP status the page answered (200 expected; another status is reported, not timed). */
  status: number;
  bytes: number;
  p50Ms: number;
  p99Ms: number;
  ceilingP50Ms: number;
  ceilingP99Ms: number;
}

export type ConsoleWorkerMessage = { type: 'result'; result: { seedMs: number; pages: ConsolePageFigures[] } } | { type: 'error'; message: string };

function send(message: ConsoleWorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

/** The value at fraction `q` of the sorted samples (nearest rank). */
function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function seed(db: DataSource, connections: number, callLog: number): Promise<{ firstConnection: string; objectId: string }> {
  // Connections BENCH 1…N, each with its own party (NL*hex), registered a month ago.
  await db.query(
    `INSERT INTO cpo_connection (name, status, their_versions_url, registered_at)
     SELECT 'BENCH CPO ' || lpad(i::text, 4, '0'), 'REGISTERED', 'http://127.0.0.1:9/cpo-' || i || '/versions', now() - interval '30 days'
     FROM generate_series(1, $1::int) AS i`,
    [connections],
  );
  await db.query(
    `INSERT INTO connection_party (connection_id, role, country_code, party_id)
     SELECT id, 'CPO', 'NL', upper(lpad(to_hex(row_number() OVER (ORDER BY name)::int), 3, '0')) FROM cpo_connection`,
  );
  // Per connection and module, 10 pulls over the last 10 days, every fifth FAILED.
  await db.query(
    `INSERT INTO sync_run (connection_id, module, status, started_at, finished_at, pages, objects_received, objects_stored, error)
     SELECT c.id, m.module, CASE WHEN d % 5 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END, now() - d * interval '1 day', now() - d * interval '1 day' + interval '40 seconds',
       10, 1000, 1000, CASE WHEN d % 5 = 0 THEN 'HTTP 503 from the CPO' END
     FROM cpo_connection c, (VALUES ('tariffs'), ('locations'), ('sessions'), ('cdrs')) AS m(module), generate_series(0, 9) AS d`,
  );
  // Pushes per hour over the last day.
  await db.query(
    `INSERT INTO push_hourly (connection_id, hour, module, result, count)
     SELECT c.id, date_trunc('hour', now()) - h * interval '1 hour', 'locations', 'ACCEPTED', 50 + h
     FROM cpo_connection c, generate_series(0, 23) AS h`,
  );
  // The call log: failed calls both ways, newest last, each naming a Location id (LOC-0 … LOC-99999).
  await db.query(
    `INSERT INTO ocpi_call_log (connection_id, direction, module, method, url, kind, http_status, ocpi_status, duration_ms, request_body, response_body, explanation, created_at)
     SELECT c.id, CASE WHEN i % 3 = 0 THEN 'INCOMING' ELSE 'OUTGOING' END, 'locations',
       CASE WHEN i % 3 = 0 THEN 'PUT' ELSE 'GET' END,
       'https://cpo-' || (i % $2::int) || '.example/ocpi/2.2.1/locations/NL/BEN/LOC-' || (i % 100000),
       CASE WHEN i % 3 = 0 THEN 'REJECTED_BY_US' ELSE 'HTTP_ERROR' END, CASE WHEN i % 3 = 0 THEN 400 ELSE 503 END, CASE WHEN i % 3 = 0 THEN 2001 ELSE 3000 END, 120,
       CASE WHEN i % 3 = 0 THEN '{"id":"LOC-' || (i % 100000) || '","country_code":"NL","party_id":"BEN"}' END,
       '{"status_code":' || CASE WHEN i % 3 = 0 THEN 2001 ELSE 3000 END || ',"status_message":"bench"}',
       'The CPO answered HTTP 503', now() - (($1::int - i) * (30 * 86400.0 / $1::int)) * interval '1 second'
     FROM generate_series(1, $1::int) AS i
     JOIN (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM cpo_connection) AS c ON c.n = i % $2::int`,
    [callLog, connections],
  );
  await db.query('ANALYZE');
  const [{ id }] = await db.query<Array<{ id: string }>>(`SELECT id FROM cpo_connection ORDER BY name LIMIT 1`);
  return { firstConnection: id, objectId: 'LOC-4242' };
}

/** Times `count` sequential GETs of `url` (after 3 untimed ones); returns the samples (ms), the status and body of the last. */
async function time(url: string, headers: Record<string, string>, count: number): Promise<{ samples: number[]; status: number; body: Buffer }> {
  let status = 0;
  let body = Buffer.alloc(0);
  const samples: number[] = [];
  for (let i = 0; i < count + 3; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { headers, redirect: 'manual' });
    body = Buffer.from(await response.arrayBuffer());
    status = response.status;
    if (i >= 3) samples.push(performance.now() - t0);
  }
  return { samples, status, body };
}

async function run(request: ConsoleWorkerRequest): Promise<void> {
  const operationsKey = `ops-${randomBytes(12).toString('hex')}`;
  const env = loadEnvironment({
    ...request.databaseEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SYNC_INTERVAL_MINUTES: '0',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    OPERATIONS_API_KEY: operationsKey,
    INTERNAL_API_KEY: `int-${randomBytes(12).toString('hex')}`,
    FINANCE_API_KEY: `fin-${randomBytes(12).toString('hex')}`,
  });
  let service: RunningService | undefined;
  const bare = Fastify({ logger: false });
  try {
    service = await startService(env);
    const db = service.app.get(DataSource);
    const t0 = performance.now();
    const { firstConnection, objectId } = await seed(db, request.connections, request.callLog);
    const seedMs = performance.now() - t0;

    const login = await fetch(`${service.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: service.url },
      body: new URLSearchParams({ key: operationsKey, next: '/console/connections' }).toString(),
    });
    const cookie = /console_session=[^;]*/.exec(login.headers.get('set-cookie') ?? '')?.[0];
    if (login.status !== 303 || !cookie) throw new Error(`console login answered HTTP ${login.status}`);
    const headers = { Cookie: cookie };

    const pages: Array<{ name: string; path: string }> = [
      { name: 'connections list', path: '/console/connections' },
      { name: 'health (every CPO)', path: '/console/health' },
      { name: 'health of one CPO', path: `/console/health/${firstConnection}` },
      { name: 'call log, first page', path: '/console/call-log' },
      { name: 'call log by CPO', path: `/console/call-log?connection_id=${firstConnection}` },
      { name: 'call log by object id', path: `/console/call-log?object_id=${objectId}` },
    ];
    const rendered = new Map<string, Buffer>();
    bare.get('/bare/:index', (req, reply) => reply.type('text/html; charset=utf-8').send(rendered.get((req.params as { index: string }).index)));
    const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

    const figures: ConsolePageFigures[] = [];
    for (const [index, page] of pages.entries()) {
      const measured = await time(`${service.url}${page.path}`, headers, request.requests);
      rendered.set(String(index), measured.body);
      const ceiling = await time(`${bareUrl}/bare/${index}`, {}, request.requests);
      figures.push({
        name: page.name,
        path: page.path,
        status: measured.status,
        bytes: measured.body.length,
        p50Ms: round(quantile(measured.samples, 0.5), 2),
        p99Ms: round(quantile(measured.samples, 0.99), 2),
        ceilingP50Ms: round(quantile(ceiling.samples, 0.5), 2),
        ceilingP99Ms: round(quantile(ceiling.samples, 0.99), 2),
      });
    }
    await send({ type: 'result', result: { seedMs: round(seedMs), pages: figures } });
  } finally {
    await bare.close();
    await service?.stop();
  }
}

process.once('message', (request: ConsoleWorkerRequest) => {
  run(request)
    .then(() => process.exit(0))
    .catch(async (error: unknown) => {
      await send({ type: 'error', message: (error as Error).stack ?? String(error) });
      process.exit(1);
    });
});
