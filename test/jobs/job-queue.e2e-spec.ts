/**
 * The job queue (src/jobs, pg-boss) as two instances of the service use it: two JobQueues on one migrated database
 * (PGlite through its socket by default, PostgreSQL with DATABASE_URL), working the same queue.
 */
import { fork } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { JobContext, JobQueue } from '../../src/jobs/job-queue';
import { defineQueue } from '../../src/jobs/queue-definition';
import { createTestDatabase, TestDatabase, withClient } from '../support/test-database';

let database: TestDatabase;
beforeAll(async () => {
  // Outside a Nest application nothing sets the log level: the queue's expected warnings would only clutter the output.
  Logger.overrideLogger(false);
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

async function startQueue(): Promise<JobQueue> {
  const queue = new JobQueue(database.url);
  await queue.onModuleInit();
  return queue;
}

/** Polls `probe` until it returns a value (not undefined); throws after `timeoutMs` (a deadline, not a measurement). */
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function jobStates(queue: string): Promise<Array<{ state: string; n: number }>> {
  return withClient(
    database.url,
    async (c) => (await c.query(`SELECT state::text AS state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state ORDER BY state`, [queue])).rows,
  );
}

describe('the job queue shared by two instances', () => {
  it('each of 30 jobs sent by either instance is worked exactly once, never by both at once', async () => {
    const numbers = defineQueue<{ n: number }>({ name: 'test-numbers', policy: 'standard', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 });
    const [a, b] = [await startQueue(), await startQueue()];
    const runs: Array<{ n: number; by: string }> = [];
    const running = new Set<number>();
    const overlaps: number[] = [];
    const worker =
      (by: string) =>
      async ({ n }: { n: number }) => {
        if (running.has(n)) overlaps.push(n);
        running.add(n);
        await new Promise((resolve) => setImmediate(resolve));
        runs.push({ n, by });
        running.delete(n);
      };
    try {
      await a.work(numbers, worker('a'));
      await b.work(numbers, worker('b'));
      for (let n = 0; n < 30; n++) expect(await (n % 2 ? a : b).send(numbers, { n })).toEqual(expect.any(String));
      await until('30 jobs worked', () => (runs.length >= 30 ? runs : undefined));
      expect(
        await until('every job completed', async () => {
          const states = await jobStates(numbers.name);
          return states.length === 1 ? states : undefined;
        }),
      ).toEqual([{ state: 'completed', n: 30 }]);
    } finally {
      await a.beforeApplicationShutdown();
      await b.beforeApplicationShutdown();
    }
    expect(runs.map((r) => r.n).sort((x, y) => x - y)).toEqual([...Array(30).keys()]);
    expect(overlaps).toEqual([]);
  });

  it('a `short` queue keeps one waiting job per singletonKey: a second send while it waits is dropped (null)', async () => {
    const keyed = defineQueue<{ n: number }>({ name: 'test-keyed', policy: 'short', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 });
    const a = await startQueue();
    try {
      // Nobody works this queue here: the first job waits.
      expect(await a.send(keyed, { n: 1 }, { singletonKey: 'k' })).toEqual(expect.any(String));
      expect(await a.send(keyed, { n: 2 }, { singletonKey: 'k' })).toBeNull();
      expect(await a.send(keyed, { n: 3 }, { singletonKey: 'other' })).toEqual(expect.any(String));
      expect(await jobStates(keyed.name)).toEqual([{ state: 'created', n: 2 }]);
    } finally {
      await a.beforeApplicationShutdown();
    }
  });

  it('an instance that stops while working a job tells it to stop (its signal), the job is retried and the other instance finishes it', async () => {
    const slow = defineQueue<{ n: number }>({ name: 'test-slow', policy: 'standard', retryLimit: 2, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 });
    const first = await startQueue();
    const seen: Array<{ by: string; retryCount: number; aborted?: boolean }> = [];
    let started!: () => void;
    const isRunning = new Promise<void>((resolve) => (started = resolve));
    await first.work(slow, async (_data, job: JobContext) => {
      started();
      // A call that waits for the CPO until cancelled, as the healing GET does when the service stops.
      await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
      seen.push({ by: 'first', retryCount: job.retryCount, aborted: job.signal.aborted });
      throw new Error('cancelled: the service is stopping');
    });
    await first.send(slow, { n: 1 });
    await isRunning;
    await first.beforeApplicationShutdown();
    expect(seen).toEqual([{ by: 'first', retryCount: 0, aborted: true }]);
    expect(await jobStates(slow.name)).toEqual([{ state: 'retry', n: 1 }]);

    const second = await startQueue();
    try {
      await second.work(slow, (_data, job) => {
        seen.push({ by: 'second', retryCount: job.retryCount });
        return Promise.resolve();
      });
      await until('the retry to complete', async () => ((await jobStates(slow.name))[0]?.state === 'completed' ? true : undefined));
    } finally {
      await second.beforeApplicationShutdown();
    }
    expect(seen).toEqual([
      { by: 'first', retryCount: 0, aborted: true },
      { by: 'second', retryCount: 1 },
    ]);
  });

  it('a process whose queue has worked a job and stopped exits by itself: the queue leaves no timer, socket or interval behind', async () => {
    const child = fork(join(__dirname, 'support/queue-process-main.ts'), [database.url], {
      execArgv: ['-r', join(__dirname, '../support/swc-register.cjs')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const messages: unknown[] = [];
    child.on('message', (m) => messages.push(m));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // A deadline, not a measurement: a process held alive by a leftover interval never exits.
      expect(await until('the process to exit', () => (child.exitCode !== null ? child.exitCode : undefined), 30_000)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    }
    expect(messages).toEqual(['stopped']);
  });
  it('three instances creating the same new queues at once all succeed (pg-boss creates a queue with DDL that can deadlock)', async () => {
    const names = [...Array(6).keys()].map((i) => `test-created-together-${i}`);
    const definitions = names.map((name) =>
      defineQueue<{ n: number }>({ name, policy: 'standard', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 }),
    );
    const queues = await Promise.all([startQueue(), startQueue(), startQueue()]);
    try {
      // Each instance sends to every queue in its own order, all at the same time: the first send creates the queue.
      const orders = [definitions, [...definitions].reverse(), [...definitions.slice(3), ...definitions.slice(0, 3)]];
      const sent = await Promise.allSettled(queues.flatMap((queue, i) => orders[i].map((definition) => queue.send(definition, { n: i }))));
      expect(sent.filter((s) => s.status === 'rejected').map((s) => String(s.reason))).toEqual([]);
      const created = await withClient(database.url, async (c) => (await c.query(`SELECT name FROM pgboss.queue WHERE name = ANY($1) ORDER BY name`, [names])).rows);
      expect(created.map((r) => r.name)).toEqual(names);
      for (const name of names) expect(await jobStates(name)).toEqual([{ state: 'created', n: 3 }]);
    } finally {
      await Promise.all(queues.map((queue) => queue.beforeApplicationShutdown()));
    }
  });
});

describe('a deferred start (JobQueueStart, the demo): some queues worked at once, the others once the deferral ends', () => {
  it('a job of a deferred queue waits, stored, until the deferral ends, while a queue worked at once works its job; then it is worked', async () => {
    const atOnce = defineQueue<{ n: number }>({ name: 'test-at-once', policy: 'standard', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 });
    const later = defineQueue<{ n: number }>({ name: 'test-later', policy: 'standard', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 });
    let endDeferral!: () => void;
    const deferUntil = new Promise<void>((resolve) => (endDeferral = resolve));
    const queue = new JobQueue(database.url, { deferUntil, atOnce: [atOnce.name] });
    await queue.onModuleInit();
    const worked: string[] = [];
    try {
      await queue.work(later, ({ n }) => Promise.resolve(void worked.push(`later ${n}`)));
      await queue.work(atOnce, ({ n }) => Promise.resolve(void worked.push(`at once ${n}`)));
      await queue.send(later, { n: 1 });
      await queue.send(atOnce, { n: 2 });
      await until('the job of the queue worked at once', () => (worked.includes('at once 2') ? true : undefined));

      expect(worked).toEqual(['at once 2']);
      expect(await jobStates(later.name)).toEqual([{ state: 'created', n: 1 }]);
      endDeferral();
      await until('the deferred job', () => (worked.includes('later 1') ? true : undefined));
      expect(worked).toEqual(['at once 2', 'later 1']);
    } finally {
      await queue.beforeApplicationShutdown();
    }
  }, 60_000);
});
