import { Injectable } from '@nestjs/common';
import type { CanonicalTariff, DisplayText } from '../tariffs/tariff.model';
import { isTariffActive } from '../tariffs/tariff-activity';
import { primaryTariff, summariseTariff, TariffSummary } from '../tariffs/tariff-summary';
import { pickDisplayText } from './display-text';
import { ReadQueries } from './read-queries';

/** A Tariff as the Location API shows it next to a connector. */
export interface ConnectorTariff {
  tariff_id: string;
  type: string | null;
  currency: string;
  active_now: boolean;
  /** tariff_alt_text in the requested language (see display-text.ts for the fallback order), or null. */
  display_text: DisplayText | null;
  alt_url: string | null;
  summary: TariffSummary;
}

/** The tariffs of one connector: what it lists, what we hold, and the one a list view shows. */
export interface ConnectorTariffs {
  tariffs: ConnectorTariff[];
  /** The active tariff that applies to all sessions (see primaryTariff), summarised; null when none is held. */
  price: TariffSummary | null;
  /** Tariff ids the connector lists that we do not hold (not pulled yet, or rejected). */
  missing_tariff_ids: string[];
}

/** A listed tariff we hold, as the search SQL reports it: its OCPI id and the id of its current version. */
export type HeldTariff = [ocpiId: string, versionId: string];

/** A connector whose tariffs to show: its Location's party, the ids it lists, and (from the search) those we hold. */
export interface ConnectorRef {
  countryCode: string;
  partyId: string;
  tariffIds: string[];
  held?: HeldTariff[];
}

/**
 * SQL: the current version of the tariff of party (cc, pid) with OCPI id `id` (expressions): the latest row of
 * tariff_version, the same version the tariff engine prices with (TariffReader.find); NULL when there is none or the
 * latest is the tombstone of a deletion (mod_tariffs §DELETE Method: the tariff is not used any more).
 */
export function currentVersionSql(cc: string, pid: string, id: string): string {
  return `(SELECT CASE WHEN v.deleted THEN NULL ELSE v.id END FROM tariff_version v
    WHERE v.country_code = ${cc} AND v.party_id = ${pid} AND v.ocpi_id = ${id} ORDER BY v.version_no DESC LIMIT 1)`;
}

const MAX_CACHED = 10_000;

/**
 * Reads the Tariffs that connectors list (Connector.tariff_ids, mod_locations 2.2.1 §8.3.3; a Tariff belongs to the
 * same party as the Location) in their current version from the tariff history (tariff_version, the canonical model
 * the tariff engine prices), and summarises them (src/tariffs/tariff-summary.ts). The list view needs the lowest
 * price per dimension, never an estimate. A version never changes, so read versions are kept in memory by id: when
 * the search SQL already says which versions the page needs, only versions not held are read (usually none), and a
 * search makes one round trip; a tariff the CPO changes has a new current version, so answers never go stale.
 */
@Injectable()
export class ConnectorTariffsReader {
  private readonly cache = new Map<string, CachedTariff>();

  constructor(private readonly db: ReadQueries) {}

  /** @returns one ConnectorTariffs per input, in the same order */
  async forConnectors(connectors: ConnectorRef[], lang: string, at: Date): Promise<ConnectorTariffs[]> {
    const byKey = await this.tariffsOf(connectors);
    const view = (t: CachedTariff): ConnectorTariff => ({
      tariff_id: t.tariff.id,
      type: t.tariff.type,
      currency: t.tariff.currency,
      active_now: isTariffActive(t.tariff, at),
      display_text: pickDisplayText(t.altText, lang),
      alt_url: t.altUrl,
      summary: t.summary(lang),
    });
    return connectors.map((c) => {
      const rows = c.tariffIds.map((id) => byKey.get(tariffKey(c.countryCode, c.partyId, id)));
      const present = rows.filter((r): r is CachedTariff => r !== undefined);
      const primary = primaryTariff(
        present.map((r) => r.tariff),
        at,
      );
      return {
        tariffs: present.map(view),
        price: primary ? present.find((r) => r.tariff === primary)!.summary(lang) : null,
        missing_tariff_ids: c.tariffIds.filter((_, i) => rows[i] === undefined),
      };
    });
  }

  /** The tariffs the connectors list that we hold, by party and OCPI id. */
  private async tariffsOf(connectors: ConnectorRef[]): Promise<Map<string, CachedTariff>> {
    const found = new Map<string, CachedTariff>();
    if (connectors.every((c) => c.held !== undefined)) {
      const wanted = new Map<string, string>(); // version id → key
      for (const c of connectors) for (const [ocpiId, versionId] of c.held!) wanted.set(versionId, tariffKey(c.countryCode, c.partyId, ocpiId));
      const missing = [...wanted.keys()].filter((id) => !this.cache.has(id));
      if (missing.length > 0) await this.read('v.id = ANY($1::uuid[])', [missing]);
      for (const [versionId, key] of wanted) {
        const cached = this.cache.get(versionId);
        if (cached) found.set(key, cached);
      }
      return found;
    }
    const keys = [...new Map(connectors.flatMap((c) => c.tariffIds.map((id) => [tariffKey(c.countryCode, c.partyId, id), [c.countryCode, c.partyId, id]] as const))).values()];
    if (keys.length === 0) return found;
    const rows = await this.read(`v.id IN (SELECT ${currentVersionSql('k.cc', 'k.pid', 'k.id')} FROM unnest($1::text[], $2::text[], $3::text[]) AS k(cc, pid, id))`, [
      keys.map((k) => k[0]),
      keys.map((k) => k[1]),
      keys.map((k) => k[2]),
    ]);
    for (const row of rows) found.set(row.key, row);
    return found;
  }

  private async read(where: string, values: unknown[]): Promise<CachedTariff[]> {
    const rows = await this.db.rows<{ id: string; tariff: CanonicalTariff }>(`SELECT v.id, v.tariff FROM tariff_version v WHERE ${where}`, values);
    if (this.cache.size + rows.length > MAX_CACHED) this.cache.clear();
    return rows.map((r) => {
      const cached = new CachedTariff(r.tariff);
      this.cache.set(r.id, cached);
      return cached;
    });
  }
}

/** One current tariff version, with its summaries per language made once. */
class CachedTariff {
  readonly key: string;
  readonly altText: DisplayText[];
  readonly altUrl: string | null;
  private readonly summaries = new Map<string, TariffSummary>();

  constructor(readonly tariff: CanonicalTariff) {
    this.key = tariffKey(tariff.country_code, tariff.party_id, tariff.id);
    this.altText = tariff.tariff_alt_text ?? [];
    this.altUrl = tariff.tariff_alt_url ?? null;
  }

  summary(lang: string): TariffSummary {
    let summary = this.summaries.get(lang);
    if (!summary) {
      summary = summariseTariff(this.tariff, lang);
      if (this.summaries.size < 20) this.summaries.set(lang, summary);
    }
    return summary;
  }
}

function tariffKey(countryCode: string, partyId: string, id: string): string {
  return `${countryCode}|${partyId}|${id}`;
}
