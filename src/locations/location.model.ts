import { Hours } from './opening-times.model';
import { DisplayText } from '../tariffs/tariff.model';

/**
 * The canonical Location / EVSE / Connector (mod_locations 2.2.1 §8.3), version-neutral. Version mappers
 * build these from a CPO's wire objects; the database and the internal API only know this shape.
 * Unknown enum values from a CPO are kept as sent (tolerant reading); units are the spec's (V, A, W).
 */
export interface CanonicalConnector {
  id: string;
  standard: string;
  format: string;
  power_type: string;
  max_voltage: number;
  max_amperage: number;
  /** Watts; null when the CPO did not send it (then voltage × amperage × phases is the upper bound). */
  max_electric_power: number | null;
  tariff_ids: string[];
  terms_and_conditions: string | null;
  last_updated: string;
}

export interface CanonicalEvse {
  uid: string;
  evse_id: string | null;
  status: string;
  capabilities: string[];
  connectors: CanonicalConnector[];
  floor_level: string | null;
  coordinates: { latitude: number; longitude: number } | null;
  physical_reference: string | null;
  directions: DisplayText[];
  parking_restrictions: string[];
  images: unknown[];
  last_updated: string;
}

export interface CanonicalLocation {
  country_code: string;
  party_id: string;
  id: string;
  publish: boolean;
  name: string | null;
  address: string;
  city: string;
  postal_code: string | null;
  state: string | null;
  country: string;
  coordinates: { latitude: number; longitude: number };
  parking_type: string | null;
  evses: CanonicalEvse[];
  directions: DisplayText[];
  operator: Record<string, unknown> | null;
  suboperator: Record<string, unknown> | null;
  owner: Record<string, unknown> | null;
  facilities: string[];
  /** IANA zone; 2.1.1 CPOs may omit it (then the mapper must derive it). */
  time_zone: string;
  opening_times: Hours | null;
  charging_when_closed: boolean;
  images: unknown[];
  energy_mix: Record<string, unknown> | null;
  last_updated: string;
}
