/**
 * Child process of the authorization benchmark: the service (as api-worker.ts starts it), plus two bench-only
 * requests over IPC: `load` writes `count` Tokens straight with SQL (one INSERT … SELECT over generate_series, change
 * numbers drawn as the service draws them) and waits until the service's in-memory copy holds them; `measure` drops
 * that copy and loads it again, the JS heap's difference after full GCs (--expose-gc) plus the bytes of the typed arrays
 * the Tokens are packed into (outside the heap) being the memory the Token set holds;
 * `hold` (token-block bench) marks every Token delivered to every connection; `jobs` (token-import bench) counts the
 * job rows of the token-push queues, waiting, done or archived.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadEnvironment } from '../src/config/env.validation';
import { RunningService, startService } from '../src/service';
import { TokenCache } from '../src/tokens/token-cache';

export type AuthorizeWorkerMessage =
  | { type: 'ready'; url: string; internalKey: string; opsKey: string }
  | { type: 'loaded'; tokens: number; ms: number }
  | { type: 'measured'; tokens: number; loadMs: number; heapMiB: number; arrayBuffersMiB: number; rssMiB: number }
  | { type: 'cpu'; micros: number }
  | { type: 'held'; rows: number }
  | { type: 'jobs'; byQueue: Record<string, number> }
  | { type: 'stopped'; maxRssMiB: number }
  | { type: 'error'; message: string };

const toMiB = (bytes: number) => Math.round(bytes / 1024 / 1024);
let service: RunningService | undefined;

function send(message: AuthorizeWorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

async function start(databaseEnv: Record<string, string>): Promise<void> {
  const env = loadEnvironment({
    ...databaseEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SYNC_INTERVAL_MINUTES: '0',
    // The limiter runs on every authorization in production (OCPI_RATE_LIMIT_PER_MINUTE, 60,000 by default): here one
    // CPO sends them all, so a limit it never reaches keeps the limiter's cost without its refusals.
    OCPI_RATE_LIMIT_PER_MINUTE: String(1_000_000_000),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    OPERATIONS_API_KEY: `ops-${randomBytes(12).toString('hex')}`,
    INTERNAL_API_KEY: `int-${randomBytes(12).toString('hex')}`,
    FINANCE_API_KEY: `fin-${randomBytes(12).toString('hex')}`,
  });
  service = await startService(env);
  await send({ type: 'ready', url: service.url, internalKey: env.INTERNAL_API_KEY, opsKey: env.OPERATIONS_API_KEY });
}

/** `count` RFID Tokens BENCH-0000001…, a tenth of them blocked, in groups of 1,000. */
async function load(count: number): Promise<void> {
  const t0 = performance.now();
  const db = service!.app.get(DataSource);
  for (let from = 1; from <= count; from += 100_000) {
    const to = Math.min(count, from + 99_999);
    await db.query(
      `INSERT INTO token (uid, type, contract_id, issuer, group_id, valid, whitelist, last_updated, change_seq)
       SELECT 'BENCH-' || lpad(i::text, 7, '0'), 'RFID', 'NL-BEN-C' || lpad(i::text, 9, '0'), 'Bench eMSP', 'G' || (i / 1000), i % 10 <> 0, 'ALLOWED',
         now(), nextval('token_change_seq')
       FROM generate_series($1::int, $2::int) AS i`,
      [from, to],
    );
  }
  const cache = service!.app.get(TokenCache);
  while (cache.size < count) await new Promise((resolve) => setTimeout(resolve, 100));
  await send({ type: 'loaded', tokens: cache.size, ms: Math.round(performance.now() - t0) });
}

/**
 * Token-block bench: records every Token as already delivered to every connection (token_push.delivered_seq), as if
 * each CPO had received them all, so that a block goes to each as a PATCH (TokenPushes.record). The bench seeds the
 * simulated CPOs' copies itself.
 */
async function hold(): Promise<void> {
  const db = service!.app.get(DataSource);
  await db.query(
    `INSERT INTO token_push (connection_id, token_type, token_uid_lower, token_uid, delivered_seq, delivered_at)
     SELECT c.id, t.type, lower(t.uid), t.uid, t.change_seq, now() FROM token t CROSS JOIN cpo_connection c`,
  );
  const [{ n }]: Array<{ n: string }> = await db.query(`SELECT count(*) AS n FROM token_push WHERE delivered_seq IS NOT NULL`);
  await send({ type: 'held', rows: Number(n) });
}

async function jobs(): Promise<void> {
  const db = service!.app.get(DataSource);
  const rows: Array<{ name: string; n: string }> = await db.query(
    `SELECT name, count(*) AS n FROM (SELECT name FROM pgboss.job UNION ALL SELECT name FROM pgboss.archive) j WHERE name LIKE 'token-push%' GROUP BY name ORDER BY name`,
  );
  await send({ type: 'jobs', byQueue: Object.fromEntries(rows.map((r) => [r.name, Number(r.n)])) });
}

async function measure(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const cache = service!.app.get(TokenCache);
  let heapWithout = 0;
  const stats = await cache.reload(() => {
    gc();
    heapWithout = process.memoryUsage().heapUsed;
  });
  gc();
  const memory = process.memoryUsage();
  await send({
    type: 'measured',
    tokens: stats.tokens,
    loadMs: stats.ms,
    heapMiB: toMiB(memory.heapUsed - heapWithout),
    // The packed Token set's typed arrays live outside the JS heap; counted by their lengths (process.memoryUsage's
    // arrayBuffers lags: a dropped array's memory is given back only when its sweep has run).
    arrayBuffersMiB: toMiB(cache.packedBytes),
    rssMiB: toMiB(memory.rss),
  });
}

const fail = (error: unknown) => send({ type: 'error', message: (error as Error).stack ?? String(error) });

process.on(
  'message',
  (
    message:
      | { type: 'start'; databaseEnv: Record<string, string> }
      | { type: 'load'; count: number }
      | { type: 'hold' }
      | { type: 'jobs' }
      | { type: 'measure' }
      | { type: 'cpu' }
      | { type: 'stop' },
  ) => {
    if (message.type === 'start') {
      start(message.databaseEnv).catch(async (error: unknown) => {
        await fail(error);
        process.exit(1);
      });
    } else if (message.type === 'load') {
      load(message.count).catch(fail);
    } else if (message.type === 'hold') {
      hold().catch(fail);
    } else if (message.type === 'jobs') {
      jobs().catch(fail);
    } else if (message.type === 'measure') {
      measure().catch(fail);
    } else if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      void send({ type: 'cpu', micros: user + system });
    } else {
      void (async () => {
        await service?.stop();
        await send({ type: 'stopped', maxRssMiB: toMiB(process.resourceUsage().maxRSS * 1024) });
        process.exit(0);
      })();
    }
  },
);
