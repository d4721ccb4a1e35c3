/**
 * PgliteSessionQueue (src/database/pglite-session-queue.ts) on a real PGlite: two connections' parameterised
 * queries arriving interleaved, message by message (PostgreSQL frontend/backend protocol, extended query: Parse, Bind,
 * Execute, Sync), each get their own answer. With pglite-socket's own queue the second Parse replaced the first's
 * unnamed statement before its Bind (pglite issue #1046; seen in our search index under load). And a batch's answers
 * are written once its Sync has run, in one piece.
 */
import { PGlite } from '@electric-sql/pglite';
import { PgliteSessionQueue } from '../../src/database/pglite-session-queue';

/** One frontend message: type byte, int32 length (itself included), body. */
function message(type: string, ...parts: Buffer[]): Uint8Array {
  const body = Buffer.concat(parts);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return new Uint8Array(Buffer.concat([Buffer.from(type), length, body]));
}
const cstring = (s: string) => Buffer.from(`${s}\0`);
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

const parse = (sql: string) => message('P', cstring(''), cstring(sql), int16(0));
const bind = (value: string) => message('B', cstring(''), cstring(''), int16(0), int16(1), int32(Buffer.byteLength(value)), Buffer.from(value), int16(0));
const execute = () => message('E', cstring(''), int32(0));
const sync = () => message('S');

/** The text values of the DataRow messages ('D') in a backend byte stream. */
function dataRows(bytes: Buffer): string[] {
  const values: string[] = [];
  for (let at = 0; at < bytes.length;) {
    const type = String.fromCharCode(bytes[at]);
    const length = bytes.readInt32BE(at + 1);
    if (type === 'D') {
      const valueLength = bytes.readInt32BE(at + 7);
      values.push(bytes.subarray(at + 11, at + 11 + valueLength).toString());
    }
    at += 1 + length;
  }
  return values;
}

describe("PgliteSessionQueue: one connection's extended-protocol batch stays whole in the shared session", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(() => db?.close());

  it("connection 2's Parse, arriving between connection 1's Parse and Bind, waits for connection 1's Sync", async () => {
    const queue = new PgliteSessionQueue(db);
    const received: Record<number, Buffer[]> = { 1: [], 2: [] };
    const send = (handler: 1 | 2, m: Uint8Array) => queue.enqueue(handler, m, (data) => received[handler].push(Buffer.from(data)));
    // Interleaved as two sockets' data events can deliver them.
    await Promise.all([
      send(1, parse('SELECT $1::int * 2 AS doubled')),
      send(2, parse("SELECT $1::text || '!' AS shouted")),
      send(1, bind('21')),
      send(2, bind('hello')),
      send(1, execute()),
      send(2, execute()),
      send(1, sync()),
      send(2, sync()),
    ]);
    expect(dataRows(Buffer.concat(received[1]))).toEqual(['42']);
    expect(dataRows(Buffer.concat(received[2]))).toEqual(['hello!']);
  });

  it("holds a batch's answers until its Sync has run, then writes them in one piece, in protocol order", async () => {
    const queue = new PgliteSessionQueue(db);
    const writes: Buffer[] = [];
    const send = (m: Uint8Array) => queue.enqueue(1, m, (data) => writes.push(Buffer.from(data)));
    await send(parse('SELECT $1::int + 1 AS next'));
    await send(bind('41'));
    await send(execute());
    const beforeSync = writes.length;
    await send(sync());

    expect(beforeSync).toBe(0);
    expect(writes).toHaveLength(1);
    expect(messageTypes(writes[0])).toEqual(['1', '2', 'D', 'C', 'Z']); // ParseComplete, BindComplete, DataRow, CommandComplete, ReadyForQuery
    expect(dataRows(writes[0])).toEqual(['42']);
  });
});

/** The type of each backend message in a byte stream, in order. */
function messageTypes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at < bytes.length; at += 1 + bytes.readInt32BE(at + 1)) types.push(String.fromCharCode(bytes[at]));
  return types;
}
