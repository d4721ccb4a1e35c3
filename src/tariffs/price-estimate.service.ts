import { BadRequestException, Injectable } from '@nestjs/common';
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
 * The connector to price at, as the Locations domain reads it (LocationReader.connector): ours, with its EVSE and
 * Location, the tariff ids it lists (Connector.tariff_ids) and the Location's time zone.
 */
export interface ConnectorToPrice {
  id: string;
  ocpi_id: string;
  evse_uid: string;
  location_id: string;
  country_code: string;
  party_id: string;
  power_type: string;
  /** V, line to neutral for AC_3_PHASE (mod_locations 2.2.1 §Connector object). */
  max_voltage: number;
  tariff_ids: string[];
  /** IANA; null when unknown. */
  time_zone: string | null;
}

/**
 * Price estimates for a planned charge at one connector, under each tariff its CPO lists on it (Connector.tariff_ids,
 * mod_locations 2.2.1 §Connector object), each in the version in force when the charge starts, priced by the tariff
 * engine in the Location's time zone. The connector comes from the caller (the Locations domain owns those tables).
 */
@Injectable()
export class PriceEstimateService {
  constructor(private readonly tariffs: TariffReader) {}

  /**
   * @param connector the connector and what pricing needs of its Location (see ConnectorToPrice)
   * @param charge energy (kWh), stay (minutes), start (instant; default now), expected power (kW, optional)
   * @throws BadRequestException when the charge cannot happen (energy too large for the time at that power)
   */
  async estimate(connector: ConnectorToPrice, charge: ChargeToEstimate): Promise<ConnectorPriceEstimate> {
    const versions = await this.tariffs.findValidAt(connector.country_code, connector.party_id, connector.tariff_ids, charge.start);
    const held = new Set(versions.map((v) => v.tariff.id));
    const facts = { power_type: connector.power_type, max_voltage: connector.max_voltage, time_zone: connector.time_zone ?? null };
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
        id: connector.id,
        ocpi_id: connector.ocpi_id,
        evse_uid: connector.evse_uid,
        location_id: connector.location_id,
        country_code: connector.country_code,
        party_id: connector.party_id,
        power_type: connector.power_type,
      },
      time_zone: facts.time_zone,
      charge: { energy_kwh: charge.energyKwh, duration_minutes: charge.durationMinutes, start: charge.start.toISOString(), power_kw: charge.powerKw ?? null },
      estimates,
      missing_tariff_ids: connector.tariff_ids.filter((id) => !held.has(id)),
    };
  }
}
