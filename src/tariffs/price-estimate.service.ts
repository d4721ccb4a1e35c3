import { BadRequestException, Injectable } from '@nestjs/common';
import { ChargeToEstimate, checkChargePossible, ImpossibleChargeError, PriceEstimate, estimateChargeCost } from './price-estimate';
import { isTariffActive } from './tariff-activity';
import { TariffReader, TariffVersionAt } from './tariff.reader';

/** The estimate under one of a connector's tariffs. */
export interface TariffEstimate extends PriceEstimate {
  tariff_id: string;
  /** TariffType (2.2.1+); null means "applies to all sessions". */
  tariff_type: string | null;
  /** Whether the tariff's start/end_date_time window includes the charge's start (when not, the estimate says so). */
  active_at_start: boolean;
  /** The stored version used: the one in force at the charge's start (see TariffReader.findValidAt). */
  version: { version_no: number; valid_from: string; basis: 'held' | 'cpo_last_updated' };
}

export interface ConnectorPriceEstimate {
  connector: { id: string; ocpi_id: string; evse_uid: string; location_id: string; country_code: string; party_id: string; power_type: string };
  time_zone: string | null;
  charge: { energy_kwh: string; duration_minutes: string; start: string; power_kw: string | null };
  /** One per tariff the connector lists that we hold in a version in force at the start, in the connector's order. */
  estimates: TariffEstimate[];
  /** Tariff ids the connector lists for which we hold no version in force at the start (not pulled, rejected, or newer). */
  missing_tariff_ids: string[];
}

/**
 * The connector to price at, as the Locations domain reads it (LocationReader.connector, or the search index): ours,
 * with its EVSE and Location, the tariff ids it lists (Connector.tariff_ids) and the Location's time zone.
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
  /** kW, as connector-power.ts gives it (the max_power_kw the app sees); null or 0 when unknown. */
  max_power_kw: number | null;
  tariff_ids: string[];
  /** IANA; null when unknown. */
  time_zone: string | null;
}

/** What an estimate needs of a tariff version in force at the charge's start (a TariffVersionAt, or the index's copy). */
export type VersionInForce = Pick<TariffVersionAt, 'tariff' | 'version_no' | 'valid_from' | 'basis'>;

/**
 * Price estimates for a planned charge at one connector, under each tariff its CPO lists on it (Connector.tariff_ids,
 * mod_locations 2.2.1 §Connector object), each in the version in force when the charge starts, priced by the tariff
 * engine in the Location's time zone. The connector comes from the caller (the Locations domain owns those tables).
 */
@Injectable()
export class PriceEstimateService {
  constructor(private readonly tariffs: TariffReader) {}

  /**
   * The estimate with the versions read from the tariff history (the database).
   * @param connector the connector and what pricing needs of its Location (see ConnectorToPrice)
   * @param charge energy (kWh), stay (minutes), start (instant; default now), expected power (kW, optional)
   * @throws BadRequestException when the charge cannot happen (see estimateWith)
   */
  async estimate(connector: ConnectorToPrice, charge: ChargeToEstimate): Promise<ConnectorPriceEstimate> {
    check(connector, charge);
    const versions = await this.tariffs.findValidAt(connector.country_code, connector.party_id, connector.tariff_ids, charge.start);
    return this.estimateWith(connector, charge, versions);
  }

  /**
   * The estimate with `versions`: of each tariff id the connector lists, the version in force at charge.start, if any
   * (what TariffReader.findValidAt answers; the search index answers the same from memory when it can). The same
   * answer, byte for byte, whoever found the versions.
   * @throws BadRequestException when the charge cannot happen: more energy than the connector's maximum power (or
   *   the power_kw given) delivers in the stay, or a power_kw above that maximum
   */
  estimateWith(connector: ConnectorToPrice, charge: ChargeToEstimate, versions: VersionInForce[]): ConnectorPriceEstimate {
    check(connector, charge);
    const listed = (v: VersionInForce) => connector.tariff_ids.indexOf(v.tariff.id);
    const ordered = [...versions].sort((a, b) => listed(a) - listed(b));
    const held = new Set(ordered.map((v) => v.tariff.id));
    const facts = { power_type: connector.power_type, max_voltage: connector.max_voltage, time_zone: connector.time_zone ?? null };
    const estimates = ordered.map((v): TariffEstimate => ({
      tariff_id: v.tariff.id,
      tariff_type: v.tariff.type,
      active_at_start: isTariffActive(v.tariff, charge.start),
      version: { version_no: v.version_no, valid_from: v.valid_from, basis: v.basis },
      ...badRequestIfImpossible(() => estimateChargeCost(v.tariff, charge, facts)),
    }));
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

function check(connector: ConnectorToPrice, charge: ChargeToEstimate): void {
  badRequestIfImpossible(() => checkChargePossible(charge, connector.max_power_kw));
}

function badRequestIfImpossible<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ImpossibleChargeError) throw new BadRequestException(error.message);
    throw error;
  }
}
