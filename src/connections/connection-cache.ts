import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { CpoConnectionEntity } from './cpo-connection.entity';

/** How often each instance reads the connections changed since its last look: well within the one second allowed. */
export const CONNECTION_REFRESH_MS = 250;

/**
 * Every CPO connection with its parties and module modes, held in memory and found by the hash of a credentials token of ours (current
 * or pending), so that the OCPI auth guard answers each request without a database round trip (transport_and_format
 * 2.2.1 §Authorization header). Loaded whole before the service listens, then kept fresh by reading, every
 * CONNECTION_REFRESH_MS, the connections whose changed_xid (set by triggers on cpo_connection and connection_party, so
 * every writer is covered) is at or past the xmin of the previous poll's snapshot: a change committed through any
 * instance reaches every instance within CONNECTION_REFRESH_MS plus one query, whatever order writers commit in.
 * Writers on this instance call {@link changed} after a write, which resolves once the copy holds it (read your
 * writes: a token revoked here stops working here at once); a token not held is looked for in the database once
 * ({@link catchUpIfKnown}), so a CPO just registered through another instance is not refused meanwhile. When the database is unreachable, the last copy answers
 * and the catch-up resumes after. Connections are never deleted (UNREGISTERED instead), so a poll never needs to see
 * a row go.
 */
@Injectable()
export class ConnectionCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ConnectionCache.name);
  private readonly byId = new Map<string, CpoConnectionEntity>();
  private readonly byTokenHash = new Map<string, CpoConnectionEntity>();
  /** Connections already read whose rows may show again (changed_xid >= watermark): id → changed_xid read. */
  private seen = new Map<string, string>();
  /** xmin of the last poll's snapshot: every transaction below it had ended; null before the first load. */
  private watermark: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The catch-up running or queued last: a catch-up asked for after a write starts after the one under way. */
  private tail: Promise<void> = Promise.resolve();
  private queued = false;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.catchUp();
    this.timer = setInterval(() => void this.poll(), CONNECTION_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tail;
  }

  /**
   * The connection one of our credentials tokens (its SHA-256 hash, current or pending) belongs to, as a copy the
   * caller may change; undefined when none.
   */
  findByTokenHash(hash: string): CpoConnectionEntity | undefined {
    const held = this.byTokenHash.get(hash);
    return held ? copyOf(held) : undefined;
  }

  /**
   * For token hashes not held here: whether the database knows one of them (a connection registered, or a token issued,
   * through another instance since this one's last poll: the CPO may call here before the poll). If so, catches up
   * first, so that the caller can look again. A token nobody issued costs this one query on the unique indexes (as every
   * request did before connections were held in memory); a revoked one is not in the database, so it stays refused.
   */
  async catchUpIfKnown(hashes: string[]): Promise<boolean> {
    if (hashes.length === 0) return false;
    const [row] = await this.db.query<Array<{ known: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM cpo_connection WHERE our_token_hash = ANY($1::text[]) OR our_pending_token_hash = ANY($1::text[])) AS known`,
      [hashes],
    );
    if (!row.known) return false;
    await this.changed();
    return true;
  }

  /** The connection with this id, as a copy the caller may change; undefined when none is held (yet). */
  get(id: string): CpoConnectionEntity | undefined {
    const held = this.byId.get(id);
    return held ? copyOf(held) : undefined;
  }

  /** How many connections are held. */
  get size(): number {
    return this.byId.size;
  }

  /**
   * Resolves once the copy holds every write committed before the call (a catch-up that starts after it): for writers
   * on this instance. Never rejects (a failed catch-up is logged; the poll tries again).
   */
  changed(): Promise<void> {
    return this.enqueue();
  }

  /** The poll: one catch-up unless one is already waiting to run (a slow database never stacks queries). */
  private poll(): Promise<void> {
    return this.queued ? this.tail : this.enqueue();
  }

  private enqueue(): Promise<void> {
    this.queued = true;
    this.tail = this.tail.then(() => {
      this.queued = false;
      return this.catchUp().catch((error: unknown) =>
        this.logger.warn(`Connections not refreshed (OCPI requests are authenticated from the last copy): ${(error as Error).message}`),
      );
    });
    return this.tail;
  }

  private async catchUp(): Promise<void> {
    // One statement, one snapshot: its xmin is the next watermark, and every row written by a transaction that had
    // ended by then is visible in it.
    const [row] = await this.db.query<Array<{ xmin: string; changed: Array<[string, string]> }>>(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
         (SELECT coalesce(json_agg(json_build_array(c.id, c.changed_xid::text)), '[]') FROM cpo_connection c
           WHERE $1::xid8 IS NULL OR c.changed_xid >= $1::xid8) AS changed`,
      [this.watermark],
    );
    const changed = row.changed.filter(([id, xid]) => this.seen.get(id) !== xid);
    if (changed.length > 0) {
      const loaded = await this.db.getRepository(CpoConnectionEntity).find({ where: { id: In(changed.map(([id]) => id)) }, relations: { parties: true, moduleModes: true } });
      for (const connection of loaded) this.put(connection);
    }
    this.watermark = row.xmin;
    const watermark = BigInt(row.xmin);
    this.seen = new Map(row.changed.filter(([, xid]) => BigInt(xid) >= watermark));
  }

  private put(connection: CpoConnectionEntity): void {
    const held = this.byId.get(connection.id);
    if (held) {
      for (const hash of [held.ourTokenHash, held.ourPendingTokenHash]) if (hash && this.byTokenHash.get(hash) === held) this.byTokenHash.delete(hash);
    }
    this.byId.set(connection.id, connection);
    for (const hash of [connection.ourTokenHash, connection.ourPendingTokenHash]) if (hash) this.byTokenHash.set(hash, connection);
  }
}

/** A copy of a held connection a request may change (the credentials services update theirs) without touching ours. */
function copyOf(held: CpoConnectionEntity): CpoConnectionEntity {
  return Object.assign(new CpoConnectionEntity(), held, { parties: held.parties.map((p) => ({ ...p })), moduleModes: held.moduleModes.map((m) => ({ ...m })) });
}
