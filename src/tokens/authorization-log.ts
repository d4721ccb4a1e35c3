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

/**
 * token_authorization, written off the request path: an answer is appended to a buffer (no I/O), and the buffer is
 * written in one INSERT every AUTHORIZATION_FLUSH_MS (or at FLUSH_AT entries), and on shutdown. A crash loses at most
 * the answers of the last AUTHORIZATION_FLUSH_MS (plus a write in flight); a failed write is retried with the next one.
 */
@Injectable()
export class AuthorizationLog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuthorizationLog.name);
  private buffer: AuthorizationRecord[] = [];
  private inFlight: AuthorizationRecord[] = [];
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
    this.buffer.push(entry);
    if (this.buffer.length > MAX_BUFFERED) {
      this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
      this.dropped += 1;
    }
    if (this.buffer.length >= FLUSH_AT) void this.flush();
  }

  /** Writes what waits (one write at a time); resolves when it is written or the write failed (kept for the next). */
  flush(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.buffer.length === 0) return Promise.resolve();
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight = batch;
    this.writing = this.write(batch)
      .catch((error: unknown) => {
        this.buffer = [...batch, ...this.buffer];
        this.logger.warn(`${batch.length} authorization records not written yet (retried): ${(error as Error).message}`);
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

  private async write(batch: AuthorizationRecord[]): Promise<void> {
    await this.db.query(
      `INSERT INTO token_authorization (token_uid, token_type, connection_id, ocpi_version, location_id, evse_uids, connector_ids, allowed, authorization_reference, answered_at)
       SELECT x.token_uid, x.token_type, x.connection_id, x.ocpi_version, x.location_id,
         (SELECT array_agg(e) FROM jsonb_array_elements_text(x.evse_uids) e), (SELECT array_agg(c) FROM jsonb_array_elements_text(x.connector_ids) c),
         x.allowed, x.authorization_reference, x.answered_at
       FROM jsonb_to_recordset($1::jsonb) AS x(token_uid text, token_type text, connection_id uuid, ocpi_version text, location_id text,
         evse_uids jsonb, connector_ids jsonb, allowed text, authorization_reference text, answered_at timestamptz)`,
      [JSON.stringify(batch)],
    );
  }

  /**
   * The authorization an authorization_reference was given with (mod_tokens 2.2.1 §AuthorizationInfo
   * authorization_reference, carried later by the Session and the CDR), or null. Looks at what still waits in memory too.
   */
  async authorizationFor(reference: string): Promise<AuthorizationRecord | null> {
    const waiting = [...this.inFlight, ...this.buffer].find((r) => r.authorization_reference === reference);
    if (waiting) return waiting;
    const [row] = await this.db.query<Array<Omit<AuthorizationRecord, 'answered_at'> & { answered_at: Date }>>(
      `SELECT token_uid, token_type, connection_id, ocpi_version, location_id, evse_uids, connector_ids, allowed, authorization_reference, answered_at
       FROM token_authorization WHERE authorization_reference = $1`,
      [reference],
    );
    return row ? { ...row, answered_at: row.answered_at.toISOString() } : null;
  }
}
