/**
 * Entry point of the worker thread started by {@link startEmbeddedPostgresInWorker}: finds (or makes) the dump of the
 * migrated template (migratedTemplateDump), loads it into an in-memory PGlite behind its socket server
 * (startEmbeddedPostgres) and posts its URL; on the message 'stop' stops both and posts 'stopped'. Its thread then has
 * nothing left to run and ends. Every message it posts is an EmbeddedWorkerMessage.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { migratedTemplateDump } from './embedded-template';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { EmbeddedWorkerMessage, EmbeddedWorkerStart } from './embedded-postgres-thread';

const port = parentPort!;
const start = workerData as EmbeddedWorkerStart;
const post = (message: EmbeddedWorkerMessage) => port.postMessage(message);

void (async () => {
  try {
    const began = performance.now();
    const template = await migratedTemplateDump(start.templatesDir);
    const dump = new Blob([await readFile(template.dump)]);
    const read = performance.now();
    const embedded = await startEmbeddedPostgres({ loadDataDir: dump });
    port.once('message', () => {
      embedded.stop().then(
        () => post({ kind: 'stopped' }),
        (error: unknown) => post({ kind: 'stopped', error: (error as Error).message }),
      );
    });
    post({ kind: 'started', url: embedded.url, template, readMs: Math.round(read - began), startMs: Math.round(performance.now() - read) });
  } catch (error) {
    post({ kind: 'failed', error: (error as Error).message });
  }
})();
