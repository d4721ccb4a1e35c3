import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { callOutcomeOf, countOcpiCall } from '../metrics/process-metrics';
import { OcpiCallRecord, OcpiCallRecorder, OcpiCallSuccess } from '../ocpi/wire/ocpi-call-recorder';
import { storableText } from '../common/json/storable-text';
import { redactForLog } from './body-redaction';

/** Advisory lock key of the call-log pruning ("CLOG" in ASCII). */
const CALL_LOG_PRUNE_LOCK = 0x434c4f47;

/** Which entries to list; every field optional. */
export interface CallLogFilter {
  connectionId?: string;
  module?: string;
  kind?: string;
  direction?: 'OUTGOING' | 'INCOMING';
  since?: Date;
  /** 1–500, default 100. */
  limit?: number;
}

/** One call-log entry as operations see it. Bodies are redacted and at most 8 KB. */
export interface CallLogEntryView {
  id: string;
  connection_id: string | null;
  /** The connection's name (the CPO) when known. */
  cpo: string | null;
  direction: 'OUTGOING' | 'INCOMING';
  module: string | null;
  method: string;
  url: string;
  kind: string;
  http_status: number | null;
  ocpi_status: number | null;
  duration_ms: number | null;
  request_id: string | null;
  correlation_id: string | null;
  request_body: string | null;
  response_body: string | null;
  explanation: string;
  created_at: string;
}

/**
 * The per-CPO log of failed OCPI calls, both directions: what we called and what broke, and what CPOs called on
 * us that we answered with an error. Tokens never reach it: no headers are stored, bodies pass through
 * {@link redactForLog}. Writing never throws into the call being recorded.
 */
@Injectable()
export class CallLogService implements OcpiCallRecorder, BeforeApplicationShutdown {
  private readonly logger = new Logger(CallLogService.name);
  /** Writes not finished yet (the exception filter does not wait for them): awaited before the pool closes. */
  private readonly pending = new Set<Promise<void>>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores one failed call; a failure to store is logged, never thrown. An outgoing one is also counted in
   * ocpi_calls_total with its kind as the outcome (incoming ones are counted as pushes, see push-counting.ts).
   */
  record(entry: OcpiCallRecord): Promise<void> {
    if (entry.direction === 'OUTGOING') countOcpiCall(entry.connectionId, entry.module, callOutcomeOf(entry.kind), entry.durationMs);
    const write = this.write(entry).finally(() => this.pending.delete(write));
    this.pending.add(write);
    return write;
  }

  /** Counts a successful outgoing call in ocpi_calls_total (outcome SUCCESS) and its duration; stores nothing. */
  succeeded(call: OcpiCallSuccess): void {
    countOcpiCall(call.connectionId, call.module, 'SUCCESS', call.durationMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async write(entry: OcpiCallRecord): Promise<void> {
    // Every text as PostgreSQL can hold it: a CPO's NUL or lone surrogate (in a URL, an id it sent, a message quoting
    // its input) is written out as `\u0000` / `\ud800` rather than losing the entry.
    const text = (value: string | null) => (value === null ? null : storableText(value));
    try {
      await this.db.query(
        `INSERT INTO ocpi_call_log (connection_id, direction, module, method, url, kind, http_status, ocpi_status, duration_ms,
           request_id, correlation_id, request_body, response_body, explanation)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          entry.connectionId,
          entry.direction,
          text(entry.module),
          text(entry.method),
          text(entry.url.slice(0, 2048)),
          entry.kind,
          entry.httpStatus,
          entry.ocpiStatus,
          entry.durationMs === null ? null : Math.round(entry.durationMs),
          text(entry.requestId),
          text(entry.correlationId),
          redactForLog(entry.requestBody),
          redactForLog(entry.responseBody),
          text(entry.explanation),
        ],
      );
    } catch (error) {
      this.logger.warn({ connectionId: entry.connectionId, url: entry.url }, `Could not write the call log: ${(error as Error).message}`);
    }
  }

  /**
   * Deletes the entries created before `before`, in batches of `batchSize` (short transactions, so writers never
   * wait long), and returns how many went. One instance at a time: each batch takes a transaction-scoped advisory
   * lock, and an instance that finds it taken stops, since another one is pruning already.
   */
  async prune(before: Date, batchSize = 5000): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await this.db.transaction(async (m) => {
        const [{ locked }] = await m.query<Array<{ locked: boolean }>>('SELECT pg_try_advisory_xact_lock($1) AS locked', [CALL_LOG_PRUNE_LOCK]);
        if (!locked) return 0;
        const [{ n }] = await m.query<Array<{ n: number }>>(
          `WITH gone AS (DELETE FROM ocpi_call_log WHERE id IN (SELECT id FROM ocpi_call_log WHERE created_at < $1 LIMIT $2) RETURNING 1)
           SELECT count(*)::int AS n FROM gone`,
          [before, batchSize],
        );
        return n;
      });
      deleted += batch;
      if (batch < batchSize) return deleted;
    }
  }

  /** Entries matching `filter`, newest first. */
  async list(filter: CallLogFilter): Promise<CallLogEntryView[]> {
    const rows: Array<Omit<CallLogEntryView, 'created_at'> & { created_at: Date }> = await this.db.query(
      `SELECT l.id, l.connection_id, c.name AS cpo, l.direction, l.module, l.method, l.url, l.kind, l.http_status, l.ocpi_status,
         l.duration_ms, l.request_id, l.correlation_id, l.request_body, l.response_body, l.explanation, l.created_at
       FROM ocpi_call_log l LEFT JOIN cpo_connection c ON c.id = l.connection_id
       WHERE ($1::uuid IS NULL OR l.connection_id = $1) AND ($2::text IS NULL OR l.module = $2) AND ($3::text IS NULL OR l.kind = $3)
         AND ($4::text IS NULL OR l.direction = $4) AND ($5::timestamptz IS NULL OR l.created_at >= $5)
       ORDER BY l.created_at DESC, l.id LIMIT $6`,
      [filter.connectionId ?? null, filter.module ?? null, filter.kind ?? null, filter.direction ?? null, filter.since ?? null, filter.limit ?? 100],
    );
    return rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() }));
  }
}
