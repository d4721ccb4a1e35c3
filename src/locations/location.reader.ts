import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ConnectorToPrice } from '../tariffs/price-estimate.service';

/**
 * One stored connector with what pricing needs of it and of its EVSE and Location: the price estimate's connector
 * (ConnectorToPrice), its max_power_kw always known here (connector-power.ts computes it when the CPO declares none).
 */
export interface StoredConnector extends ConnectorToPrice {
  max_power_kw: number;
}

/** A connector named as OCPI names it: the Location's party and OCPI id, the EVSE's uid, the connector's OCPI id. */
export interface OcpiConnectorRef {
  countryCode: string;
  partyId: string;
  locationId: string;
  evseUid: string;
  connectorId: string;
}

/**
 * What other domains read of our stored Locations, EVSEs and Connectors (the tables this folder writes), so that
 * none of them queries those tables itself: the price estimate reads a connector's facts, the CDR cost check the
 * tariff ids a connector lists and a Location's time zone, a Session's cost so far its connector. Every stored row counts, published or not and REMOVED
 * or not (what the app may show is location-visibility.ts): a CDR or a priced charge may concern any of them.
 */
@Injectable()
export class LocationReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The connector with our id `connectorId` (uuid); null when we hold none. */
  async connector(connectorId: string): Promise<StoredConnector | null> {
    const [row] = await this.db.query<Array<Omit<StoredConnector, 'time_zone' | 'max_power_kw'> & { time_zone: string | null; max_power_kw: string }>>(
      `SELECT c.id, c.ocpi_id, c.tariff_ids, c.power_type, c.max_voltage, c.max_power_kw, e.uid AS evse_uid, l.id AS location_id, l.country_code,
         l.party_id, l.time_zone
       FROM connector c JOIN evse e ON e.id = c.evse_id JOIN location l ON l.id = e.location_id WHERE c.id = $1`,
      [connectorId],
    );
    if (!row) return null;
    return {
      id: row.id,
      ocpi_id: row.ocpi_id,
      evse_uid: row.evse_uid,
      location_id: row.location_id,
      country_code: row.country_code,
      party_id: row.party_id,
      power_type: row.power_type,
      max_voltage: row.max_voltage,
      // numeric, read as the search reads it (a number of kW)
      max_power_kw: Number(row.max_power_kw),
      tariff_ids: row.tariff_ids,
      time_zone: row.time_zone ?? null,
    };
  }

  /** The connector named as OCPI names it (a Session's or a CDR's location_id / evse_uid / connector_id); null when we hold none. */
  async connectorAt(ref: OcpiConnectorRef): Promise<StoredConnector | null> {
    const [row] = await this.db.query<Array<{ id: string }>>(
      `SELECT c.id FROM location l JOIN evse e ON e.location_id = l.id JOIN connector c ON c.evse_id = e.id
       WHERE l.country_code = $1 AND l.party_id = $2 AND l.ocpi_id = $3 AND e.uid = $4 AND c.ocpi_id = $5`,
      [ref.countryCode, ref.partyId, ref.locationId, ref.evseUid, ref.connectorId],
    );
    return row ? this.connector(row.id) : null;
  }

  /** The tariff ids (Connector.tariff_ids) the connector lists as we store it; null when we hold no such connector. */
  async listedTariffIds(ref: OcpiConnectorRef): Promise<string[] | null> {
    const rows: Array<{ tariff_ids: string[] }> = await this.db.query(
      `SELECT c.tariff_ids FROM location l JOIN evse e ON e.location_id = l.id JOIN connector c ON c.evse_id = e.id
       WHERE l.country_code = $1 AND l.party_id = $2 AND l.ocpi_id = $3 AND e.uid = $4 AND c.ocpi_id = $5`,
      [ref.countryCode, ref.partyId, ref.locationId, ref.evseUid, ref.connectorId],
    );
    return rows.length > 0 ? rows[0].tariff_ids : null;
  }

  /** The IANA time zone of the Location (party and OCPI id) as we store it; null when we hold no such Location. */
  async timeZone(countryCode: string, partyId: string, locationId: string): Promise<string | null> {
    const rows: Array<{ time_zone: string }> = await this.db.query(`SELECT time_zone FROM location WHERE country_code = $1 AND party_id = $2 AND ocpi_id = $3`, [
      countryCode,
      partyId,
      locationId,
    ]);
    return rows.length > 0 ? rows[0].time_zone : null;
  }
}
