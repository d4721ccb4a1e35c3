/**
 * Benchmark 2: cold start of the demo to its first answer. Spawns `node dist/scripts/demo.js --once` (already
 * built) in the project root, `runs` times in a row. Measured: wall time from spawn to exit, in seconds, and the
 * demo's own figures, in seconds from the start of its main(): "First answer" (three simulated CPOs started, the
 * service started on a fresh embedded database, in memory in a worker thread, loaded from the migrated template's dump,
 * the three CPOs registered and pulled, and the app's first two questions answered, free chargers near Amsterdam (at least one listed)
 * and a price there, as soon as the Locations of the CPO there are in) and "Every CPO registered and pulled" (the
 * three pulls finished, every module). Whether the run had to build the template (the first run after the
 * migrations or PGlite changed: initdb, every migration and the dump) is reported per run.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { median, round } from './stats';

export interface ColdStartRun {
  run: number;
  /** Spawn to exit, s. */
  wallS: number;
  /** As printed by the demo, s (measured from the start of its main()). */
  firstAnswerS: number;
  /** "Every CPO registered and pulled", as printed by the demo, s from the start of its main(). */
  allPulledS: number;
  /** Whether this run built the migrated database template (else it loaded the dump of the one kept in .data/). */
  builtTemplate: boolean;
}

export interface ColdStartResult {
  command: string;
  runs: ColdStartRun[];
  medianWallS: number;
  medianFirstAnswerS: number;
  medianAllPulledS: number;
}

const FIRST_ANSWER = /First answer ([\d.]+) s after start\./;
const ALL_PULLED = /Every CPO registered and pulled ([\d.]+) s after start\./;
const BUILT_TEMPLATE = /database template built/;

/**
 * Runs the demo `runs` times from `projectRoot`; removes .data/demo (where demos before the in-memory database kept
 * theirs) afterwards unless it was there before.
 */
export async function benchColdStart(projectRoot: string, runs: number, onRun: (run: ColdStartRun) => void): Promise<ColdStartResult> {
  const demoDir = join(projectRoot, '.data', 'demo');
  const hadDemoDir = existsSync(demoDir);
  const script = join(projectRoot, 'dist', 'scripts', 'demo.js');
  if (!existsSync(script)) throw new Error(`${script} not found: run \`npm run build\` first (npm run bench does)`);
  const results: ColdStartRun[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const run = { run: i, ...(await runDemoOnce(projectRoot, script)) };
      results.push(run);
      onRun(run);
    }
  } finally {
    if (!hadDemoDir) rmSync(demoDir, { recursive: true, force: true });
  }
  return {
    command: 'node dist/scripts/demo.js --once',
    runs: results,
    medianWallS: round(median(results.map((r) => r.wallS)), 2),
    medianFirstAnswerS: round(median(results.map((r) => r.firstAnswerS)), 2),
    medianAllPulledS: round(median(results.map((r) => r.allPulledS)), 2),
  };
}

function runDemoOnce(cwd: string, script: string): Promise<Omit<ColdStartRun, 'run'>> {
  // The demo reads PORT and LOG_LEVEL from the environment: keep the user's shell from changing what is measured.
  const env = { ...process.env };
  delete env.PORT;
  delete env.LOG_LEVEL;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script, '--once'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const wallS = (performance.now() - started) / 1000;
      const match = FIRST_ANSWER.exec(output);
      const allPulled = ALL_PULLED.exec(output);
      if (code !== 0 || !match || !allPulled) {
        return reject(
          new Error(`demo exited with ${signal ?? `code ${code}`}${match && allPulled ? '' : ', no "First answer" or "Every CPO" line'}; last output:\n${output.slice(-1500)}`),
        );
      }
      resolve({ wallS: round(wallS, 2), firstAnswerS: Number(match[1]), allPulledS: Number(allPulled[1]), builtTemplate: BUILT_TEMPLATE.test(output) });
    });
  });
}
