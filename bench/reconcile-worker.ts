/**
 * Child process of the reconciliation benchmark (forked by reconcile.bench.ts, so its memory figures are the
 * service's own plus, for PGlite, the embedded database's). Starts the service, writes N CDRs of one CPO and an
 * invoice of N lines (one per CDR, every tenth with another amount) straight into the database, first times the ceiling, the
 * same rows read with one query (each line with its CDR) on the service's own pool, then lets the parent ask for
 * GET /api/v1/finance/invoices/{id}/reconciliation as JSON and as CSV (the report as finance asks for it), sampling its
 * own RSS meanwhile: the ceiling first, so that the report's heap does not inflate the ceiling's peak RSS. Reports over
 * IPC; never prints.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadEnvironment } from '../src/config/env.validation';
import { RunningService, startService } from '../src/service';
import { round, toMiB } from './stats';

export interface ReconcileWorkerRequest {
  databaseEnv: Record<string, string>;
  lines: number;
  /** CDRs of February to May 2024 seeded too (a quarter a month), March to May each invoiced whole on an earlier invoice; 0: none. */
  historyCdrs: number;
}

export interface ReconcileFigures {
  wallMs: number;
  peakRssMiB: number;
  rows: number;
}

/** The parent asks for the report over HTTP (its own memory is not the service's) and says when it has read it all. */
export interface ReconcileFetched {
  type: 'fetched';
}

export type ReconcileWorkerMessage =
  | { type: 'ready'; url: string; financeKey: string; invoiceId: string; format: 'json' | 'csv' }
  /**
   * The parent imports an invoice CSV of N lines (the import's own memory): `streamed` false, the CSV in a JSON body
   * (POST /api/v1/finance/invoices); true, the file as a text/csv body read as it arrives (POST …/invoices/csv).
   */
  | { type: 'import'; url: string; financeKey: string; connectionId: string; streamed: boolean }
  | {
      type: 'result';
      result: {
        seedMs: number;
        baseRssMiB: number;
        peakRssMiB: { json: number; csv: number; import: number; importStreamed: number };
        /** CPU time the service process spent (user + system) while answering each report: load skews it less than wall-clock. */
        cpuMs: { json: number; csv: number };
        ceiling: ReconcileFigures;
      };
    }
  | { type: 'error'; message: string };

