import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChargeToEstimate, ImpossibleChargeError, PriceEstimate, estimateChargeCost } from './price-estimate';
import { isTariffActive } from './tariff-activity';
import { TariffReader } from './tariff.reader';

/** The estimate under one of a connector's tariffs. */
export interface TariffEstimate extends PriceEstimate {
  tariff_id: string;
  /** TariffType (2.2.1+); null means "applies to all sessions". */
  tariff_type: string | null;
  /** Whether the tariff's start/end_date_time window includes the charge's start. */
  active_at_start: boolean;
  /** The stored version used: the one in force at the charge's start (see TariffReader.findValidAt). */
  version: { version_no: number; valid_from: string; basis: 'held' | 'cpo_last_updated' };
}

export interface ConnectorPriceEstimate {
  connector: { id: string; ocpi_id: string; evse_uid: string; location_id: string; country_code: string; party_id: string; power_type: string };
  time_zone: string | null;
  charge: { energy_kwh: string; duration_minutes: string; start: string; power_kw: string | null };
  estimates: TariffEstimate[];
  /** Tariff ids the connector lists for which we hold no version in force at the start (not pulled, rejected, or newer). */
  missing_tariff_ids: string[];
}

/**
 * Price estimates for a planned charge at one connector, under each tariff its CPO lists on it (Connector.tariff_ids,
 * mod_locations 2.2.1 §Connector object), each in the version in force when the charge starts, priced by the tariff
 * engine in the Location's time zone.
 */
@Injectable()
export class PriceEstimateService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tariffs: TariffReader,
  ) {}

  /**
   * @param connectorId our connector id (uuid, as returned by the chargers search)
   * @param charge energy (kWh), stay (minutes), start (instant; default now), expected power (kW, optional)
   * @throws NotFoundException when there is no such connector
   * @throws BadRequestException when the charge cannot happen (energy too large for the time at that power)
   */
  async estimate(connectorId: string, charge: ChargeToEstimate): Promise<ConnectorPriceEstimate> {
    const [row] = await this.db.query(
      `SELECT c.id, c.ocpi_id, c.tariff_ids, c.power_type, c.max_voltage, e.uid AS evse_uid, l.id AS location_id, l.country_code,
         l.party_id, l.time_zone
       FROM connector c JOIN evse e ON e.id = c.evse_id JOIN location l ON l.id = e.location_id WHERE c.id = $1`,
      [connectorId],
    );
    if (!row) throw new NotFoundException(`No connector ${connectorId}`);
    const versions = await this.tariffs.findValidAt(row.country_code, row.party_id, row.tariff_ids, charge.start);
    const held = new Set(versions.map((v) => v.tariff.id));
    const facts = { power_type: row.power_type, max_voltage: row.max_voltage, time_zone: row.time_zone ?? null };
    const estimates = versions.map((v): TariffEstimate => {
      try {
        return {
          tariff_id: v.tariff.id,
          tariff_type: v.tariff.type,
          active_at_start: isTariffActive(v.tariff, charge.start),
          version: { version_no: v.version_no, valid_from: v.valid_from, basis: v.basis },
          ...estimateChargeCost(v.tariff, charge, facts),
        };
      } catch (error) {
        if (error instanceof ImpossibleChargeError) throw new BadRequestException(error.message);
        throw error;
      }
    });
    return {
      connector: {
        id: row.id, ocpi_id: row.ocpi_id, evse_uid: row.evse_uid, location_id: row.location_id, country_code: row.country_code,
        party_id: row.party_id, power_type: row.power_type,
      },
      time_zone: facts.time_zone,
      charge: { energy_kwh: charge.energyKwh, duration_minutes: charge.durationMinutes, start: charge.start.toISOString(), power_kw: charge.powerKw ?? null },
      estimates,
      missing_tariff_ids: (row.tariff_ids as string[]).filter((id) => !held.has(id)),
    };
  }
}
