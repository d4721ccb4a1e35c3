/**
 * A second HTTP server on loopback that is not the CPO: it records every request (URL and Authorization header)
 * and answers a plausible OCPI page, so that a client that wrongly follows a link to it would happily carry on.
 * Tests assert that it is never called.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BystanderCall {
  method: string;
  url: string;
  authorization: string | undefined;
}

export interface BystanderServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  calls: BystanderCall[];
  close(): Promise<void>;
}

export async function startBystanderServer(): Promise<BystanderServer> {
  const calls: BystanderCall[] = [];
  const server = createServer((req, res) => {
    calls.push({ method: req.method ?? 'GET', url: req.url ?? '', authorization: req.headers.authorization });
    const body = JSON.stringify({ data: [], status_code: 1000, status_message: 'Success', timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
