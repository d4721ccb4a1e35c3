import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CanonicalTariff, TariffElement } from './tariff.model';

/**
 * Reads stored Tariffs back into the canonical model, with numeric columns kept as decimal strings
 * (pg returns `numeric` as a string; it never passes through a JS number).
 */
@Injectable()
export class TariffReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The tariffs of party (countryCode, partyId) with the given OCPI ids; missing ids are simply absent. */
  async find(countryCode: string, partyId: string, ids: string[]): Promise<CanonicalTariff[]> {
    if (ids.length === 0) return [];
    const rows: TariffRow[] = await this.db.query(
      `SELECT t.*,
         coalesce((SELECT json_agg(json_build_object('restrictions', e.restrictions, 'price_components',
             (SELECT json_agg(json_build_object('type', pc.type, 'price', pc.price::text, 'vat', pc.vat::text, 'step_size', pc.step_size)
                ORDER BY pc.position) FROM price_component pc WHERE pc.tariff_element_id = e.id)) ORDER BY e.position)
           FROM tariff_element e WHERE e.tariff_id = t.id), '[]') AS elements
       FROM tariff t WHERE t.country_code = $1 AND t.party_id = $2 AND t.ocpi_id = ANY($3::text[])`,
      [countryCode, partyId, ids],
    );
    return rows.map(toCanonical);
  }
}

interface TariffRow {
  country_code: string; party_id: string; ocpi_id: string; currency: string; type: string | null;
  tariff_alt_text: Array<{ language: string; text: string }>; tariff_alt_url: string | null;
  min_price_excl_vat: string | null; min_price_incl_vat: string | null; max_price_excl_vat: string | null; max_price_incl_vat: string | null;
  start_date_time: Date | null; end_date_time: Date | null; energy_mix: Record<string, unknown> | null; last_updated: Date;
  elements: TariffElement[];
}

/** numeric(14,4) comes back as "0.2500": trim trailing zeros so "0.25" reads as the CPO sent it. */
function trim(value: string | null): string | null {
  return value === null ? null : value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

function toCanonical(r: TariffRow): CanonicalTariff {
  return {
    country_code: r.country_code,
    party_id: r.party_id,
    id: r.ocpi_id,
    currency: r.currency,
    type: r.type,
    tariff_alt_text: r.tariff_alt_text,
    tariff_alt_url: r.tariff_alt_url,
    min_price: r.min_price_excl_vat === null ? null : { excl_vat: trim(r.min_price_excl_vat)!, incl_vat: trim(r.min_price_incl_vat) },
    max_price: r.max_price_excl_vat === null ? null : { excl_vat: trim(r.max_price_excl_vat)!, incl_vat: trim(r.max_price_incl_vat) },
    elements: r.elements.map((e) => ({
      restrictions: e.restrictions,
      price_components: e.price_components.map((pc) => ({ ...pc, price: trim(pc.price)!, vat: trim(pc.vat) })),
    })),
    start_date_time: r.start_date_time ? new Date(r.start_date_time).toISOString() : null,
    end_date_time: r.end_date_time ? new Date(r.end_date_time).toISOString() : null,
    energy_mix: r.energy_mix,
    last_updated: new Date(r.last_updated).toISOString(),
  };
}
