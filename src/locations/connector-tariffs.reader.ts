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

/**
 * Reads the Tariffs that connectors list (Connector.tariff_ids, mod_locations 2.2.1 §8.3.3; a Tariff belongs to the
 * same party as the Location) from the tariff tables, one query per page of results, and summarises them
 * (src/tariffs/tariff-summary.ts). Independent of the price-estimate code on purpose: the list view needs only
 * the lowest price per dimension, never an estimate.
 */
@Injectable()
export class ConnectorTariffsReader {
  constructor(private readonly db: ReadQueries) {}

  /**
   * @param connectors the party of each connector's Location and the tariff ids it lists
   * @returns one ConnectorTariffs per input, in the same order
   */
  async forConnectors(connectors: Array<{ countryCode: string; partyId: string; tariffIds: string[] }>, lang: string, at: Date): Promise<ConnectorTariffs[]> {
    const held = await this.read(connectors.flatMap((c) => c.tariffIds.map((id) => [c.countryCode, c.partyId, id] as const)));
    const shown = new Map<string, ConnectorTariff>();
    const view = (row: TariffRow): ConnectorTariff => {
      const cached = shown.get(row.key);
      if (cached) return cached;
      const made: ConnectorTariff = {
        tariff_id: row.tariff.id,
        type: row.tariff.type,
        currency: row.tariff.currency,
        active_now: isActive(row.tariff, at),
        display_text: pickDisplayText(row.alt_text, lang),
        alt_url: row.alt_url,
        summary: summariseTariff(row.tariff, lang),
      };
      shown.set(row.key, made);
      return made;
    };
    return connectors.map((c) => {
      const rows = c.tariffIds.map((id) => held.get(tariffKey(c.countryCode, c.partyId, id)));
      const present = rows.filter((r): r is TariffRow => r !== undefined);
      const primary = primaryTariff(present.map((r) => r.tariff), at);
      return {
        tariffs: present.map(view),
        price: primary ? view(present.find((r) => r.tariff === primary)!).summary : null,
        missing_tariff_ids: c.tariffIds.filter((_, i) => rows[i] === undefined),
      };
    });
  }

  private async read(keys: ReadonlyArray<readonly [string, string, string]>): Promise<Map<string, TariffRow>> {
    const unique = [...new Map(keys.map((k) => [tariffKey(...k), k])).values()];
    if (unique.length === 0) return new Map();
    const rows = await this.db.rows<RawRow>(
      `SELECT t.country_code, t.party_id, t.ocpi_id, t.currency, t.type, t.tariff_alt_text, t.tariff_alt_url,
         t.start_date_time, t.end_date_time,
         coalesce((SELECT json_agg(json_build_object(
             'restricted', coalesce(e.restrictions, '{}'::jsonb) NOT IN ('{}'::jsonb, 'null'::jsonb),
             'price_components', (SELECT coalesce(json_agg(json_build_object('type', pc.type, 'price', pc.price::text, 'vat', pc.vat::text)
               ORDER BY pc.position), '[]') FROM price_component pc WHERE pc.tariff_element_id = e.id))
           ORDER BY e.position) FROM tariff_element e WHERE e.tariff_id = t.id), '[]') AS elements
       FROM tariff t
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(country_code, party_id, ocpi_id)
         ON t.country_code = k.country_code AND t.party_id = k.party_id AND t.ocpi_id = k.ocpi_id`,
      [unique.map((k) => k[0]), unique.map((k) => k[1]), unique.map((k) => k[2])],
    );
    return new Map(rows.map((r) => {
      const key = tariffKey(r.country_code, r.party_id, r.ocpi_id);
      return [key, {
        key,
        alt_text: r.tariff_alt_text,
        alt_url: r.tariff_alt_url,
        tariff: {
          id: r.ocpi_id,
          currency: r.currency,
          type: r.type,
          start_date_time: r.start_date_time ? new Date(r.start_date_time).toISOString() : null,
          end_date_time: r.end_date_time ? new Date(r.end_date_time).toISOString() : null,
          elements: r.elements,
        },
      }];
    }));
  }
}

interface RawRow {
  country_code: string; party_id: string; ocpi_id: string; currency: string; type: string | null;
  tariff_alt_text: DisplayText[]; tariff_alt_url: string | null; start_date_time: Date | null; end_date_time: Date | null;
  elements: SummarisableTariff['elements'];
}

interface TariffRow {
  key: string;
  alt_text: DisplayText[];
  alt_url: string | null;
  tariff: SummarisableTariff;
}

function tariffKey(countryCode: string, partyId: string, id: string): string {
  return `${countryCode}|${partyId}|${id}`;
}
