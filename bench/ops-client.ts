/**
 * Minimal client of the operations API over node:http. Not fetch: undici's default 300 s headers timeout
 * would abort a long synchronous POST …/sync on a slow machine, and this must never be the thing that fails.
 */
import { request } from 'node:http';

/** A call to the operations API; `T` is the shape of its JSON answer (one of the interfaces below), not checked. */
export type OpsClient = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

/** The parts of the operations API's answers the benchmarks read (see src/operations). */
export interface Connection {
  id: string;
}

/** POST /connections/{id}/sync answers one per module. */
export interface SyncOutcome {
  module: string;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  pages: number;
  received: number;
  stored: number;
  rejected: number;
  message: string | null;
}

/** GET /connections/{id}/summary: what is held from the CPO. */
export interface ConnectionSummary {
  stored: { locations: number; evses: number; connectors: number; tariffs: number; cdrs: number };
}

/** A client for `${baseUrl}/api/v1/operations`, authenticated with the X-API-Key header. */
export function opsClient(baseUrl: string, apiKey: string): OpsClient {
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = { 'X-API-Key': apiKey, 'Content-Length': payload ? Buffer.byteLength(payload) : 0 };
      if (payload) headers['Content-Type'] = 'application/json';
      const req = request(`${baseUrl}/api/v1/operations${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 400) return reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 500)}`));
          try {
            resolve(text ? JSON.parse(text) : undefined);
          } catch (error) {
            reject(new Error(`${method} ${path}: response is not JSON (${(error as Error).message})`));
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
}
