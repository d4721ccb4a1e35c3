import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { callOutcomeOf, countOcpiCall } from '../metrics/process-metrics';
import { OcpiCallRecord, OcpiCallRecorder, OcpiCallSuccess } from '../ocpi/wire/ocpi-call-recorder';
import { storableText } from '../common/json/storable-text';
import { redactForLog } from './body-redaction';
import { CallLogSide, readCallLogEntry } from './call-log-reading';

/** Advisory lock key of the call-log pruning ("CLOG" in ASCII). */
const CALL_LOG_PRUNE_LOCK = 0x434c4f47;

/** Which entries to list; every field optional. */
export interface CallLogFilter {
  connectionId?: string;
  module?: string;
  kind?: string;
  direction?: 'OUTGOING' | 'INCOMING';
  since?: Date;
  /** Only entries created before this instant. */
  until?: Date;
  /** Only entries naming this object id (an OCPI id, e.g. a Location's or a CDR's) in their URL or bodies. */
  objectId?: string;
  /** Only entries older than this one ({@link CallLogEntryView.cursor} of the last entry of the previous page). */
  after?: string;
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
  /** Whose move it is: CPO, OURS, NETWORK or EITHER (see call-log-reading.ts). */
  side: CallLogSide;
  /** What to do next, in plain words. */
  next_step: string;
  created_at: string;
  /** Pass as `after` to list the entries older than this one (paging). */
  cursor: string;
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

  /** Entries matching `filter`, newest first (ties by id). A malformed `after` cursor lists from the newest. */
  async list(filter: CallLogFilter): Promise<CallLogEntryView[]> {
    const after = parseCursor(filter.after);
    const rows: EntryRow[] = await this.db.query(
      `SELECT ${ENTRY_COLUMNS}
       FROM ocpi_call_log l LEFT JOIN cpo_connection c ON c.id = l.connection_id
       WHERE ($1::uuid IS NULL OR l.connection_id = $1) AND ($2::text IS NULL OR l.module = $2) AND ($3::text IS NULL OR l.kind = $3)
         AND ($4::text IS NULL OR l.direction = $4) AND ($5::timestamptz IS NULL OR l.created_at >= $5)
         AND ($6::timestamptz IS NULL OR l.created_at < $6)
         AND ($7::text IS NULL OR strpos(l.url, $7) > 0 OR strpos(coalesce(l.request_body, ''), $7) > 0 OR strpos(coalesce(l.response_body, ''), $7) > 0)
         AND ($8::timestamptz IS NULL OR (l.created_at, l.id) < ($8::timestamptz, $9::uuid))
       ORDER BY l.created_at DESC, l.id DESC LIMIT $10`,
      [
        filter.connectionId ?? null,
        filter.module ?? null,
        filter.kind ?? null,
        filter.direction ?? null,
        filter.since ?? null,
        filter.until ?? null,
        filter.objectId || null,
        after?.createdAt ?? null,
        after?.id ?? null,
        filter.limit ?? 100,
      ],
    );
    return rows.map(entryView);
  }

  /** One entry by its id, or null. */
  async get(id: string): Promise<CallLogEntryView | null> {
    const rows: EntryRow[] = await this.db.query(`SELECT ${ENTRY_COLUMNS} FROM ocpi_call_log l LEFT JOIN cpo_connection c ON c.id = l.connection_id WHERE l.id = $1`, [id]);
    return rows.length === 0 ? null : entryView(rows[0]);
  }
}

/** The columns of an entry as {@link EntryRow}; `created_key` is the exact timestamp as text (microseconds), for cursors. */
const ENTRY_COLUMNS = `l.id, l.connection_id, c.name AS cpo, l.direction, l.module, l.method, l.url, l.kind, l.http_status, l.ocpi_status,
  l.duration_ms, l.request_id, l.correlation_id, l.request_body, l.response_body, l.explanation, l.created_at, l.created_at::text AS created_key`;

type EntryRow = Omit<CallLogEntryView, 'created_at' | 'side' | 'next_step' | 'cursor'> & { created_at: Date; created_key: string };

function entryView({ created_key, ...row }: EntryRow): CallLogEntryView {
  return { ...row, ...readCallLogEntry(row), created_at: new Date(row.created_at).toISOString(), cursor: `${created_key}|${row.id}` };
}

/** timestamptz as PostgreSQL writes it as text (ISO style), e.g. `2026-12-06 14:03:12.123456+00`. */
const POSTGRES_TIMESTAMPTZ = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d){0,2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `created_at text|id` as {@link entryView} writes it; null when absent or not of that shape. */
function parseCursor(cursor: string | undefined): { createdAt: string; id: string } | null {
  if (!cursor) return null;
  const at = cursor.lastIndexOf('|');
  const createdAt = cursor.slice(0, at);
  const id = cursor.slice(at + 1);
  if (at <= 0 || !UUID.test(id) || !POSTGRES_TIMESTAMPTZ.test(createdAt)) return null;
  return { createdAt, id };
}
