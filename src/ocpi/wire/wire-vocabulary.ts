/**
 * What the tolerant-reading pass needs to know about the fields of the objects we pull, per module and field path
 * (dotted, without array indexes), as the union over the OCPI versions we speak (2.1.1, 2.2.1, 2.3.0): which
 * fields are numbers, which are optional (so "" may be read as absent) and which are enums with their values.
 * A value outside every version's enum is "unknown" (kept, counted); a value of a newer version than the CPO's
 * is not, because our code knows it. Fields not listed are passed through untouched.
 */
export type FieldSpec =
  { kind: 'int' | 'decimal'; optional: boolean } | { kind: 'string' | 'datetime'; optional: true } | { kind: 'enum' | 'enum[]'; optional: boolean; values: ReadonlySet<string> };

export type VocabularyModule = 'locations' | 'tariffs' | 'cdrs' | 'sessions';

import { CAPABILITIES, CONNECTOR_TYPES, PARKING_TYPES, POWER_TYPES } from './location-enums';

const set = (...values: string[]): ReadonlySet<string> => new Set(values);

// mod_locations 2.1.1 §4, 2.2.1 §8.4, 2.3.0 §8.4 (union).
const CAPABILITY: ReadonlySet<string> = new Set(CAPABILITIES);
const CONNECTOR_TYPE: ReadonlySet<string> = new Set(CONNECTOR_TYPES);
const CONNECTOR_FORMAT = set('CABLE', 'SOCKET');
const POWER_TYPE: ReadonlySet<string> = new Set(POWER_TYPES);
const STATUS = set('AVAILABLE', 'BLOCKED', 'CHARGING', 'INOPERATIVE', 'OUTOFORDER', 'PLANNED', 'REMOVED', 'RESERVED', 'UNKNOWN');
const FACILITY = set(
  'AIRPORT',
  'BIKE_SHARING',
  'BUS_STOP',
  'CAFE',
  'CARPOOL_PARKING',
  'FUEL_STATION',
  'HOTEL',
  'MALL',
  'METRO_STATION',
  'MUSEUM',
  'NATURE',
  'PARKING_LOT',
  'RECREATION_AREA',
  'RESTAURANT',
  'SPORT',
  'SUPERMARKET',
  'TAXI_STAND',
  'TRAIN_STATION',
  'TRAM_STOP',
  'WIFI',
);
const PARKING_RESTRICTION = set('CUSTOMERS', 'DISABLED', 'EMPLOYEES', 'EV_ONLY', 'MOTORCYCLES', 'PLUGGED', 'TAXIS', 'TENANTS');
const PARKING_TYPE: ReadonlySet<string> = new Set(PARKING_TYPES);
const LOCATION_TYPE_2_1_1 = set('ON_STREET', 'OTHER', 'PARKING_GARAGE', 'PARKING_LOT', 'UNDERGROUND_GARAGE', 'UNKNOWN');
const IMAGE_CATEGORY = set('CHARGER', 'ENTRANCE', 'LOCATION', 'NETWORK', 'OPERATOR', 'OTHER', 'OWNER');
const ENERGY_SOURCE = set('COAL', 'GAS', 'GENERAL_FOSSIL', 'GENERAL_GREEN', 'NUCLEAR', 'SOLAR', 'WATER', 'WIND');
const ENVIRONMENTAL_IMPACT = set('CARBON_DIOXIDE', 'NUCLEAR_WASTE');
// mod_tariffs 2.1.1 §4, 2.2.1 §4.4, 2.3.0 §4.4 (union).
const TARIFF_TYPE = set('AD_HOC_PAYMENT', 'PROFILE_CHEAP', 'PROFILE_FAST', 'PROFILE_GREEN', 'REGULAR');
const TARIFF_DIMENSION = set('ENERGY', 'FLAT', 'PARKING_TIME', 'TIME');
const DAY_OF_WEEK = set('MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY');
const RESERVATION = set('RESERVATION', 'RESERVATION_EXPIRES');
// mod_tariffs 2.3.0 §TaxIncluded enum.
const TAX_INCLUDED = set('YES', 'NO', 'N/A');
// mod_cdrs 2.1.1 §4, 2.2.1 and 2.3.0 §Data types (union); mod_tokens §TokenType.
const AUTH_METHOD = set('AUTH_REQUEST', 'COMMAND', 'WHITELIST');
const CDR_DIMENSION = set(
  'CURRENT',
  'ENERGY',
  'ENERGY_EXPORT',
  'ENERGY_IMPORT',
  'FLAT',
  'MAX_CURRENT',
  'MIN_CURRENT',
  'MAX_POWER',
  'MIN_POWER',
  'PARKING_TIME',
  'POWER',
  'RESERVATION_TIME',
  'STATE_OF_CHARGE',
  'TIME',
);
const TOKEN_TYPE = set('AD_HOC_USER', 'APP_USER', 'EMAID', 'OTHER', 'RFID');
// mod_sessions 2.1.1 §4.1, 2.2.1 and 2.3.0 §SessionStatus enum (union: RESERVATION since 2.2).
const SESSION_STATUS = set('ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION');

