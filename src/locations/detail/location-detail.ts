/** The shape of GET /api/v1/locations/{id} (snake_case; units in the names; times UTC unless said local). */
import type { DisplayText } from '../../tariffs/tariff.model';
import type { TariffSummary } from '../../tariffs/tariff-summary';
import type { NotFree } from '../availability';
import type { ConnectorTariff } from '../connector-tariffs.reader';
import type { Hours } from '../opening-times.model';
import type { OpeningNow } from '../search/search-result';

export interface DetailConnector {
  id: string;
  ocpi_id: string;
  standard: string;
  format: string;
  power_type: string;
  max_voltage: number;
  max_amperage: number;
  /** W, as the CPO declared it (null when not sent). */
  max_electric_power: number | null;
  max_power_kw: number;
  max_power_source: 'declared' | 'computed';
  terms_and_conditions: string | null;
  last_updated: string;
  tariff_ids: string[];
  /** The active tariff for all sessions, summarised ("from … per kWh + … start"); null when none is held. */
  price: TariffSummary | null;
  /** Every listed tariff we hold, with its display text in the requested language. */
  tariffs: ConnectorTariff[];
  missing_tariff_ids: string[];
}

export interface DetailEvse {
  uid: string;
  evse_id: string | null;
  status: string;
  status_changed_at: string;
  free: boolean;
  not_free: NotFree | null;
  capabilities: string[];
  floor_level: string | null;
  coordinates: { latitude: number; longitude: number } | null;
  physical_reference: string | null;
  directions: DisplayText | null;
  parking_restrictions: string[];
  images: unknown[];
  last_updated: string;
  /** UTC; set when its Location no longer lists this EVSE (kept, never free: not_free ABSENT); null otherwise. */
  absent_since: string | null;
  connectors: DetailConnector[];
}

/** A route the Location reached us through: DIRECT from its CPO or relayed by a HUB; `holds` marks the one shown. */
export interface LocationRoute {
  connection_id: string;
  connection_name: string;
  route: 'DIRECT' | 'HUB';
  /** last_updated of that route's copy. */
  last_updated: string;
  holds: boolean;
}

export interface LocationDetail {
  id: string;
  ocpi_id: string;
  country_code: string;
  party_id: string;
  cpo: { name: string | null };
  name: string | null;
  address: string;
  city: string;
  postal_code: string | null;
  state: string | null;
  country: string;
  coordinates: { latitude: number; longitude: number };
  parking_type: string | null;
  time_zone: string;
  /** Hours as the CPO sent them (regular hours are local times in time_zone, exceptional periods UTC). */
  opening_times: Hours | null;
  is_24_7: boolean;
  opening: OpeningNow;
  charging_when_closed: boolean;
  directions: DisplayText | null;
  facilities: string[];
  images: unknown[];
  energy_mix: Record<string, unknown> | null;
  operator: Record<string, unknown> | null;
  suboperator: Record<string, unknown> | null;
  owner: Record<string, unknown> | null;
  last_updated: string;
  /**
   * UTC; set when a complete full pull of its CPO no longer listed this Location (kept, not searched, every EVSE never
   * free: not_free ABSENT); null otherwise. Cleared when the CPO lists or sends it again.
   */
  absent_since: string | null;
  data_as_of: string | null;
  routes: LocationRoute[];
  evses: DetailEvse[];
}
