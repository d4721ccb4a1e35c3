import { Injectable } from '@nestjs/common';
import type { DisplayText } from '../tariffs/tariff.model';
import { isActive, primaryTariff, SummarisableTariff, summariseTariff, TariffSummary } from '../tariffs/tariff-summary';
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

/** A listed tariff we hold, as the search SQL reports it: OCPI id, our id, and a version that changes on every write. */
export type HeldTariff = [ocpiId: string, id: string, version: string];

/** A connector whose tariffs to show: its Location's party, the ids it lists, and (from the search) those we hold. */
export interface ConnectorRef {
  countryCode: string;
  partyId: string;
  tariffIds: string[];
  held?: HeldTariff[];
}

/** SQL: `version` of tariff `t`, microseconds of stored_at (TariffStore sets it on every write of the row or its elements). */
export const TARIFF_VERSION_SQL = `(extract(epoch from t.stored_at) * 1000000)::bigint::text`;

const MAX_CACHED = 10_000;

/**
 * Reads the Tariffs that connectors list (Connector.tariff_ids, mod_locations 2.2.1 §8.3.3; a Tariff belongs to the
 * same party as the Location) from the tariff tables and summarises them (src/tariffs/tariff-summary.ts).
 * Independent of the price-estimate code on purpose: the list view needs the lowest price per dimension, never an
 * estimate. Read tariffs are kept in memory under their version: when the search SQL already says which versions
 * the page needs, only tariffs not held at that version are read (usually none), so a search makes one round trip;
 * answers are the same as reading every time, because a changed tariff has a new version.
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
      active_now: isActive(t.tariff, at),
      display_text: pickDisplayText(t.altText, lang),
      alt_url: t.altUrl,
      summary: t.summary(lang),
    });
    return connectors.map((c) => {
      const rows = c.tariffIds.map((id) => byKey.get(tariffKey(c.countryCode, c.partyId, id)));
      const present = rows.filter((r): r is CachedTariff => r !== undefined);
      const primary = primaryTariff(present.map((r) => r.tariff), at);
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
      const wanted = new Map<string, { key: string; version: string }>();
      for (const c of connectors) for (const [ocpiId, id, version] of c.held!) wanted.set(id, { key: tariffKey(c.countryCode, c.partyId, ocpiId), version });
      const stale = [...wanted].filter(([id, w]) => this.cache.get(id)?.version !== w.version).map(([id]) => id);
      if (stale.length > 0) await this.read('t.id = ANY($1::uuid[])', [stale]);
      for (const [id, w] of wanted) {
        const cached = this.cache.get(id);
        if (cached) found.set(w.key, cached); // a tariff deleted since the search SQL ran is simply not shown
      }
      return found;
    }
    const keys = [...new Map(connectors.flatMap((c) => c.tariffIds.map((id) => [tariffKey(c.countryCode, c.partyId, id), [c.countryCode, c.partyId, id]] as const))).values()];
    if (keys.length === 0) return found;
    const rows = await this.read(
      `(t.country_code, t.party_id, t.ocpi_id) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))`,
      [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])],
    );
    for (const row of rows) found.set(row.key, row);
    return found;
  }

  private async read(where: string, values: unknown[]): Promise<CachedTariff[]> {
    const rows = await this.db.rows<RawRow>(
      `SELECT t.id, ${TARIFF_VERSION_SQL} AS version, t.country_code, t.party_id, t.ocpi_id, t.currency, t.type,
         t.tariff_alt_text, t.tariff_alt_url, t.start_date_time, t.end_date_time,
         coalesce((SELECT json_agg(json_build_object(
             'restricted', coalesce(e.restrictions, '{}'::jsonb) NOT IN ('{}'::jsonb, 'null'::jsonb),
             'price_components', (SELECT coalesce(json_agg(json_build_object('type', pc.type, 'price', pc.price::text, 'vat', pc.vat::text)
               ORDER BY pc.position), '[]') FROM price_component pc WHERE pc.tariff_element_id = e.id))
           ORDER BY e.position) FROM tariff_element e WHERE e.tariff_id = t.id), '[]') AS elements
       FROM tariff t WHERE ${where}`,
      values,
    );
    if (this.cache.size + rows.length > MAX_CACHED) this.cache.clear();
    return rows.map((r) => {
      const cached = new CachedTariff(r);
      this.cache.set(r.id, cached);
      return cached;
    });
  }
}

/** One read Tariff, with its summaries per language made once. */
class CachedTariff {
  readonly key: string;
  readonly version: string;
  readonly altText: DisplayText[];
  readonly altUrl: string | null;
  readonly tariff: SummarisableTariff;
  private readonly summaries = new Map<string, TariffSummary>();

  constructor(r: RawRow) {
    this.key = tariffKey(r.country_code, r.party_id, r.ocpi_id);
    this.version = r.version;
    this.altText = r.tariff_alt_text;
    this.altUrl = r.tariff_alt_url;
    this.tariff = {
      id: r.ocpi_id,
      currency: r.currency,
      type: r.type,
      start_date_time: r.start_date_time ? new Date(r.start_date_time).toISOString() : null,
      end_date_time: r.end_date_time ? new Date(r.end_date_time).toISOString() : null,
      elements: r.elements,
    };
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

interface RawRow {
  id: string; version: string; country_code: string; party_id: string; ocpi_id: string; currency: string; type: string | null;
  tariff_alt_text: DisplayText[]; tariff_alt_url: string | null; start_date_time: Date | null; end_date_time: Date | null;
  elements: SummarisableTariff['elements'];
}

function tariffKey(countryCode: string, partyId: string, id: string): string {
  return `${countryCode}|${partyId}|${id}`;
}