const int = (optional = false): FieldSpec => ({ kind: 'int', optional });
const decimal = (optional = false): FieldSpec => ({ kind: 'decimal', optional });
const text: FieldSpec = { kind: 'string', optional: true };
const dateTime: FieldSpec = { kind: 'datetime', optional: true };
const oneOf = (values: ReadonlySet<string>, optional = false): FieldSpec => ({ kind: 'enum', optional, values });
const listOf = (values: ReadonlySet<string>): FieldSpec => ({ kind: 'enum[]', optional: true, values });

const ENERGY_MIX: Record<string, FieldSpec> = {
  'energy_mix.supplier_name': text,
  'energy_mix.energy_product_name': text,
  'energy_mix.energy_sources.source': oneOf(ENERGY_SOURCE),
  'energy_mix.energy_sources.percentage': decimal(),
  'energy_mix.environ_impact.category': oneOf(ENVIRONMENTAL_IMPACT),
  'energy_mix.environ_impact.source': oneOf(ENVIRONMENTAL_IMPACT), // 2.1.1 names the field "source"
  'energy_mix.environ_impact.amount': decimal(),
};

const prefixed = (prefix: string, specs: Record<string, FieldSpec>): Record<string, FieldSpec> =>
  Object.fromEntries(Object.entries(specs).map(([path, spec]) => [`${prefix}${path}`, spec]));

const IMAGE: Record<string, FieldSpec> = { 'images.category': oneOf(IMAGE_CATEGORY), 'images.width': int(true), 'images.height': int(true) };

const LOCATION_FIELDS: Record<string, FieldSpec> = {
  type: oneOf(LOCATION_TYPE_2_1_1, true),
  name: text,
  postal_code: text,
  state: text,
  parking_type: oneOf(PARKING_TYPE, true),
  time_zone: text,
  facilities: listOf(FACILITY),
  'opening_times.regular_hours.weekday': int(),
  'evses.evse_id': text,
  'evses.status': oneOf(STATUS),
  'evses.status_schedule.status': oneOf(STATUS),
  'evses.capabilities': listOf(CAPABILITY),
  'evses.floor_level': text,
  'evses.physical_reference': text,
  'evses.parking_restrictions': listOf(PARKING_RESTRICTION),
  'evses.connectors.standard': oneOf(CONNECTOR_TYPE),
  'evses.connectors.format': oneOf(CONNECTOR_FORMAT),
  'evses.connectors.power_type': oneOf(POWER_TYPE),
  'evses.connectors.max_voltage': int(),
  'evses.connectors.max_amperage': int(),
  'evses.connectors.max_electric_power': int(true),
  'evses.connectors.voltage': int(), // 2.1.1
  'evses.connectors.amperage': int(), // 2.1.1
  'evses.connectors.tariff_id': text, // 2.1.1
  'evses.connectors.terms_and_conditions': text,
  ...IMAGE,
  ...prefixed('evses.', IMAGE),
  ...prefixed('operator.', { logo: text, website: text }),
  ...ENERGY_MIX,
};

const RESTRICTIONS: Record<string, FieldSpec> = {
  start_time: text,
  end_time: text,
  start_date: text,
  end_date: text,
  min_kwh: decimal(true),
  max_kwh: decimal(true),
  min_current: decimal(true),
  max_current: decimal(true),
  min_power: decimal(true),
  max_power: decimal(true),
  min_duration: int(true),
  max_duration: int(true),
  day_of_week: listOf(DAY_OF_WEEK),
  reservation: oneOf(RESERVATION, true),
};

