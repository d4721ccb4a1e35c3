/**
 * Reconciliation of one invoice of N lines against N CDRs (issue 17; target under 30 s and 300 MB on PostgreSQL):
 * the report as finance asks for it over HTTP (JSON, then CSV), from a forked service process (reconcile-worker.ts) whose
 * RSS is sampled while this process asks and parses, beside the same run's ceiling, the same rows read with one query. A fresh database per run (bench-database.ts).
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createBenchDatabase, DatabaseKind } from './bench-database';
import { parse } from 'csv-parse/sync';
import type { ReconcileFetched, ReconcileFigures, ReconcileWorkerMessage, ReconcileWorkerRequest } from './reconcile-worker';
import { round } from './stats';

/** The report over HTTP, timed from the request to its last byte; the parent parses it (lines and disputed counted). */
export interface ReportFigures {
  wallMs: number;
  /** The service process's peak RSS while it answered. */
  peakRssMiB: number;
  /** The service process's CPU time (user + system) while it answered (the database's own not included). */
  cpuMs: number;
  bytes: number;
  rows: number;
  disputed: number;
  /**
   * SHA-256 of the report from its lines on (JSON: from `"lines":`, past the invoice's id and import time, which change
   * every run; CSV: all of it): equal from run to run while the report's content is, so a change meant to leave the
   * report as it was can be checked byte for byte.
   */
  sha256: string;
}

/** The import of an invoice CSV of N lines over HTTP, timed from the request to its answer. */
export interface ImportFigures {
  wallMs: number;
  peakRssMiB: number;
  bytes: number;
  lineCount: number;
}

export interface ReconcileResult {
  kind: DatabaseKind;
  lines: number;
  /** CDRs of earlier months the CPO also holds (three of four months invoiced on earlier invoices); 0: none. */
  historyCdrs: number;
  database: string;
  seedMs: number;
  baseRssMiB: number;
  ceiling: ReconcileFigures;
  json: ReportFigures;
  csv: ReportFigures;
  /** Null in the scenario with a history (the import is timed once, in the scenario without). */
  import: ImportFigures | null;
  /** The same file uploaded as a text/csv body read as it arrives (POST /api/v1/finance/invoices/csv). */
  importStreamed: ImportFigures | null;
}

/**
 * @param historyCdrs CDRs of four earlier months the CPO also holds, the last three months each invoiced whole on an
 * earlier invoice (0: none, today's scenario): the report must be the same, and should cost the same
 */
export async function benchReconcile(kind: DatabaseKind, lines: number, historyCdrs = 0): Promise<ReconcileResult> {
  const database = await createBenchDatabase(kind, process.env.DATABASE_URL);
  try {
    const child = fork(join(__dirname, 'reconcile-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc'] });
    const fetched: Partial<Record<'json' | 'csv', Omit<ReportFigures, 'peakRssMiB' | 'cpuMs'>>> = {};
    const importFigures: Partial<Record<'json' | 'streamed', Omit<ImportFigures, 'peakRssMiB'>>> = {};
    const fail = (error: unknown) => {
      child.kill();
      return error instanceof Error ? error : new Error(String(error));
    };
    const result = await new Promise<Extract<ReconcileWorkerMessage, { type: 'result' }>['result']>((resolve, reject) => {
      child.on('message', (m: ReconcileWorkerMessage) => {
        if (m.type === 'ready')
          fetchReport(m).then(
            (figures) => {
              fetched[m.format] = figures;
              child.send({ type: 'fetched' } satisfies ReconcileFetched);
            },
            (error: unknown) => reject(fail(error)),
          );
        else if (m.type === 'import')
          importInvoice(m, lines).then(
            (figures) => {
              importFigures[m.streamed ? 'streamed' : 'json'] = figures;
              child.send({ type: 'fetched' } satisfies ReconcileFetched);
            },
            (error: unknown) => reject(fail(error)),
          );
        else if (m.type === 'result') resolve(m.result);
        else reject(new Error(m.message));
      });
      child.once('exit', (code) => reject(new Error(`reconcile-worker exited with code ${code}`)));
      const request: ReconcileWorkerRequest = { databaseEnv: database.env, lines, historyCdrs };
      child.send(request);
    });
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    return {
      kind,
      lines,
      historyCdrs,
      database: database.description,
      seedMs: result.seedMs,
      baseRssMiB: result.baseRssMiB,
      ceiling: result.ceiling,
      json: { ...fetched.json!, peakRssMiB: result.peakRssMiB.json, cpuMs: result.cpuMs.json },
      csv: { ...fetched.csv!, peakRssMiB: result.peakRssMiB.csv, cpuMs: result.cpuMs.csv },
      import: importFigures.json ? { ...importFigures.json, peakRssMiB: result.peakRssMiB.import } : null,
      importStreamed: importFigures.streamed ? { ...importFigures.streamed, peakRssMiB: result.peakRssMiB.importStreamed } : null,
    };
  } finally {
    await database.remove();
  }
}

