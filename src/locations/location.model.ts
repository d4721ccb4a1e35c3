import { Hours } from './opening-times.model';
import { DisplayText } from '../tariffs/tariff.model';

/**
 * The canonical Location / EVSE / Connector (mod_locations 2.2.1 §8.3, with the 2.3.0 additions), version-neutral. Version mappers
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
  /** ConnectorCapability values (2.3.0 and later; empty before). */
  capabilities: string[];
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
  /** EVSEParking links to the Location's parking_places (2.3.0 and later; empty before), as sent. */
  parking: Array<{ parking_id: string; evse_position: string | null }>;
  /** Names of the eMSPs whose contracts are accepted here (2.3.0 and later; empty before). */
  accepted_service_providers: string[];
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
  /** IANA zone; 2.1.1 CPOs may omit it (then the mapper derives it from the coordinates). */
  time_zone: string;
  /** Where time_zone comes from: the CPO's object, or derived by us from the coordinates (2.1.1 without one). */
  time_zone_source: 'CPO' | 'COORDINATES';
  /** Support telephone number (2.3.0 and later; null before). */
  help_phone: string | null;
  /** Parking objects (2.3.0 and later; empty before), as sent: only their ids are checked. */
  parking_places: Array<Record<string, unknown>>;
  opening_times: Hours | null;
  charging_when_closed: boolean;
  images: unknown[];
  energy_mix: Record<string, unknown> | null;
  last_updated: string;
}
