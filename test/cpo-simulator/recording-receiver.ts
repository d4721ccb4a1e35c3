/**
 * For the simulator's own specs: an eMSP stand-in on loopback that records every request (method, path, headers,
 * body as received) and answers OCPI 1000 with `{ echo: <path> }` as data and a Location header, or what `answer`
 * says.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body as received ('' when none). */
  body: string;
}

export interface RecordingReceiver {
  /** e.g. http://127.0.0.1:40123/emsp: put module endpoints below it. */
  base: string;
  /** Every request, in arrival order (live array; empty it between tests with splice). */
  requests: RecordedRequest[];
  /** Answers the request instead of the default 200 / 1000 (HTTP status, envelope status_code). */
  answer?: (request: RecordedRequest) => { httpStatus: number; statusCode: number } | undefined;
  close(): Promise<void>;
}

export async function startRecordingReceiver(): Promise<RecordingReceiver> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      receiver.requests.push(recorded);
      const { httpStatus, statusCode } = receiver.answer?.(recorded) ?? { httpStatus: 200, statusCode: 1000 };
      res.writeHead(httpStatus, { 'Content-Type': 'application/json', Location: 'http://example.invalid/x' });
      res.end(JSON.stringify({ status_code: statusCode, status_message: statusCode === 1000 ? 'Success' : 'Refused', data: { echo: req.url }, timestamp: '2025-03-01T12:00:00Z' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: RecordingReceiver = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/emsp`,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return receiver;
}
