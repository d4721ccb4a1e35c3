import type { PGlite } from '@electric-sql/pglite';

/** Frontend message types that end a batch: Sync closes an extended-protocol batch, Query is a whole simple query. */
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
/**
 * Extended-protocol messages whose answers nobody waits for before the batch's Sync (or a Flush): Parse, Bind,
 * Describe, Execute, Close. Their answers are held and written with the Sync's, in one write.
 */
const HELD_UNTIL_SYNC = new Set([0x50, 0x42, 0x44, 0x45, 0x43]); // 'P', 'B', 'D', 'E', 'C'

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/**
 * The query queue of pglite-socket's server, replaced (see startEmbeddedPostgres) to fix its known defects
 * (electric-sql/pglite issue #1046, open in 0.2.17): every connection shares PGlite's ONE session, and the stock
 * queue keeps a connection's messages together only inside an SQL transaction. Between the Parse, Bind, Execute
 * and Sync of a parameterised query there is no transaction, so another connection's Parse can replace the unnamed
 * statement before this one's Bind: an error, or rows of the other query. Seen here under load: the search index's
 * poll (`$1::xid8`) met the uuid[] parameter of another connection's query. Here a connection owns the session from
 * its first message until its batch ends (Sync or a simple Query) with no transaction open; the others wait. And a
 * failing message rejects that message only, instead of stopping the queue for good.
 *
 *
 * The answers of a batch's messages are held until its last message has run and written in one piece (pglite-socket
 * writes each piece to the socket at once, Nagle off): a parameterised query was five to ten socket writes, each a system
 * call and a wake-up of the client, which cost the embedded database's thread more than some of its queries did.
 *
 * Same interface as pglite-socket's QueryQueueManager (enqueue, getQueueLength, clearQueueForHandler,
 * clearTransactionIfNeeded), which its connection handlers call.
 */
export class PgliteSessionQueue {
  private readonly queue: Queued[] = [];
  private processing = false;
  /** The connection whose batch or transaction is open in the session, or null. */
  private owner: number | null = null;
  /** Answers held per connection until its batch ends (see HELD_UNTIL_SYNC), in order. */
  private readonly held = new Map<number, Uint8Array[]>();

  constructor(private readonly db: PGlite) {}

  /** Runs one frontend message of connection `handlerId` when the session is free for it; resolves with the bytes answered. */
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  /** A connection went away: its waiting messages are rejected (and the answers held for it dropped). */
  clearQueueForHandler(handlerId: number): void {
    this.held.delete(handlerId);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].handlerId !== handlerId) continue;
      this.queue[i].reject(new Error('Handler disconnected'));
      this.queue.splice(i, 1);
    }
  }

  /** A connection went away holding the session: roll back its transaction, free the session for the others. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    void this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const index = this.owner === null ? (this.queue.length > 0 ? 0 : -1) : this.queue.findIndex((q) => q.handlerId === this.owner);
        if (index < 0) return; // nothing queued, or the owner's next message has not arrived yet
        const [next] = this.queue.splice(index, 1);
        await this.run(next);
      }
    } finally {
      this.processing = false;
    }
  }

  private async run(item: Queued): Promise<void> {
    let bytes = 0;
    const hold = HELD_UNTIL_SYNC.has(item.message[0]);
    const answers = this.held.get(item.handlerId) ?? [];
    this.held.delete(item.handlerId);
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(item.message, {
          onRawData: (data: Uint8Array) => {
            bytes += data.length;
            // A copy: PGlite hands a view of its memory, reused by its next answer.
            answers.push(data.slice());
          },
        }),
      );
      if (hold) this.held.set(item.handlerId, answers);
      else send(item, answers);
      item.resolve(bytes);
    } catch (error) {
      // What the batch answered before the failure is the client's too.
      send(item, answers);
      item.reject(error);
    } finally {
      this.owner = endsBatch(item.message) && !this.db.isInTransaction() ? null : item.handlerId;
    }
  }
}

/** Writes `answers` to the connection of `item` in one piece (nothing when there are none). */
function send(item: Queued, answers: Uint8Array[]): void {
  if (answers.length === 0) return;
  item.onData(answers.length === 1 ? answers[0] : Buffer.concat(answers));
}

/** Whether this message ends a batch. The startup message (no type byte: it begins with its length) opens none. */
function endsBatch(message: Uint8Array): boolean {
  const type = message[0];
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
}
