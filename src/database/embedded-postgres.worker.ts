/**
 * Entry point of the worker thread started by {@link startEmbeddedPostgresInWorker}: fills the data folder from the
 * migrated template when asked (copyMigratedTemplate), starts PGlite behind its socket server (startEmbeddedPostgres)
 * and posts its URL; on the message 'stop' stops both and posts 'stopped'. Its thread then has nothing left to run and
 * ends. Every message it posts is an EmbeddedWorkerMessage.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { copyMigratedTemplate } from './embedded-template';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { EmbeddedWorkerMessage, EmbeddedWorkerStart } from './embedded-postgres-thread';

const port = parentPort!;
const start = workerData as EmbeddedWorkerStart;
const post = (message: EmbeddedWorkerMessage) => port.postMessage(message);

void (async () => {
  try {
    const began = performance.now();
    const copy = start.templatesDir ? await copyMigratedTemplate(start.dataDir, start.templatesDir) : null;
    const copied = performance.now();
    const embedded = await startEmbeddedPostgres({ dataDir: start.dataDir });
    port.once('message', () => {
      embedded.stop().then(
        () => post({ kind: 'stopped' }),
        (error: unknown) => post({ kind: 'stopped', error: (error as Error).message }),
      );
    });
    post({ kind: 'started', url: embedded.url, template: copy, copyMs: Math.round(copied - began), startMs: Math.round(performance.now() - copied) });
  } catch (error) {
    post({ kind: 'failed', error: (error as Error).message });
  }
})();
