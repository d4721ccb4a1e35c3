/**
 * The simulator's own, minimal OCPI 2.2.1 types. Deliberately independent of src/: the simulator
 * plays OCPI from the specification alone, so a bug in the service's models cannot hide here.
 */

/** An object as it travels on the wire: possibly invalid, so handled as an open record. */
export type RawObject = Record<string, unknown>;

/** version_information_endpoint §VersionNumber enum (the ones the simulator serves). */
export type SimulatorVersionId = '2.1.1' | '2.2.1' | '2.3.0';

/** version_information_endpoint 2.2.1 §Version class. */
export interface OcpiVersion {
  version: string;
  url: string;
}

/** version_information_endpoint 2.2.1 §InterfaceRole enum. */
export type InterfaceRole = 'SENDER' | 'RECEIVER';

/** version_information_endpoint 2.2.1 §Endpoint class (`role` is absent in 2.1.1). */
export interface OcpiEndpoint {
  identifier: string;
  role?: InterfaceRole;
  url: string;
}

/** version_information_endpoint 2.2.1 §Version details data. */
export interface OcpiVersionDetails {
  version: string;
  endpoints: OcpiEndpoint[];
}

/** types 2.2.1 §Role enum. */
export const OCPI_ROLES = ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP'] as const;
export type OcpiRole = (typeof OCPI_ROLES)[number];

/** mod_locations 2.2.1 §BusinessDetails class (logo kept opaque). */
export interface BusinessDetails {
  name: string;
  website?: string;
  logo?: RawObject;
}

/** credentials 2.2.1 §CredentialsRole class. */
export interface CredentialsRole {
  role: OcpiRole;
  business_details: BusinessDetails;
  party_id: string;
  country_code: string;
}

/** credentials 2.2.1 §Credentials object. */
export interface Credentials {
  token: string;
  url: string;
  roles: CredentialsRole[];
}

/** mod_locations 2.2.1 §GeoLocation class. */
export interface GeoLocation {
  latitude: string;
  longitude: string;
}

/** mod_locations 2.2.1 §RegularHours class. */
export interface RegularHours {
  weekday: number;
  period_begin: string;
  period_end: string;
}

/** mod_locations 2.2.1 §ExceptionalPeriod class. */
export interface ExceptionalPeriod {
  period_begin: string;
  period_end: string;
}

/** mod_locations 2.2.1 §Hours class. */
export interface Hours {
  twentyfourseven: boolean;
  regular_hours?: RegularHours[];
  exceptional_openings?: ExceptionalPeriod[];
  exceptional_closings?: ExceptionalPeriod[];
}

/** mod_locations 2.2.1 §Connector object (the fields the generator fills). */
export interface Connector {
  id: string;
  standard: string;
  format: 'SOCKET' | 'CABLE';
  power_type: 'AC_1_PHASE' | 'AC_2_PHASE' | 'AC_2_PHASE_SPLIT' | 'AC_3_PHASE' | 'DC';
  max_voltage: number;
  max_amperage: number;
  max_electric_power?: number;
  tariff_ids?: string[];
  last_updated: string;
}

/** mod_locations 2.2.1 §EVSE object (the fields the generator fills). */
export interface Evse {
  uid: string;
  evse_id?: string;
  status: string;
  capabilities?: string[];
  connectors: Connector[];
  floor_level?: string;
  physical_reference?: string;
  parking_restrictions?: string[];
  last_updated: string;
}

/** mod_locations 2.2.1 §Location object (the fields the generator fills). */
export interface Location {
  country_code: string;
  party_id: string;
  id: string;
  publish: boolean;
  name?: string;
  address: string;
  city: string;
  postal_code?: string;
  country: string;
  coordinates: GeoLocation;
  parking_type?: string;
  evses: Evse[];
  operator?: BusinessDetails;
  facilities?: string[];
  time_zone: string;
  opening_times?: Hours;
  charging_when_closed?: boolean;
  last_updated: string;
}

/** transport_and_format 2.2.1 §Response format. */
export interface OcpiResponse<T = unknown> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}
