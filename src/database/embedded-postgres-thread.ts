import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EmbeddedPostgres } from './embedded-postgres';
import type { TemplateDump } from './embedded-template';

/** What the worker is given (workerData). */
export interface EmbeddedWorkerStart {
  /** Folder of the migrated templates and their dumps (migratedTemplateDump): the database is the current one's dump. */
  templatesDir: string;
}

/** What the worker posts: once started (or failed), and once stopped after it was asked to stop. */
export type EmbeddedWorkerMessage =
  { kind: 'started'; url: string; template: TemplateDump; readMs: number; startMs: number } | { kind: 'failed'; error: string } | { kind: 'stopped'; error?: string };

/** An embedded database running in a worker thread, with what its start did. */
export interface EmbeddedPostgresInWorker extends EmbeddedPostgres {
  /** The template whose dump was loaded (and whether it was built now). */
  template: TemplateDump;
  /** Wall-clock ms to find (or build) the template's dump and read it, then PGlite's start with it. */
  readMs: number;
  startMs: number;
}

/**
 * Starts the embedded PostgreSQL (startEmbeddedPostgres: PGlite behind pglite-socket on 127.0.0.1) in a worker thread of
 * its own, in memory, loaded from the dump of the migrated template in `templatesDir` (built and dumped on first need).
 * Same URL, same behaviour as PGlite on this thread; but its WebAssembly (its start, every query) runs beside this
 * thread instead of taking turns with the service's JavaScript: on a machine with two cores or more the service's start
 * and the database's overlap, and later the pages a pull stores are parsed here while the previous one is written
 * there. In memory: nothing is kept once it stops, and no data file is copied or written (the dump is read once). For
 * the demo (npm run demo), whose database is thrown away anyway; the service's own start (startService) keeps PGlite on
 * its thread, in PGLITE_DATA_DIR.
 *
 * The worker runs this file's sibling embedded-postgres.worker (.js when built; .ts under a loader, which the worker
 * inherits through process.execArgv). stop() stops the socket server and PGlite in the worker, then the thread ends.
 * @throws Error with the worker's message when the template, its dump or the start fails
 */
export function startEmbeddedPostgresInWorker(start: EmbeddedWorkerStart): Promise<EmbeddedPostgresInWorker> {
  const worker = new Worker(join(__dirname, `embedded-postgres.worker${extname(__filename)}`), { workerData: start satisfies EmbeddedWorkerStart });
  return new Promise((resolve, reject) => {
    const exitedEarly = (code: number) => reject(new Error(`the embedded database's worker thread ended (code ${code}) before it started`));
    worker.once('error', reject);
    worker.once('exit', exitedEarly);
    worker.once('message', (message: EmbeddedWorkerMessage) => {
      worker.off('exit', exitedEarly);
      if (message.kind !== 'started') {
        void worker.terminate();
        reject(new Error(message.kind === 'failed' ? message.error : 'the embedded database stopped before it started'));
        return;
      }
      let stopping: Promise<void> | null = null;
      resolve({
        url: message.url,
        template: message.template,
        readMs: message.readMs,
        startMs: message.startMs,
        stop: () => (stopping ??= stopWorker(worker)),
      });
    });
  });
}

/** Asks the worker to stop its database, then waits for its thread to end (ended by force should it not). */
function stopWorker(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once('message', (message: EmbeddedWorkerMessage) => {
      // Whatever its database said, the thread has no further use.
      void worker.terminate().then(() => (message.kind === 'stopped' && message.error ? reject(new Error(message.error)) : resolve()));
    });
    worker.once('exit', () => resolve());
    worker.postMessage('stop');
  });
}
