import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PgliteSessionQueue } from './pglite-session-queue';

/** A running embedded PostgreSQL reachable through an ordinary postgres:// URL. */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder of the database files; created when missing. Omit for an in-memory database. */
  dataDir?: string;
  /** A data folder dump (PGlite `dumpDataDir`) to start from, e.g. an already migrated template in tests. */
  loadDataDir?: Blob;
  /** Most concurrent client connections; must cover the pool size (PGlite's socket default of 1 resets extra ones). */
  maxConnections?: number;
}

/**
 * PostgreSQL's shared_buffers inside PGlite (PGlite's own default is 128MB). The buffers live in the WebAssembly
 * memory, which grows to hold them as they fill and never shrinks, and every start initialises them; the data files
 * are read through the operating system (NODEFS), whose page cache keeps them anyway. Measured (README, Benchmarks):
 * with 16MB a start costs about half the CPU and the pull's peak RSS is lower, at a similar rate.
 */
export const EMBEDDED_SHARED_BUFFERS = '16MB';

/**
 * Starts PGlite (PostgreSQL compiled to WebAssembly, in this process) behind pglite-socket on 127.0.0.1 and
 * a free port. TypeORM and pg then talk to it over the wire protocol exactly as to a real server, so nothing
 * PGlite-specific leaks past this function. Chosen over PGlite driver shims, which failed here (see README).
 *
 * Caveat kept in mind by the code: every connection shares ONE backend session, so session state (SET,
 * session advisory locks) is shared; we only use transaction-scoped locks and explicit time zones. The socket
 * server's query queue is replaced by PgliteSessionQueue, which keeps each connection's query whole in that session
 * (pglite-socket 0.2.17 can interleave two connections' parameterised queries; see that file).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`],
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections ?? 64 });
  // Before any connection: each connection's handler takes the server's queue when it is created.
  (server as unknown as { queryQueue: PgliteSessionQueue }).queryQueue = new PgliteSessionQueue(db);
  await server.start();
  const { port } = parseHostPort(server.getServerConn());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** Dumps an embedded database's data folder, to be loaded by later {@link startEmbeddedPostgres} calls. */
export async function dumpEmbeddedPostgres(dataDir: string): Promise<Blob> {
  const db = await PGlite.create({ dataDir });
  try {
    return await db.dumpDataDir('none');
  } finally {
    await db.close();
  }
}

function parseHostPort(conn: string): { host: string; port: number } {
  const index = conn.lastIndexOf(':');
  return { host: conn.slice(0, index), port: Number(conn.slice(index + 1)) };
}
