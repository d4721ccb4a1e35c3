import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DisplayText } from '../../tariffs/tariff.model';
import { absentAvailability, evseAvailability } from '../availability';
import { ConnectorTariffsReader } from '../connector-tariffs.reader';
import { pickDisplayText } from '../display-text';
import { maxPowerKw } from '../connector-power';
import { listedEvseSql, publishedLocationSql } from '../location-visibility';
import type { Hours } from '../opening-times.model';
import { openingNow } from '../search/location-search.service';
import { LocationDetail } from './location-detail';

/**
 * Everything the app shows for one Location (mod_locations 2.2.1 §8.3.1 Location, §8.3.2 EVSE, §8.3.3 Connector),
 * from our database: EVSEs (not REMOVED) with free-now and why not (an absent Location or EVSE is shown, with
 * `absent_since`, never free), connectors with power and each tariff's display
 * text in the requested language and its "from" summary, directions, facilities, images, energy mix, operator,
 * opening hours and state, and the routes it reached us through. Time-dependent only through the opening state and
 * free-now (they change at opening-hour boundaries), never through ages, so the representation is stable enough
 * for ETags (see locations.controller.ts).
 */
@Injectable()
export class LocationDetailService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tariffs: ConnectorTariffsReader,
  ) {}

  /**
   * @param id   our Location id (uuid)
   * @param lang BCP 47 tag for display texts (fallback order in display-text.ts)
   * @throws NotFoundException when there is no such published Location, or all its EVSEs are REMOVED
   */
  async detail(id: string, lang: string, at: Date): Promise<LocationDetail> {
    // One statement, one round trip. Three of its subqueries read tables of connections/ and sync/ (the party's
    // business_details, sync_state's data_as_of, the routes' connection names), which this folder may not import;
    // the search SQL and the search index read the same two small ones the same way.
    const [row]: LocationRow[] = await this.db.query(
      `SELECT l.id, l.ocpi_id, l.country_code, l.party_id, l.name, l.address, l.city, l.postal_code, l.state, l.country,
         l.latitude, l.longitude, l.parking_type, l.time_zone, l.opening_times, l.is_24_7, l.charging_when_closed,
         l.directions, l.facilities, l.images, l.energy_mix, l.operator, l.suboperator, l.owner, l.last_updated, l.absent_since,
         coalesce(l.always_open_from <= $2::timestamptz, false) AS always_open,
         (SELECT cp.business_details FROM connection_party cp
           WHERE cp.country_code = l.country_code AND cp.party_id = l.party_id ORDER BY cp.role LIMIT 1) AS cpo_details,
         (SELECT s.last_success_started FROM sync_state s WHERE s.connection_id = l.connection_id AND s.module = 'locations') AS data_as_of,
         (SELECT coalesce(json_agg(json_build_object('connection_id', r.connection_id, 'connection_name', cc.name,
             'route', CASE WHEN r.route_rank = 0 THEN 'DIRECT' ELSE 'HUB' END, 'last_updated', r.last_updated,
             'holds', r.connection_id = l.connection_id) ORDER BY r.route_rank, r.first_seen_at), '[]')
           FROM location_route r JOIN cpo_connection cc ON cc.id = r.connection_id WHERE r.location_id = l.id) AS routes,
         (SELECT coalesce(json_agg(json_build_object(
             'uid', e.uid, 'evse_id', e.evse_id, 'status', e.status, 'status_changed_at', e.status_changed_at,
             'capabilities', e.capabilities, 'floor_level', e.floor_level, 'latitude', e.latitude, 'longitude', e.longitude,
             'physical_reference', e.physical_reference, 'directions', e.directions, 'parking_restrictions', e.parking_restrictions,
             'images', e.images, 'last_updated', e.last_updated, 'absent_since', e.absent_since,
             'connectors', (SELECT coalesce(json_agg(json_build_object(
                 'id', c.id, 'ocpi_id', c.ocpi_id, 'standard', c.standard, 'format', c.format, 'power_type', c.power_type,
                 'max_voltage', c.max_voltage, 'max_amperage', c.max_amperage, 'max_electric_power', c.max_electric_power,
                 'tariff_ids', c.tariff_ids, 'terms_and_conditions', c.terms_and_conditions, 'last_updated', c.last_updated)
               ORDER BY c.ocpi_id), '[]') FROM connector c WHERE c.evse_id = e.id)) ORDER BY e.uid), '[]')
           FROM evse e WHERE e.location_id = l.id AND ${listedEvseSql()}) AS evse_list
       FROM location l WHERE l.id = $1 AND ${publishedLocationSql()}`,
      [id, at.toISOString()],
    );
    if (!row) throw new NotFoundException(`No published Location ${id}`);
    if (row.evse_list.length === 0) {
      throw new NotFoundException(`Location ${id} has no EVSE left (all REMOVED): expired, per mod_locations 2.2.1 §8.1`);
    }
    const connectors = row.evse_list.flatMap((e) => e.connectors);
    const tariffs = await this.tariffs.forConnectors(
      connectors.map((c) => ({ countryCode: row.country_code, partyId: row.party_id, tariffIds: c.tariff_ids })),
      lang,
      at,
    );
    const tariffsOf = new Map(connectors.map((c, i) => [c.id, tariffs[i]]));
    const opening = openingNow(row.opening_times, row.time_zone, row.always_open, at);
    const locationAbsentSince = row.absent_since ? new Date(row.absent_since).toISOString() : null;
    return {
      id: row.id,
      ocpi_id: row.ocpi_id,
      country_code: row.country_code,
      party_id: row.party_id,
      cpo: { name: (row.operator?.name as string | undefined) ?? (row.cpo_details?.name as string | undefined) ?? null },
      name: row.name,
      address: row.address,
      city: row.city,
      postal_code: row.postal_code,
      state: row.state,
      country: row.country,
      coordinates: { latitude: row.latitude, longitude: row.longitude },
      parking_type: row.parking_type,
      time_zone: row.time_zone,
      opening_times: row.opening_times,
      is_24_7: row.is_24_7,
      opening: { open: opening.open, reason: opening.reason, changes_at: opening.changesAt },
      charging_when_closed: row.charging_when_closed,
      directions: pickDisplayText(row.directions, lang),
      facilities: row.facilities,
      images: row.images,
      energy_mix: row.energy_mix,
      operator: row.operator,
      suboperator: row.suboperator,
      owner: row.owner,
      last_updated: new Date(row.last_updated).toISOString(),
      absent_since: locationAbsentSince,
      data_as_of: row.data_as_of ? new Date(row.data_as_of).toISOString() : null,
      routes: row.routes.map((r) => ({ ...r, last_updated: new Date(r.last_updated).toISOString() })),
      evses: row.evse_list.map((e) => {
        const absentSince = e.absent_since ? new Date(e.absent_since).toISOString() : null;
        // An absent Location's EVSEs are absent with it (since when the Location went).
        const absent = absentSince ?? locationAbsentSince;
        return {
          uid: e.uid,
          evse_id: e.evse_id,
          status: e.status,
          status_changed_at: new Date(e.status_changed_at).toISOString(),
          ...(absent ? absentAvailability(absent) : evseAvailability(e.status, opening, at)),
          absent_since: absentSince,
          capabilities: e.capabilities,
          floor_level: e.floor_level,
          coordinates: e.latitude === null || e.longitude === null ? null : { latitude: e.latitude, longitude: e.longitude },
          physical_reference: e.physical_reference,
          directions: pickDisplayText(e.directions, lang),
          parking_restrictions: e.parking_restrictions,
          images: e.images,
          last_updated: new Date(e.last_updated).toISOString(),
          connectors: e.connectors.map((c) => {
            const power = maxPowerKw(c);
            const t = tariffsOf.get(c.id)!;
            return {
              id: c.id,
              ocpi_id: c.ocpi_id,
              standard: c.standard,
              format: c.format,
              power_type: c.power_type,
              max_voltage: c.max_voltage,
              max_amperage: c.max_amperage,
              max_electric_power: c.max_electric_power,
              max_power_kw: power.kw,
              max_power_source: power.source,
              terms_and_conditions: c.terms_and_conditions,
              last_updated: new Date(c.last_updated).toISOString(),
              tariff_ids: c.tariff_ids,
              price: t.price,
              tariffs: t.tariffs,
              missing_tariff_ids: t.missing_tariff_ids,
            };
          }),
        };
      }),
    };
  }
}

