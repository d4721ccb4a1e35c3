import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { estimateChargeCost, PriceEstimate } from './price-estimate';
import { CanonicalTariff } from './tariff.model';
import { TariffReader } from './tariff.reader';

/** The estimate for one of a connector's tariffs. */
export interface TariffEstimate extends PriceEstimate {
  tariff_id: string;
  /** TariffType (2.2.1+); null means "applies to all sessions". */
  tariff_type: string | null;
  /** Whether the tariff's start/end_date_time window includes now. */
  active_now: boolean;
}

export interface ConnectorPriceEstimate {
  connector: { id: string; ocpi_id: string; evse_uid: string; location_id: string; country_code: string; party_id: string };
  charge: { energy_kwh: string; duration_minutes: string };
  estimates: TariffEstimate[];
  /** Tariff ids the connector lists that we do not hold (not pulled yet, or rejected: see operations). */
  missing_tariff_ids: string[];
}

/**
 * Price estimates for a planned charge at one connector, from the tariffs its CPO listed on it
 * (Connector.tariff_ids, mod_locations 2.2.1 §8.3.3), priced by {@link estimateChargeCost}.
 */
@Injectable()
export class PriceEstimateService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tariffs: TariffReader,
  ) {}

  /**
   * @param connectorId our connector id (uuid, as returned by the chargers search)
   * @throws NotFoundException when there is no such connector
   */
  async estimate(connectorId: string, energyKwh: string, durationMinutes: string, at = new Date()): Promise<ConnectorPriceEstimate> {
    const [row] = await this.db.query(
      `SELECT c.id, c.ocpi_id, c.tariff_ids, e.uid AS evse_uid, l.id AS location_id, l.country_code, l.party_id
       FROM connector c JOIN evse e ON e.id = c.evse_id JOIN location l ON l.id = e.location_id WHERE c.id = $1`,
      [connectorId],
    );
    if (!row) throw new NotFoundException(`No connector ${connectorId}`);
    const tariffs = await this.tariffs.find(row.country_code, row.party_id, row.tariff_ids);
    const held = new Set(tariffs.map((t) => t.id));
    return {
      connector: { id: row.id, ocpi_id: row.ocpi_id, evse_uid: row.evse_uid, location_id: row.location_id, country_code: row.country_code, party_id: row.party_id },
      charge: { energy_kwh: energyKwh, duration_minutes: durationMinutes },
      estimates: tariffs.map((t) => ({
        tariff_id: t.id,
        tariff_type: t.type,
        active_now: isActive(t, at),
        ...estimateChargeCost(t, { energyKwh, durationMinutes }),
      })),
      missing_tariff_ids: (row.tariff_ids as string[]).filter((id) => !held.has(id)),
    };
  }
}

function isActive(t: CanonicalTariff, at: Date): boolean {
  return (!t.start_date_time || new Date(t.start_date_time) <= at) && (!t.end_date_time || at < new Date(t.end_date_time));
}
