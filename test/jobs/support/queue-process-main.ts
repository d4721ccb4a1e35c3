/**
 * A process that starts a JobQueue on the database at argv[2], works one job, stops the queue and then simply ends:
 * it must exit by itself. A timer, socket or interval of the queue left behind would keep it alive.
 */
import { JobQueue } from '../../../src/jobs/job-queue';
import { defineQueue } from '../../../src/jobs/queue-definition';

const ONE = defineQueue<{ n: number }>({ name: 'test-exit', policy: 'standard', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 });

async function main(): Promise<void> {
  const queue = new JobQueue(process.argv[2]);
  await queue.onModuleInit();
  const worked = new Promise<void>(
    (resolve) =>
      void queue.work(ONE, () => {
        resolve();
        return Promise.resolve();
      }),
  );
  await queue.send(ONE, { n: 1 });
  await worked;
  await queue.beforeApplicationShutdown();
  process.send?.('stopped');
}

main().catch((error: Error) => {
  process.send?.(`failed: ${error.message}`);
  process.exitCode = 1;
});
