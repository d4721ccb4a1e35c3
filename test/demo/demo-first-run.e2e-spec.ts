/**
 * What a new user met on a first `npm run demo` (issue 18): a port already taken, and a nearby example that printed the
 * whole search answer. The demo runs as a child process here, compiled on load by SWC (as child-service.ts does).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nearbySummaryLines } from '../../scripts/demo-nearby';
import { someLocations } from '../support/direct-client';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';

const ROOT = join(__dirname, '../..');

/** Runs scripts/demo.ts with `args` and `env` in an empty folder; its exit status and everything it printed. */
function runDemo(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; cwd: string }> {
  // An empty working folder: were the port check to fail, the demo's .data/demo would be made there, not in the repository.
  const cwd = mkdtempSync(join(tmpdir(), 'demo-port-'));
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.cjs'), join(ROOT, 'scripts/demo.ts'), ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr, cwd })));
}

describe('npm run demo on a port that is taken', () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it.each([
    ['--port', (p: number) => ({ args: ['--port', String(p)], env: {} })],
    ['PORT', (p: number) => ({ args: [], env: { PORT: String(p) } })],
  ])(
    'given by %s: one line naming the port and how to choose another, status 1, no stack, nothing started',
    async (_how, given) => {
      const { args, env } = given(port);
      const run = await runDemo(args, env);
      try {
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr.trimEnd().split('\n')).toEqual([
          `Port ${port} on 127.0.0.1 is already in use (another demo or service?): stop it, or choose another with \`npm run demo -- --port ${port + 1}\` (or PORT=${port + 1} npm run demo).`,
        ]);
        // Nothing was started or reset: no demo database in its working folder.
        expect(readdirSync(run.cwd)).toEqual([]);
      } finally {
        rmSync(run.cwd, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('a --port that is no port: one line saying what is expected, status 1', async () => {
    const run = await runDemo(['--port', 'eighty']);
    rmSync(run.cwd, { recursive: true, force: true });
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual(['Port "eighty" is no TCP port: give a whole number from 0 to 65535, e.g. npm run demo -- --port 3001']);
  }, 60_000);
});

describe("the demo's nearby example: one line per result of GET /api/v1/chargers/nearby, not the whole JSON", () => {
  let service: TestService;
  let cpo: RegisteredCpo;
  beforeAll(async () => {
    service = await startTestService();
    const owner = { countryCode: 'NL', partyId: 'DMO' };
    cpo = await registerCpo(service, { ...owner, locations: someLocations(12, 5, owner) });
    await cpo.sync();
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('three results: three lines, nearest first, each naming the CPO, the Location, its distance and free EVSEs', async () => {
    const { status, body } = await service.api('/api/v1/chargers/nearby?latitude=52.09&longitude=5.12&radius_m=20000&limit=3');
    expect(status).toBe(200);
    expect(body.data).toHaveLength(3);
    const lines = nearbySummaryLines(body);
    expect(lines).toHaveLength(3);
    expect(JSON.stringify(body, null, 2).split('\n').length).toBeGreaterThan(50);
    body.data.forEach((r: any, i: number) => {
      expect(lines[i]).toContain(`${i + 1}. ${r.distance_m} m  NL*DMO ${r.location.name ?? '(no name)'}, ${r.location.address} ${r.location.city}`);
      expect(lines[i]).toContain(`${r.free_evse_count} of ${r.evse_count} EVSEs free`);
      expect(lines[i]).not.toContain('\n');
    });
  });

  it('an error answer (no data): no line', async () => {
    const { status, body } = await service.api('/api/v1/chargers/nearby?latitude=91&longitude=5.12&radius_m=1000');
    expect(status).toBe(400);
    expect(nearbySummaryLines(body)).toEqual([]);
  });
});
