import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CanonicalTariff } from './tariff.model';

/** One stored version of a Tariff, with what we know of when it was in force. Instants are ISO-8601 UTC. */
export interface TariffVersion {
  tariff: CanonicalTariff;
  version_no: number;
  /** Which OCPI version the CPO spoke when it sent this version. */
  ocpi_version: string;
  /** When this version took effect as far as we can tell (see TariffHistoryStore), and when the next one did. */
  valid_from: string;
  valid_until: string | null;
  /** Our clock: when a pull first and last returned this version. */
  first_seen: string;
  last_seen: string;
}

/**
 * The version in force at an instant, and on what we base that: 'held' when we already had it then (first_seen is
 * not after the instant); 'cpo_last_updated' when we received it later but the CPO's last_updated puts it in force
 * by then (e.g. a session that started before our first pull).
 */
export interface TariffVersionAt extends TariffVersion {
  basis: 'held' | 'cpo_last_updated';
}

/** Versions kept in memory; a version never changes, so an entry is never stale, only evicted (oldest first). */
const CACHED_VERSIONS = 5000;

/**
 * Reads Tariffs back from their history (table tariff_version), as the canonical model with decimal strings
 * exactly as mapped. The current version of a tariff is its latest one.
 *
 * A stored version never changes, so the same version is handed out as the same object: the pricing engine then
 * reads (compiles) it once per process instead of once per request. Callers must not modify returned tariffs.
 */
@Injectable()
export class TariffReader {
  private readonly cache = new Map<string, CanonicalTariff>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The current versions of party (countryCode, partyId)'s tariffs with the given OCPI ids; unknown ids are absent, and
   * so are deleted ones (their latest version is a tombstone: TariffHistoryStore.recordDeletion).
   */
  async find(countryCode: string, partyId: string, ids: string[]): Promise<CanonicalTariff[]> {
    if (ids.length === 0) return [];
    const rows: VersionRow[] = await this.db.query(
      `SELECT * FROM (SELECT DISTINCT ON (ocpi_id) ${COLUMNS} FROM tariff_version v
         WHERE country_code = $1 AND party_id = $2 AND ocpi_id = ANY($3::text[])
         ORDER BY ocpi_id, version_no DESC) current WHERE NOT deleted`,
      [countryCode, partyId, ids],
    );
    return rows.map((r) => this.shared(r).tariff);
  }

  /**
   * The versions in force at `at` of party (countryCode, partyId)'s tariffs with the given ids: for each, the version
   * with the latest valid_from not after `at`. An id is absent when we know no version in force by then (none stored,
   * or the first one took effect later), or when the CPO had deleted the tariff by then (a tombstone in force).
   */
  async findValidAt(countryCode: string, partyId: string, ids: string[], at: Date): Promise<TariffVersionAt[]> {
    if (ids.length === 0) return [];
    const rows: VersionRow[] = await this.db.query(
      `SELECT * FROM (SELECT DISTINCT ON (ocpi_id) ${COLUMNS} FROM tariff_version v
         WHERE country_code = $1 AND party_id = $2 AND ocpi_id = ANY($3::text[]) AND valid_from <= $4::timestamptz
         ORDER BY ocpi_id, valid_from DESC, version_no DESC) in_force WHERE NOT deleted`,
      [countryCode, partyId, ids, at.toISOString()],
    );
    return rows.map((r) => ({ ...toVersion(this.shared(r)), basis: new Date(r.first_seen) <= at ? 'held' : 'cpo_last_updated' }));
  }

  /** Every version of one tariff, oldest first; a deletion shows as the valid_until of the version it ended. */
  async history(countryCode: string, partyId: string, id: string): Promise<TariffVersion[]> {
    const rows: VersionRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM tariff_version v WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3 AND NOT deleted ORDER BY version_no`,
      [countryCode, partyId, id],
    );
    return rows.map((r) => toVersion(this.shared(r)));
  }

  /** The row with its tariff replaced by the object already handed out for that version, if any. */
  private shared(r: VersionRow): VersionRow {
    const known = this.cache.get(r.id);
    if (known) return { ...r, tariff: known };
    if (this.cache.size >= CACHED_VERSIONS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(r.id, r.tariff);
    return r;
  }
}

const COLUMNS = `v.id, v.tariff, v.version_no, v.ocpi_version, v.valid_from, v.first_seen, v.last_seen, v.deleted,
  (SELECT min(n.valid_from) FROM tariff_version n WHERE n.country_code = v.country_code AND n.party_id = v.party_id
     AND n.ocpi_id = v.ocpi_id AND n.version_no > v.version_no) AS valid_until`;

interface VersionRow {
  id: string;
  tariff: CanonicalTariff;
  version_no: number;
  ocpi_version: string;
  valid_from: Date;
  valid_until: Date | null;
  first_seen: Date;
  last_seen: Date;
  deleted: boolean;
}

function toVersion(r: VersionRow): TariffVersion {
  const iso = (d: Date) => new Date(d).toISOString();
  return {
    tariff: r.tariff,
    version_no: r.version_no,
    ocpi_version: r.ocpi_version,
    valid_from: iso(r.valid_from),
    valid_until: r.valid_until ? iso(r.valid_until) : null,
    first_seen: iso(r.first_seen),
    last_seen: iso(r.last_seen),
  };
}