function send(message: ReconcileWorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

/** Samples the resident set size every 20 ms; `peak()` is the largest seen since the last `reset()`. */
function rssSampler() {
  let max = 0;
  const sample = () => (max = Math.max(max, process.memoryUsage.rss()));
  const timer = setInterval(sample, 20);
  return { reset: () => ((max = 0), sample()), peak: () => (sample(), max), stop: () => clearInterval(timer) };
}

async function seed(db: DataSource, n: number, historyCdrs: number): Promise<{ connectionId: string; invoiceId: string }> {
  const [{ id: connectionId }] = await db.query(
    `INSERT INTO cpo_connection (name, status, their_versions_url) VALUES ('Bench CPO', 'REGISTERED', 'http://127.0.0.1:9/versions') RETURNING id`,
  );
  await db.query(`INSERT INTO connection_party (connection_id, role, country_code, party_id) VALUES ($1, 'CPO', 'NL', 'BEN')`, [connectionId]);
  // CDRs of June 2024, one a minute apart per Location, amounts exact decimals.
  await db.query(
    `INSERT INTO cdr (connection_id, ocpi_version, source, country_code, party_id, ocpi_id, content_hash, raw, mapped, start_date_time, end_date_time,
       location_id, evse_uid, connector_id, currency, stated_before_taxes, stated_after_taxes, total_energy, last_updated, exact,
       difference_before_taxes, difference_after_taxes)
     SELECT $1, '2.2.1', 'PULL', 'NL', 'BEN', 'CDR-' || i, md5(i::text), '{}'::jsonb,
       jsonb_build_object('session_id', 'S-' || i, 'total_time', '1.5', 'total_parking_time', '0'),
       t, t + interval '90 minutes', 'LOC-' || (i % 500), 'EVSE-' || (i % 500), '1', 'EUR',
       (10 + (i % 400) / 100.0)::numeric(10, 2), ((10 + (i % 400) / 100.0) * 1.21)::numeric(10, 4), (5 + (i % 50))::numeric, t, true, 0, 0
     FROM generate_series(1, $2::int) AS i, LATERAL (SELECT timestamptz '2024-06-01T00:00:00Z' + (i % 40000) * interval '1 minute' AS t) AS s`,
    [connectionId, n],
  );
  const mapping = { delimiter: ',', decimal_separator: '.', line_per: 'CDR', currency: 'EUR', columns: { cdr_id: 'cdr', amount_excl_vat: 'net', amount_incl_vat: 'gross' } };
  // Kept for the CPO too: the import the parent times reads with it.
  await db.query(`INSERT INTO invoice_mapping (connection_id, mapping) VALUES ($1, $2::jsonb)`, [connectionId, JSON.stringify(mapping)]);
  if (historyCdrs > 0) await seedHistory(db, connectionId, historyCdrs, mapping);
  const [{ id: invoiceId }] = await db.query(
    `INSERT INTO invoice (connection_id, invoice_number, content_hash, period_from, period_to, mapping, line_count)
     VALUES ($1, 'BENCH-2024-06', md5('bench'), '2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z', $2::jsonb, $3) RETURNING id`,
    [connectionId, JSON.stringify(mapping), n],
  );
  // Every tenth line invoices 1.00 more than its CDR.
  await db.query(
    `INSERT INTO invoice_line (invoice_id, line_no, cdr_ref, amount_excl_vat, amount_incl_vat, currency, raw)
     SELECT $1, i + 1, 'CDR-' || i, (10 + (i % 400) / 100.0)::numeric(10, 2) + CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
       round((10 + (i % 400) / 100.0) * 1.21, 2) + CASE WHEN i % 10 = 0 THEN 1.21 ELSE 0 END, 'EUR', '{}'::jsonb
     FROM generate_series(1, $2::int) AS i`,
    [invoiceId, n],
  );
  await db.query('ANALYZE');
  return { connectionId, invoiceId };
}

/**
 * A CPO's history before the benched invoice: CDRs of February to May 2024 (a quarter each, at the same Locations), and
 * for March, April and May an earlier invoice (imported before the benched one) invoicing each of that month's CDRs at
 * its amount. None of it is in June's period nor named by June's lines: June's report must be the same as without it.
 */
async function seedHistory(db: DataSource, connectionId: string, cdrs: number, mapping: object): Promise<void> {
  const perMonth = Math.floor(cdrs / 4);
  for (const [m, month] of ['2024-02', '2024-03', '2024-04', '2024-05'].entries()) {
    await db.query(
      `INSERT INTO cdr (connection_id, ocpi_version, source, country_code, party_id, ocpi_id, content_hash, raw, mapped, start_date_time, end_date_time,
         location_id, evse_uid, connector_id, currency, stated_before_taxes, stated_after_taxes, total_energy, last_updated, exact,
         difference_before_taxes, difference_after_taxes)
       SELECT $1, '2.2.1', 'PULL', 'NL', 'BEN', 'H' || $3::text || '-' || i, md5($3::text || i::text), '{}'::jsonb,
         jsonb_build_object('session_id', 'HS' || $3::text || '-' || i, 'total_time', '1.5', 'total_parking_time', '0'),
         t, t + interval '90 minutes', 'LOC-' || (i % 500), 'EVSE-' || (i % 500), '1', 'EUR',
         (10 + (i % 400) / 100.0)::numeric(10, 2), ((10 + (i % 400) / 100.0) * 1.21)::numeric(10, 4), (5 + (i % 50))::numeric, t, true, 0, 0
       FROM generate_series(1, $2::int) AS i, LATERAL (SELECT ($4::text || '-01T00:00:00Z')::timestamptz + (i % 40000) * interval '1 minute' AS t) AS s`,
      [connectionId, perMonth, m, month],
    );
    if (m === 0) continue;
    const [{ id }] = await db.query(
      `INSERT INTO invoice (connection_id, invoice_number, content_hash, period_from, period_to, mapping, line_count, imported_at)
       VALUES ($1, $2, md5($2), ($3::text || '-01T00:00:00Z')::timestamptz, ($3::text || '-01T00:00:00Z')::timestamptz + interval '1 month', $4::jsonb, $5,
         now() - (4 - $6::int) * interval '1 day') RETURNING id`,
      [connectionId, `BENCH-${month}`, month, JSON.stringify(mapping), perMonth, m],
    );
    await db.query(
      `INSERT INTO invoice_line (invoice_id, line_no, cdr_ref, amount_excl_vat, amount_incl_vat, currency, raw)
       SELECT $1, i, 'H' || $3::text || '-' || i, (10 + (i % 400) / 100.0)::numeric(10, 2), round((10 + (i % 400) / 100.0) * 1.21, 2), 'EUR', '{}'::jsonb
       FROM generate_series(1, $2::int) AS i`,
      [id, perMonth, m],
    );
  }
}

async function run(request: ReconcileWorkerRequest): Promise<void> {
  const rss = rssSampler();
  const financeKey = `fin-${randomBytes(12).toString('hex')}`;
  const env = loadEnvironment({
    ...request.databaseEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SYNC_INTERVAL_MINUTES: '0',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    OPERATIONS_API_KEY: `ops-${randomBytes(12).toString('hex')}`,
    INTERNAL_API_KEY: `int-${randomBytes(12).toString('hex')}`,
    FINANCE_API_KEY: financeKey,
  });
  let service: RunningService | undefined;
  try {
    service = await startService(env);
    const db = service.app.get(DataSource);
    const t0 = performance.now();
    const { connectionId, invoiceId } = await seed(db, request.lines, request.historyCdrs);
    const seedMs = performance.now() - t0;
    global.gc?.();
    const baseRss = process.memoryUsage.rss();

    rss.reset();
    const t2 = performance.now();
    // Only the count is kept: the rows must not stay alive through the report's run.
    const ceilingRows = (
      await db.query<unknown[]>(
        `SELECT l.line_no, l.cdr_ref, l.amount_excl_vat::text, l.amount_incl_vat::text, c.ocpi_id, c.stated_before_taxes::text, c.stated_after_taxes::text, c.currency
       FROM invoice_line l LEFT JOIN cdr c ON c.connection_id = (SELECT connection_id FROM invoice WHERE id = $1) AND c.ocpi_id = l.cdr_ref
       WHERE l.invoice_id = $1 ORDER BY l.line_no`,
        [invoiceId],
      )
    ).length;
    const ceiling = { wallMs: round(performance.now() - t2), peakRssMiB: toMiB(rss.peak()), rows: ceilingRows };
    global.gc?.();

    // The report is asked for by the parent process, so that parsing the answer does not count as the service's memory.
    const peak = { json: 0, csv: 0, import: 0, importStreamed: 0 };
    const cpuMs = { json: 0, csv: 0 };
    for (const format of ['json', 'csv'] as const) {
      global.gc?.();
      rss.reset();
      const cpu = process.cpuUsage();
      const fetched = new Promise<void>((resolve) => process.once('message', () => resolve()));
      await send({ type: 'ready', url: service.url, financeKey, invoiceId, format });
      await fetched;
      peak[format] = toMiB(rss.peak());
      const used = process.cpuUsage(cpu);
      cpuMs[format] = round((used.user + used.system) / 1000);
    }
    // The import is timed in the scenario without a history only: what it costs does not depend on it.
    for (const streamed of request.historyCdrs > 0 ? [] : [false, true]) {
      global.gc?.();
      rss.reset();
      const imported = new Promise<void>((resolve) => process.once('message', () => resolve()));
      await send({ type: 'import', url: service.url, financeKey, connectionId, streamed });
      await imported;
      peak[streamed ? 'importStreamed' : 'import'] = toMiB(rss.peak());
    }
    await send({ type: 'result', result: { seedMs: round(seedMs), baseRssMiB: toMiB(baseRss), peakRssMiB: peak, cpuMs, ceiling } });
  } finally {
    rss.stop();
    await service?.stop();
  }
}

process.once('message', (request: ReconcileWorkerRequest) => {
  run(request)
    .then(() => process.exit(0))
    .catch(async (error: unknown) => {
      await send({ type: 'error', message: (error as Error).stack ?? String(error) });
      process.exit(1);
    });
});
