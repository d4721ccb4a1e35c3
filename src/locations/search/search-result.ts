/** The shapes the chargers search answers with (snake_case, units in the names). */
import type { NotFree } from '../availability';
import type { OpeningReason } from '../opening-hours';

export interface OpeningNow {
  open: boolean;
  reason: OpeningReason | 'UNREADABLE_OPENING_TIMES';
  /** Next change of `open` within 7 days, local time with offset in the Location's zone; null when none. */
  changes_at: string | null;
}

export interface SearchConnector {
  /** Our id: use it for GET /api/v1/connectors/{id}/price-estimate. */
  id: string;
  ocpi_id: string;
  standard: string;
  format: string;
  power_type: string;
  max_power_kw: number;
  max_power_source: 'declared' | 'computed';
  tariff_ids: string[];
  /** The connector's active tariff for all sessions, in one line; null when none is held (details: GET /api/v1/locations/{id}). */
  price: ListPrice | null;
}

/**
 * The list view's price line, "from €0.28/kWh + €0.50 start", and its figures (decimal strings, major units): incl.
 * VAT when `incl_vat` is true, else before VAT (the tariff does not tell its VAT).
 */
export interface ListPrice {
  tariff_id: string;
  currency: string;
  text: string;
  incl_vat: boolean;
  energy_per_kwh: string | null;
  start_fee: string | null;
  time_per_hour: string | null;
  parking_per_hour: string | null;
}

export interface SearchEvse {
  uid: string;
  evse_id: string | null;
  status: string;
  /** When the CPO last changed this status (its last_updated at the change), UTC. */
  status_changed_at: string;
  /** Seconds from status_changed_at to the evaluation instant (meta.evaluated_at). */
  status_age_seconds: number;
  free: boolean;
  not_free: NotFree | null;
  capabilities: string[];
  connectors: SearchConnector[];
}

export interface SearchResult {
  cpo: { country_code: string; party_id: string; name: string | null };
  location: {
    /** Our id: use it for GET /api/v1/locations/{id}. */
    id: string;
    ocpi_id: string;
    name: string | null;
    address: string;
    city: string;
    postal_code: string | null;
    country: string;
    coordinates: { latitude: number; longitude: number };
    time_zone: string;
    parking_type: string | null;
    facilities: string[];
    is_24_7: boolean;
    opening: OpeningNow;
  };
  /** Great-circle distance from the search origin, metres (rounded). */
  distance_m: number;
  /** EVSEs matching the EVSE filters (never REMOVED ones), and how many of them are free now. */
  evse_count: number;
  free_evse_count: number;
  /** Why the others are not free, counted by reason (see SearchEvse.not_free); {} when all are free. */
  not_free_counts: Partial<Record<NotFree['reason'], number>>;
  /** What the list view shows: the EVSEs grouped by connector kind and price, most powerful first. */
  connectors: ConnectorGroup[];
  /** The oldest status_age_seconds among the EVSEs listed: every status shown is at most this old. */
  status_age_seconds: number;
  /** Start of the last successful pull of Locations from the CPO that holds this one: our data is at least this fresh. */
  data_as_of: string | null;
  /** Every listed EVSE with its connectors and why it is not free: only with `evses=true` (always on /chargers/nearby). */
  evses?: SearchEvse[];
}

/** EVSEs with a connector of one kind and price, e.g. "2 × CCS 150 kW, 1 free, from €0.59/kWh". */
export interface ConnectorGroup {
  standard: string;
  format: string;
  power_type: string;
  max_power_kw: number;
  evse_count: number;
  free_evse_count: number;
  price: ListPrice | null;
}

export interface SearchPage {
  data: SearchResult[];
  meta: {
    count: number;
    /** The instant "free now", opening state and status ages were evaluated at. */
    evaluated_at: string;
    /** Pass as `cursor` (with the same other parameters) for the next page; null on the last page. */
    next_cursor: string | null;
    /** Where distances are measured from. */
    origin: { latitude: number; longitude: number };
  };
}
