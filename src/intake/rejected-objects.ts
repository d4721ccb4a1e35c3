import { EntityManager } from 'typeorm';
import { storableCopy } from '../common/json/storable-text';

/** Who an object claimed to be, as far as it could be read (any part may be missing from a broken object). */
export interface RejectedIdentity {
  countryCode: string | null;
  partyId: string | null;
  id: string | null;
}

/** One object we refused: as the CPO sent it, with every reason. */
export interface Rejection {
  raw: unknown;
  reason: string;
  identity: RejectedIdentity;
}

/**
 * Files refused objects in rejected_object (see RejectedObjectEntity), raw and with the reason, so nothing a CPO sent
 * is lost and operations can show it what was wrong. `syncRunId` is null for objects a CPO pushed to us. Every string
 * is made storable first (NUL and lone surrogates written out as `\u0000` / `\ud800`: see storable-text.ts), and a
 * raw `null` (the JSON value, or no body) is kept as the jsonb null.
 */
export async function fileRejections(
  m: Pick<EntityManager, 'query'>,
  source: { connectionId: string; syncRunId: string | null; module: string; ocpiVersion: string },
  rejections: Rejection[],
): Promise<void> {
  if (rejections.length === 0) return;
  await m.query(
    `INSERT INTO rejected_object (connection_id, sync_run_id, module, ocpi_version, country_code, party_id, object_id, reason, raw, received_at)
     SELECT $1, $2, $3, $4, x->>'country_code', x->>'party_id', x->>'object_id', x->>'reason', x->'raw', now()
     FROM jsonb_array_elements($5::jsonb) AS x`,
    [
      source.connectionId,
      source.syncRunId,
      source.module,
      source.ocpiVersion,
      JSON.stringify(
        storableCopy(
          rejections.map((r) => ({
            country_code: r.identity.countryCode,
            party_id: r.identity.partyId,
            object_id: r.identity.id,
            reason: r.reason,
            // JSON null, not an absent key: x->'raw' is then the jsonb null, never SQL NULL.
            raw: r.raw ?? null,
          })),
        ),
      ),
    ],
  );
}

/** A filed rejection as operations see it. */
export interface RejectedObjectView {
  id: string;
  module: string;
  ocpi_version: string;
  country_code: string | null;
  party_id: string | null;
  object_id: string | null;
  reason: string;
  raw: unknown;
  received_at: Date;
  sync_run_id: string | null;
}

/** The latest `limit` rejections of one connection, newest first, of one module or all. */
export function listRejections(db: Pick<EntityManager, 'query'>, connectionId: string, options: { module: string | null; limit: number }): Promise<RejectedObjectView[]> {
  return db.query(
    `SELECT id, module, ocpi_version, country_code, party_id, object_id, reason, raw, received_at, sync_run_id
     FROM rejected_object WHERE connection_id = $1 AND ($2::text IS NULL OR module = $2) ORDER BY received_at DESC LIMIT $3`,
    [connectionId, options.module, options.limit],
  );
}