async function fetchReport(m: Extract<ReconcileWorkerMessage, { type: 'ready' }>): Promise<Omit<ReportFigures, 'peakRssMiB' | 'cpuMs'>> {
  const t = performance.now();
  const response = await fetch(`${m.url}/api/v1/finance/invoices/${m.invoiceId}/reconciliation${m.format === 'csv' ? '?format=csv' : ''}`, {
    headers: { 'X-API-Key': m.financeKey },
  });
  const text = await response.text();
  const wallMs = round(performance.now() - t);
  if (response.status !== 200) throw new Error(`reconciliation answered HTTP ${response.status}`);
  if (m.format === 'csv') {
    const rows = parse<{ outcome: string }>(text, { columns: true });
    return { wallMs, bytes: Buffer.byteLength(text), rows: rows.length, disputed: rows.filter((r) => r.outcome !== 'MATCHED').length, sha256: sha256(text) };
  }
  const report = JSON.parse(text) as { lines: unknown[]; totals: { disputed: Array<{ lines: number }> } };
  return {
    wallMs,
    bytes: Buffer.byteLength(text),
    rows: report.lines.length,
    disputed: report.totals.disputed.reduce((s, d) => s + d.lines, 0),
    sha256: sha256(text.slice(text.indexOf('"lines":'))),
  };
}

/**
 * Imports an invoice of `lines` lines (one per seeded CDR, under another invoice number) as finance does: the CSV in a
 * JSON body, or (`streamed`) the file itself as a text/csv body sent in 64 KiB chunks, under a third number and with
 * one more line, so that it is a file of its own (not the same file again, which would be UNCHANGED).
 */
async function importInvoice(m: Extract<ReconcileWorkerMessage, { type: 'import' }>, lines: number): Promise<Omit<ImportFigures, 'peakRssMiB'>> {
  const count = m.streamed ? lines + 1 : lines;
  const csv = ['cdr,net,gross', ...Array.from({ length: count }, (_, i) => `CDR-${(i % lines) + 1},${(10 + (((i % lines) + 1) % 400) / 100).toFixed(2)},12.10`)].join('\n');
  const period = { period_from: '2024-06-01T00:00:00Z', period_to: '2024-07-01T00:00:00Z' };
  const t = performance.now();
  const response = m.streamed
    ? await fetch(`${m.url}/api/v1/finance/invoices/csv?${new URLSearchParams({ connection_id: m.connectionId, invoice_number: 'BENCH-IMPORT-STREAMED', ...period }).toString()}`, {
        method: 'POST',
        headers: { 'X-API-Key': m.financeKey, 'Content-Type': 'text/csv' },
        body: chunked(Buffer.from(csv)),
        duplex: 'half',
      })
    : await fetch(`${m.url}/api/v1/finance/invoices`, {
        method: 'POST',
        headers: { 'X-API-Key': m.financeKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ connection_id: m.connectionId, invoice_number: 'BENCH-IMPORT', ...period, csv }),
      });
  const answer = (await response.json()) as { invoice?: { line_count: number } };
  const wallMs = round(performance.now() - t);
  if (response.status !== 201) throw new Error(`the import answered HTTP ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  return { wallMs, bytes: Buffer.byteLength(csv), lineCount: answer.invoice!.line_count };
}

/** `bytes` as a stream of 64 KiB chunks (sent with no Content-Length, as an upload of unknown size is). */
function chunked(bytes: Buffer): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += 64 * 1024)));
    },
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** One line per figure, for the log. */
export function formatReconcile(r: ReconcileResult): string {
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  return [
    `  ${r.kind}: ${r.lines} lines against ${r.lines} CDRs${r.historyCdrs ? ` and ${r.historyCdrs} CDRs of earlier months, 3 earlier invoices` : ''} (seeded in ${(r.seedMs / 1000).toFixed(1)} s; service RSS before ${r.baseRssMiB} MiB)`,
    ...(['json', 'csv'] as const).map(
      (f) =>
        `    reconciliation report (HTTP, ${f.toUpperCase()}, ${mib(r[f].bytes)} MiB): ${(r[f].wallMs / 1000).toFixed(2)} s (service CPU ${(r[f].cpuMs / 1000).toFixed(2)} s), service peak RSS ${r[f].peakRssMiB} MiB, ${r[f].rows} lines, ${r[f].disputed} disputed, sha256 ${r[f].sha256.slice(0, 12)}; ${(r[f].wallMs / Math.max(1, r.ceiling.wallMs)).toFixed(1)}× the ceiling's time, ${(r[f].peakRssMiB / Math.max(1, r.ceiling.peakRssMiB)).toFixed(2)}× its peak RSS`,
    ),
    ...(r.import
      ? [
          `    invoice import (HTTP, CSV of ${mib(r.import.bytes)} MiB in a JSON body): ${(r.import.wallMs / 1000).toFixed(2)} s, service peak RSS ${r.import.peakRssMiB} MiB, ${r.import.lineCount} lines`,
        ]
      : []),
    ...(r.importStreamed
      ? [
          `    invoice import (HTTP, the CSV file streamed as a text/csv body): ${(r.importStreamed.wallMs / 1000).toFixed(2)} s, service peak RSS ${r.importStreamed.peakRssMiB} MiB, ${r.importStreamed.lineCount} lines`,
        ]
      : []),
    `    ceiling, the rows read with one query: ${(r.ceiling.wallMs / 1000).toFixed(2)} s, peak RSS ${r.ceiling.peakRssMiB} MiB, ${r.ceiling.rows} rows`,
  ].join('\n');
}
