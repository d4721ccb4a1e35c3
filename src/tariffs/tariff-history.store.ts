import { EntityManager } from 'typeorm';
import type { IncomingTariff } from './tariff.model';

/**
 * Writes the tariff history (table tariff_version, see migration TariffHistory): per tariff, a new version when the
 * content the CPO sent (the wire object without last_updated) differs from the latest version we hold, else the
 * latest version's last_seen moves to `seenAt`. An object older (by last_updated) than the latest version is a late
 * duplicate and changes nothing; nor does one for a tariff another connection owns (as for the tariff table).
 *
 * valid_from of a new version: its last_updated when that moved forward (the CPO's word on when it changed), capped
 * at `seenAt`; `seenAt` when content changed without a newer last_updated; never before the previous valid_from.
 *
 * A deleted Tariff's latest version is a tombstone (recordDeletion): whatever is written next, even the same content
 * again, is a new version (the Tariff is back in use), taking effect no earlier than the deletion.
 */
export class TariffHistoryStore {
  /** Records `batch` (one object per tariff) inside the caller's transaction `m`. @returns versions added. */
  async record(m: EntityManager, connectionId: string, ocpiVersion: string, batch: IncomingTariff[], seenAt: Date): Promise<number> {
    if (batch.length === 0) return 0;
    const rows = batch.map(({ tariff, raw }) => ({
      country_code: tariff.country_code,
      party_id: tariff.party_id,
      ocpi_id: tariff.id,
      tariff,
      raw,
      last_updated: tariff.last_updated,
    }));
    const inserted = await m.query<unknown[]>(
      `WITH incoming AS (
         SELECT x.*, md5((x.raw - 'last_updated')::text) AS content_hash
         FROM jsonb_to_recordset($1::jsonb) AS x(country_code text, party_id text, ocpi_id text, tariff jsonb, raw jsonb, last_updated timestamptz)
         WHERE NOT EXISTS (SELECT 1 FROM tariff t WHERE t.country_code = x.country_code AND t.party_id = x.party_id
           AND t.ocpi_id = x.ocpi_id AND t.connection_id <> $2)
       ),
       latest AS (
         SELECT DISTINCT ON (v.country_code, v.party_id, v.ocpi_id) v.id, v.country_code, v.party_id, v.ocpi_id, v.version_no,
           v.content_hash, v.last_updated, v.valid_from, v.deleted
         FROM tariff_version v JOIN incoming i ON v.country_code = i.country_code AND v.party_id = i.party_id AND v.ocpi_id = i.ocpi_id
         ORDER BY v.country_code, v.party_id, v.ocpi_id, v.version_no DESC
       ),
       seen AS (
         UPDATE tariff_version v SET last_seen = greatest(v.last_seen, $4::timestamptz)
         FROM incoming i JOIN latest l ON l.country_code = i.country_code AND l.party_id = i.party_id AND l.ocpi_id = i.ocpi_id
         WHERE v.id = l.id AND l.content_hash = i.content_hash AND NOT l.deleted
         RETURNING v.id
       )
       INSERT INTO tariff_version (connection_id, country_code, party_id, ocpi_id, version_no, ocpi_version, content_hash, tariff, raw,
         last_updated, valid_from, first_seen, last_seen)
       SELECT $2, i.country_code, i.party_id, i.ocpi_id, coalesce(l.version_no, 0) + 1, $3, i.content_hash, i.tariff, i.raw, i.last_updated,
         greatest(l.valid_from, CASE WHEN l.id IS NULL OR i.last_updated > l.last_updated THEN least(i.last_updated, $4::timestamptz) ELSE $4::timestamptz END),
         $4::timestamptz, $4::timestamptz
       FROM incoming i LEFT JOIN latest l ON l.country_code = i.country_code AND l.party_id = i.party_id AND l.ocpi_id = i.ocpi_id
       WHERE l.id IS NULL OR l.deleted OR (l.content_hash <> i.content_hash AND i.last_updated >= l.last_updated)
       RETURNING id`,
      [JSON.stringify(rows), connectionId, ocpiVersion, seenAt.toISOString()],
    );
    return inserted.length;
  }

  /**
   * Records the deletion of a Tariff at `at` (mod_tariffs 2.2.1 §DELETE Method) inside the caller's transaction `m`: a
   * tombstone version after the latest one (deleted = true, its content repeated so the history shows what was
   * deleted), valid from `at` (never before the latest version's valid_from). Nothing when we hold no version.
   */
  async recordDeletion(m: EntityManager, connectionId: string, key: { country_code: string; party_id: string; id: string }, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO tariff_version (connection_id, country_code, party_id, ocpi_id, version_no, ocpi_version, content_hash, tariff, raw,
         last_updated, valid_from, first_seen, last_seen, deleted)
       SELECT $4, v.country_code, v.party_id, v.ocpi_id, v.version_no + 1, v.ocpi_version, 'DELETED', v.tariff, v.raw, v.last_updated,
         greatest(v.valid_from, $5::timestamptz), $5::timestamptz, $5::timestamptz, true
       FROM tariff_version v WHERE v.country_code = $1 AND v.party_id = $2 AND v.ocpi_id = $3 AND NOT v.deleted
         AND v.version_no = (SELECT max(n.version_no) FROM tariff_version n WHERE n.country_code = $1 AND n.party_id = $2 AND n.ocpi_id = $3)`,
      [key.country_code, key.party_id, key.id, connectionId, at.toISOString()],
    );
  }
}