const TARIFF_FIELDS: Record<string, FieldSpec> = {
  type: oneOf(TARIFF_TYPE, true),
  tariff_alt_url: text,
  'min_price.excl_vat': decimal(),
  'min_price.incl_vat': decimal(true),
  'max_price.excl_vat': decimal(),
  'max_price.incl_vat': decimal(true),
  // 2.3.0: PriceLimit and tax_included.
  'min_price.before_taxes': decimal(true),
  'min_price.after_taxes': decimal(true),
  'max_price.before_taxes': decimal(true),
  'max_price.after_taxes': decimal(true),
  tax_included: oneOf(TAX_INCLUDED),
  'elements.price_components.type': oneOf(TARIFF_DIMENSION),
  'elements.price_components.price': decimal(),
  'elements.price_components.vat': decimal(true),
  'elements.price_components.step_size': int(),
  ...prefixed('elements.restrictions.', RESTRICTIONS),
  start_date_time: dateTime,
  end_date_time: dateTime,
  ...ENERGY_MIX,
};

/** A CDR cost: Price of 2.2.1 (excl_vat / incl_vat) or 2.3.0 (before_taxes / taxes); 2.1.1 total_cost is a number. */
const COST: Record<string, FieldSpec> = {
  excl_vat: decimal(),
  incl_vat: decimal(true),
  before_taxes: decimal(),
  'taxes.percentage': decimal(true),
  'taxes.amount': decimal(),
};

const CDR_FIELDS: Record<string, FieldSpec> = {
  stop_date_time: dateTime, // 2.1.1
  session_id: text,
  auth_method: oneOf(AUTH_METHOD),
  authorization_reference: text,
  'cdr_token.type': oneOf(TOKEN_TYPE),
  'cdr_location.name': text,
  'cdr_location.postal_code': text,
  'cdr_location.state': text,
  'cdr_location.connector_standard': oneOf(CONNECTOR_TYPE),
  'cdr_location.connector_format': oneOf(CONNECTOR_FORMAT),
  'cdr_location.connector_power_type': oneOf(POWER_TYPE),
  ...prefixed('location.', LOCATION_FIELDS), // 2.1.1: the Location object
  meter_id: text,
  ...prefixed('tariffs.', TARIFF_FIELDS),
  'charging_periods.dimensions.type': oneOf(CDR_DIMENSION),
  'charging_periods.dimensions.volume': decimal(),
  'charging_periods.tariff_id': text,
  total_cost: decimal(), // 2.1.1 number; an object (2.2.1+) passes through to its fields below
  ...prefixed('total_cost.', COST),
  ...prefixed('total_fixed_cost.', COST),
  ...prefixed('total_energy_cost.', COST),
  ...prefixed('total_time_cost.', COST),
  ...prefixed('total_parking_cost.', COST),
  ...prefixed('total_reservation_cost.', COST),
  total_energy: decimal(),
  total_time: decimal(),
  total_parking_time: decimal(true),
  remark: text,
  invoice_reference_id: text,
  credit_reference_id: text,
};

/**
 * A Session (mod_sessions 2.1.1 §3.1, 2.2.1 and 2.3.0 §Session object). 2.1.1 spells its instants start_datetime /
 * end_datetime and embeds the Location; total_cost is a number in 2.1.1, a Price after.
 */
const SESSION_FIELDS: Record<string, FieldSpec> = {
  start_datetime: dateTime, // 2.1.1
  end_datetime: dateTime, // 2.1.1
  kwh: decimal(),
  auth_method: oneOf(AUTH_METHOD),
  authorization_reference: text,
  'cdr_token.type': oneOf(TOKEN_TYPE),
  ...prefixed('location.', LOCATION_FIELDS), // 2.1.1: the Location object
  meter_id: text,
  'charging_periods.dimensions.type': oneOf(CDR_DIMENSION),
  'charging_periods.dimensions.volume': decimal(),
  'charging_periods.tariff_id': text,
  total_cost: decimal(true), // 2.1.1 number; an object (2.2.1+) passes through to its fields below
  ...prefixed('total_cost.', COST),
  status: oneOf(SESSION_STATUS),
};

export const WIRE_VOCABULARY: Record<VocabularyModule, ReadonlyMap<string, FieldSpec>> = {
  locations: new Map(Object.entries(LOCATION_FIELDS)),
  tariffs: new Map(Object.entries(TARIFF_FIELDS)),
  cdrs: new Map(Object.entries(CDR_FIELDS)),
  sessions: new Map(Object.entries(SESSION_FIELDS)),
};