type Json = Record<string, unknown>;

interface LocationRow {
  id: string;
  ocpi_id: string;
  country_code: string;
  party_id: string;
  name: string | null;
  address: string;
  city: string;
  postal_code: string | null;
  state: string | null;
  country: string;
  latitude: number;
  longitude: number;
  parking_type: string | null;
  time_zone: string;
  opening_times: Hours | null;
  always_open: boolean;
  is_24_7: boolean;
  charging_when_closed: boolean;
  directions: DisplayText[];
  facilities: string[];
  images: unknown[];
  energy_mix: Json | null;
  operator: Json | null;
  suboperator: Json | null;
  owner: Json | null;
  last_updated: Date;
  absent_since: Date | null;
  data_as_of: Date | null;
  cpo_details: Json | null;
  routes: Array<{ connection_id: string; connection_name: string; route: 'DIRECT' | 'HUB'; last_updated: string; holds: boolean }>;
  evse_list: Array<{
    uid: string;
    evse_id: string | null;
    status: string;
    status_changed_at: string;
    capabilities: string[];
    floor_level: string | null;
    latitude: number | null;
    longitude: number | null;
    physical_reference: string | null;
    directions: DisplayText[];
    parking_restrictions: string[];
    images: unknown[];
    last_updated: string;
    absent_since: string | null;
    connectors: Array<{
      id: string;
      ocpi_id: string;
      standard: string;
      format: string;
      power_type: string;
      max_voltage: number;
      max_amperage: number;
      max_electric_power: number | null;
      tariff_ids: string[];
      terms_and_conditions: string | null;
      last_updated: string;
    }>;
  }>;
}
