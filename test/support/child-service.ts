/**
 * A second instance of the service in a child process of its own, on the database of a test service: what a test
 * needs to kill an instance for real (SIGKILL: no shutdown hook, no finally, its connections simply drop).
 * TypeScript is compiled on load by SWC (swc-register.cjs), as under jest.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { TEST_FINANCE_API_KEY, TEST_INTERNAL_API_KEY, TEST_OPERATIONS_API_KEY, TestService } from './test-service';

export interface ChildService {
  url: string;
  pid: number;
  /** Calls the operations API; returns status and parsed JSON. */
  ops(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Sends `signal` and waits until the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts a service in a child process on `peer`'s database and secrets, with `env` on top (e.g. short lease timings). */
export async function startChildService(peer: TestService, env: Record<string, string> = {}): Promise<ChildService> {
  const child = fork(join(__dirname, 'child-service-main.ts'), [], {
    execArgv: ['-r', join(__dirname, 'swc-register.cjs')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: peer.database.url,
      HOST: '127.0.0.1',
      PORT: '0',
      TOKEN_ENCRYPTION_KEY: peer.config.env.TOKEN_ENCRYPTION_KEY,
      OPERATIONS_API_KEY: TEST_OPERATIONS_API_KEY,
      INTERNAL_API_KEY: TEST_INTERNAL_API_KEY,
      FINANCE_API_KEY: TEST_FINANCE_API_KEY,
      LOG_LEVEL: 'silent',
      SYNC_INTERVAL_MINUTES: '0',
      OCPI_RESPONSE_TIMEOUT_MS: '5000',
      ...env,
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url?: string; error?: string }) => (message.url ? resolve(message.url) : reject(new Error(`child service failed: ${message.error}`))));
    child.once('exit', (code) => reject(new Error(`child service exited with ${code} before it listened`)));
  });
  return {
    url,
    pid: child.pid!,
    async ops(method, path, body) {
      const response = await fetch(`${url}/api/v1/operations${path}`, {
        method,
        headers: { 'X-API-Key': TEST_OPERATIONS_API_KEY, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    kill: (signal) => killAndWait(child, signal),
  };
}

function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
