/** Machine info, the printed tables and bench/results/latest.json. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { ApiResult } from './api-search.bench';
import type { PushResult } from './push.bench';
import type { ColdStartResult } from './cold-start.bench';
import type { PullResult } from './pull-locations.bench';
import { toMiB } from './stats';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryMiB: number;
  os: string;
  node: string;
  date: string;
  /** Short commit of the checkout measured, with "+dirty" when it has uncommitted changes; null outside git. */
  commit: string | null;
}

export interface BenchReport {
  machine: MachineInfo;
  options: {
    only: string | null;
    locations: number;
    runs: number;
    pageLimit: number;
    seed: number;
    evses: number;
    durationS: number;
    connections: number;
  };
  pull: PullResult[];
  coldStart: ColdStartResult | null;
  api: ApiResult[];
  push: PushResult[];
}

export function machineInfo(projectRoot: string): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    totalMemoryMiB: Math.round(toMiB(totalmem())),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
    commit: gitCommit(projectRoot),
  };
}

function gitCommit(cwd: string): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : ''}`;
  } catch {
    return null;
  }
}

/** Plain-text tables of everything measured. */
export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const lines = [`Machine: ${m.cpus} × ${m.cpuModel}, ${m.totalMemoryMiB} MiB, ${m.os}, Node ${m.node}, commit ${m.commit ?? '?'}, ${m.date}`];
  if (report.pull.length > 0) {
    lines.push('', `Pull of ${report.options.locations} generated locations (page size ${report.options.pageLimit}, seed ${report.options.seed})`);
    for (const p of report.pull) lines.push(`${p.database}: ${p.description}`);
    lines.push(
      table(
        ['database', 'run', 'kind', 'wall s', 'loc/s', 'service CPU s', 'locations', 'EVSEs', 'connectors', 'tariffs', 'peak RSS MiB'],
        report.pull.flatMap((p) =>
          p.runs.map((r) => [
            p.database,
            String(r.run),
            r.kind,
            (r.wallMs / 1000).toFixed(2),
            r.locationsPerSecond.toFixed(0),
            (r.serviceCpuMs / 1000).toFixed(2),
            String(r.locations),
            String(r.evses),
            String(r.connectors),
            String(r.tariffs),
            r.peakRssMiB.toFixed(0),
          ]),
        ),
      ),
    );
    lines.push(
      '',
      table(
        ['database', 'insert s', 'insert loc/s', 'update median s', 'update loc/s', 'median all s', 'start s', 'max RSS MiB'],
        report.pull.map((p) => [
          p.database,
          (p.insert.wallMs / 1000).toFixed(2),
          p.insert.locationsPerSecond.toFixed(0),
          p.update ? (p.update.medianWallMs / 1000).toFixed(2) : '-',
          p.update ? p.update.medianLocationsPerSecond.toFixed(0) : '-',
          (p.medianWallMs / 1000).toFixed(2),
          (p.startMs / 1000).toFixed(2),
          p.processMaxRssMiB.toFixed(0),
        ]),
      ),
    );
    const ceilings = report.pull.filter((p) => p.ceilings?.length > 0);
    if (ceilings.length > 0) {
      lines.push('', 'The same rows written straight with pg (no HTTP, no validation, no Nest), fresh database, same run; ratio = pull insert loc/s ÷ this');
      lines.push(
        table(
          ['database', 'method', 'wall s', 'rows', 'rows/s', 'loc/s', 'pull ratio'],
          ceilings.flatMap((p) => [
            [p.database, 'pull (insert run)', (p.insert.wallMs / 1000).toFixed(2), '', '', p.insert.locationsPerSecond.toFixed(0), '1'],
            ...p.ceilings.map((c) => [
              p.database,
              c.method,
              (c.wallMs / 1000).toFixed(2),
              String(c.rows),
              c.rowsPerSecond.toFixed(0),
              c.locationsPerSecond.toFixed(0),
              String(c.method === 'copy-staging' ? p.insertToCopyCeiling : p.insertToUpsertCeiling),
            ]),
          ]),
        ),
      );
    }
  }
  const c = report.coldStart;
  if (c) {
    lines.push('', `Cold start: ${c.command}`);
    lines.push(
      table(
        ['run', 'spawn→exit s', 'first answer s', 'every CPO pulled s', 'template'],
        [
          ...c.runs.map((r) => [String(r.run), r.wallS.toFixed(2), r.firstAnswerS.toFixed(1), r.allPulledS.toFixed(1), r.builtTemplate ? 'built' : 'loaded']),
          ['median', c.medianWallS.toFixed(2), c.medianFirstAnswerS.toFixed(1), c.medianAllPulledS.toFixed(1), ''],
        ],
      ),
    );
  }
  for (const a of report.api) {
    const l = a.load;
    lines.push('', `API under load on ${a.database} (${a.description}): ${l.locations} locations, ${l.evses} EVSEs, ${l.connectors} connectors`);
    lines.push(
      `  loaded by ${l.method} in ${(l.wallMs / 1000).toFixed(1)} s (${l.locationsPerSecond.toFixed(0)} locations/s); a search answers ${a.searchSample.meanResults} results on average (${Math.round(a.searchSample.fullPages * 100)} % full pages of 20)`,
    );
    lines.push(
      table(
        ['scenario', 'conns', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'body B', 'errors', 'non-2xx'],
        a.runs.map((r) => [
          r.scenario,
          String(r.connections),
          r.requestsPerSecond.toFixed(0),
          String(r.p50Ms),
          String(r.p90Ms),
          String(r.p99Ms),
          String(r.maxMs),
          String(r.meanBodyBytes),
          String(r.errors + r.timeouts),
          String(r.non2xx),
        ]),
      ),
    );
    lines.push(
      `  search ÷ bare throughput: ${a.searchToBareRatio}; search ÷ bare-body (${a.searchBodyBytes ?? '?'} B, the mean search body): ${a.searchToBareBodyRatio ?? '-'}; price estimate ÷ bare: ${a.priceToBareRatio}; service peak RSS ${a.serviceMaxRssMiB.toFixed(0)} MiB; load average ${a.loadAverage.before} before, ${a.loadAverage.after} after`,
    );
    if (a.searchIndex) {
      lines.push(
        `  search index: ${a.searchIndex.locations} locations, ${a.searchIndex.evses} EVSEs, loaded in ${(a.searchIndex.loadMs / 1000).toFixed(1)} s, ${a.searchIndex.heapMiB.toFixed(0)} MiB of heap (service RSS then ${a.searchIndex.rssMiB?.toFixed(0)} MiB, of which JS heap in use ${a.searchIndex.processHeapMiB?.toFixed(0) ?? '?'} MiB, outside the heap ${a.searchIndex.externalMiB?.toFixed(0) ?? '?'} MiB)`,
      );
    }
  }
  for (const p of report.push) {
    lines.push('', `Pushes to our Locations Receiver on ${p.database} (${p.description}): ${p.held.locations} locations, ${p.held.evses} EVSEs held`);
    lines.push(
      table(
        ['scenario', 'conns', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx'],
        [
          ...p.runs.map((r) => [
            r.scenario,
            String(r.connections),
            r.requestsPerSecond.toFixed(0),
            String(r.p50Ms),
            String(r.p90Ms),
            String(r.p99Ms),
            String(r.maxMs),
            String(r.errors + r.timeouts),
            String(r.non2xx),
          ]),
          ['sql UPDATE', String(report.options.connections), String(p.sql.statementsPerSecond), String(p.sql.p50Ms), '', String(p.sql.p99Ms), '', '0', '0'],
        ],
      ),
    );
    const other = p.pushToSearch.other;
    lines.push(
      `  service CPU per request: ${Object.entries(p.serviceCpuMsPerRequest)
        .map(([scenario, ms]) => `${scenario} ${ms} ms`)
        .join(
          ', ',
        )}; EVSE PATCH ÷ bare: ${p.evsePatchToBare}; EVSE PATCH ÷ SQL UPDATE: ${p.evsePatchToSql}; push→search same instance median ${p.pushToSearch.same.medianMs} ms, p99 ${p.pushToSearch.same.p99Ms} ms; ${
        other ? `other instance median ${other.medianMs} ms, p99 ${other.p99Ms} ms` : 'other instance: n/a on PGlite (one process)'
      }; service peak RSS ${p.serviceMaxRssMiB.toFixed(0)} MiB; load average ${p.loadAverage.before} before, ${p.loadAverage.after} after`,
    );
  }
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
