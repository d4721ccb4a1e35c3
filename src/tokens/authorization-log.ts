import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AllowedType, TokenType } from './token.model';

/** One real-time authorization we answered (mod_tokens §POST Method), for the charge's story. */
export interface AuthorizationRecord {
  token_uid: string;
  token_type: TokenType;
  connection_id: string | null;
  ocpi_version: string;
  location_id: string | null;
  evse_uids: string[] | null;
  connector_ids: string[] | null;
  allowed: AllowedType;
  authorization_reference: string | null;
  /** ISO-8601 UTC. */
  answered_at: string;
}

/** How long an answer waits in memory before it is written: what a crash can lose at most. */
export const AUTHORIZATION_FLUSH_MS = 200;
/** Written at once when this many wait. */
const FLUSH_AT = 1000;
/** Kept at most while the database cannot be written; older ones beyond are dropped (counted, warned). */
const MAX_BUFFERED = 100_000;
/** Bytes of a chunk of waiting answers (a larger answer gets a chunk of its own size). */
const CHUNK_BYTES = 64 * 1024;
/** Ends every answer's JSON in a chunk: JSON.stringify never writes a raw newline, so it also tells where one ends. */
const END = ',\n';

/**
 * Answers waiting to be written, as JSON text (each followed by END) in a Buffer: outside the JS heap, so that the
 * answers of the last AUTHORIZATION_FLUSH_MS (hundreds under load) are not objects the garbage collector copies and
 * promotes on every young-generation collection, which lengthened every pause of the authorizations in flight.
 */
interface Chunk {
  bytes: Buffer;
  used: number;
  count: number;
}

/**
 * token_authorization, written off the request path: an answer is appended to a buffer (no I/O), and the buffer is
 * written in one INSERT every AUTHORIZATION_FLUSH_MS (or at FLUSH_AT entries), and on shutdown. A crash loses at most
 * the answers of the last AUTHORIZATION_FLUSH_MS (plus a write in flight); a failed write is retried with the next one.
 * While the database cannot be written, at most about MAX_BUFFERED answers wait (the oldest chunk goes first).
 */
@Injectable()
export class AuthorizationLog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuthorizationLog.name);
  private buffer: Chunk[] = [];
  private buffered = 0;
  private inFlight: Chunk[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dropped = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), AUTHORIZATION_FLUSH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    await this.flush();
  }

  /** Records one answer (no I/O here). */
  record(entry: AuthorizationRecord): void {
    const json = JSON.stringify(entry) + END;
    const length = Buffer.byteLength(json);
    let chunk = this.buffer.length > 0 ? this.buffer[this.buffer.length - 1] : undefined;
    if (!chunk || chunk.used + length > chunk.bytes.length) {
      chunk = { bytes: Buffer.allocUnsafe(Math.max(CHUNK_BYTES, length)), used: 0, count: 0 };
      this.buffer.push(chunk);
    }
    chunk.used += chunk.bytes.write(json, chunk.used);
    chunk.count += 1;
    this.buffered += 1;
    while (this.buffered > MAX_BUFFERED && this.buffer.length > 1) {
      const oldest = this.buffer.shift()!;
      this.buffered -= oldest.count;
      this.dropped += oldest.count;
    }
    if (this.buffered >= FLUSH_AT) void this.flush();
  }

  /** Writes what waits (one write at a time); resolves when it is written or the write failed (kept for the next). */
  flush(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.buffered === 0) return Promise.resolve();
    const batch = this.buffer;
    const count = this.buffered;
    this.buffer = [];
    this.buffered = 0;
    this.inFlight = batch;
    this.writing = this.write(batch)
      .catch((error: unknown) => {
        this.buffer = [...batch, ...this.buffer];
        this.buffered += count;
        this.logger.warn(`${count} authorization records not written yet (retried): ${(error as Error).message}`);
      })
      .finally(() => {
        this.writing = null;
        this.inFlight = [];
        if (this.dropped > 0) {
          this.logger.warn(`authorization records dropped while the database could not be written: ${this.dropped}`);
          this.dropped = 0;
        }
      });
    return this.writing;
  }

  private async write(batch: Chunk[]): Promise<void> {
    const text = batch.map((c) => c.bytes.toString('utf8', 0, c.used)).join('');
    await this.db.query(
      `INSERT INTO token_authorization (token_uid, token_type, connection_id, ocpi_version, location_id, evse_uids, connector_ids, allowed, authorization_reference, answered_at)
       SELECT x.token_uid, x.token_type, x.connection_id, x.ocpi_version, x.location_id,
         (SELECT array_agg(e) FROM jsonb_array_elements_text(x.evse_uids) e), (SELECT array_agg(c) FROM jsonb_array_elements_text(x.connector_ids) c),
         x.allowed, x.authorization_reference, x.answered_at
       FROM jsonb_to_recordset($1::jsonb) AS x(token_uid text, token_type text, connection_id uuid, ocpi_version text, location_id text,
         evse_uids jsonb, connector_ids jsonb, allowed text, authorization_reference text, answered_at timestamptz)`,
      [`[${text.slice(0, -END.length)}]`],
    );
  }

  /** The waiting answer given with `reference`, read back from its chunk, or null. */
  private waitingWith(reference: string): AuthorizationRecord | null {
    const needle = `"authorization_reference":${JSON.stringify(reference)}`;
    for (const chunk of [...this.inFlight, ...this.buffer]) {
      const at = chunk.bytes.subarray(0, chunk.used).indexOf(needle);
      if (at < 0) continue;
      const start = chunk.bytes.lastIndexOf('\n', at) + 1;
      const end = chunk.bytes.indexOf(END, at);
      return JSON.parse(chunk.bytes.toString('utf8', start, end)) as AuthorizationRecord;
    }
    return null;
  }

  /**
   * The authorization an authorization_reference was given with (mod_tokens 2.2.1 §AuthorizationInfo
   * authorization_reference, carried later by the Session and the CDR), or null. Looks at what still waits in memory too.
   */
  async authorizationFor(reference: string): Promise<AuthorizationRecord | null> {
    const waiting = this.waitingWith(reference);
    if (waiting) return waiting;
    const [row] = await this.db.query<Array<Omit<AuthorizationRecord, 'answered_at'> & { answered_at: Date }>>(
      `SELECT token_uid, token_type, connection_id, ocpi_version, location_id, evse_uids, connector_ids, allowed, authorization_reference, answered_at
       FROM token_authorization WHERE authorization_reference = $1`,
      [reference],
    );
    return row ? { ...row, answered_at: row.answered_at.toISOString() } : null;
  }
}
