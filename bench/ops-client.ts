/**
 * Minimal client of the operations API over node:http (no undici headers timeout to think about on a slow machine).
 * "Sync now" answers 202 at once; scripts/follow-sync.ts follows the runs.
 */
import { request } from 'node:http';
import type { Ops } from '../scripts/follow-sync';

export { syncAndWait, type SyncOutcome } from '../scripts/follow-sync';

/** A call to the operations API; `T` is the shape of its JSON answer (one of the interfaces below), not checked. */
export type OpsClient = Ops;

/** The parts of the operations API's answers the benchmarks read (see src/operations). */
export interface Connection {
  id: string;
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
