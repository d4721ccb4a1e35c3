/**
 * A PostgreSQL server of a test's own (initdb into a temporary folder, pg_ctl on a free port), for faults that must
 * not touch the server other suites share: restarting it mid-pull. Uses the PostgreSQL 15 binaries of this machine
 * (PG_BIN overrides the folder); as root, runs them as the `postgres` OS user, since initdb refuses root.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '../../src/database/migrate';
import { TestDatabase, withClient } from './test-database';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  /** A migrated database on this server, for startTestService({ database }). */
  database: TestDatabase;
  /** Restarts the server: every connection is cut (`fast`: terminated; `immediate`: as after a crash). */
  restart(mode?: 'fast' | 'immediate'): void;
  /** Stops the server and deletes its folder. */
  stop(): void;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const folder = mkdtempSync(join(tmpdir(), 'ocpi-private-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres', folder]);
  const run = (binary: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, binary), ...args], { stdio: 'pipe' }) : execFileSync(join(BIN, binary), args, { stdio: 'pipe' });
  const data = join(folder, 'data');
  const port = await freePort();
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  run('pg_ctl', ['-D', data, '-o', options, '-l', join(folder, 'server.log'), '-w', 'start']);
  const serverUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await withClient(serverUrl, (c) => c.query('CREATE DATABASE ocpi'));
  const url = `postgres://postgres@127.0.0.1:${port}/ocpi`;
  await migrateDatabase(url, { exclusive: false });
  const stop = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };
  return {
    database: { url, drop: () => Promise.resolve() }, // the whole server goes in stop()
    restart: (mode = 'fast') => void run('pg_ctl', ['-D', data, '-m', mode, '-o', options, '-l', join(folder, 'server.log'), '-w', 'restart']),
    stop,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
