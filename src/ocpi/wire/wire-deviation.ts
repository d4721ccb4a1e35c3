/**
 * What we accepted from a CPO although it bent the spec (or used a spec option we normalise away), one kind per
 * way of bending. Counted per connection, module and field so operations can show a CPO what to fix; never a
 * reason to reject when the meaning is unambiguous.
 */
export type WireDeviationKind =
  /** A DateTime without zone designator: UTC by types 2.2.1 §DateTime; normalised to 'Z'. */
  | 'DATETIME_WITHOUT_TIMEZONE'
  /** A DateTime with a numeric offset ("+00:00 is not the same as UTC", types 2.2.1 §DateTime); converted to UTC. */
  | 'DATETIME_WITH_OFFSET'
  /** A DateTime with fractional seconds: allowed since 2.2, not in 2.1.1; kept to the millisecond. */
  | 'DATETIME_FRACTIONAL_SECONDS'
  /** A number sent as a JSON string ("230"); read as the number. */
  | 'NUMBER_AS_STRING'
  /** An empty string for an optional field; read as absent. */
  | 'EMPTY_STRING_AS_ABSENT'
  /** An enum value no OCPI version we know defines; kept as sent. */
  | 'UNKNOWN_ENUM_VALUE'
  /** The response envelope has no timestamp (transport_and_format 2.2.1 §Response format: card. 1). */
  | 'ENVELOPE_TIMESTAMP_MISSING'
  /** The envelope's timestamp is not a DateTime. */
  | 'ENVELOPE_TIMESTAMP_INVALID'
  /** status_code sent as a string ("1000"). */
  | 'ENVELOPE_STATUS_CODE_AS_STRING'
  /** A list endpoint answered 1000 with data null or absent; read as an empty list. */
  | 'ENVELOPE_DATA_NULL'
  /** The CPO called one of our endpoints of another OCPI version than the one agreed at registration; read as that version. */
  | 'OTHER_VERSION_ENDPOINT'
  /**
   * A Price (types 2.2.1 / 2.3.0 §Price class) sent as a bare number or numeric string, as 2.1.1's total_cost was;
   * read as the amount before taxes, after taxes unknown.
   */
  | 'PRICE_AS_NUMBER'
  /** A 2.3.0 Price with the 2.2.1 names excl_vat / incl_vat; read as before_taxes / after_taxes. */
  | 'PRICE_WITH_2_2_1_NAMES'
  /** An ISO 4217 currency code in lower or mixed case ("eur"); read in upper case. */
  | 'CURRENCY_NOT_UPPER_CASE'
  /**
   * Version details `data` sent as a list holding the one version details object (version_information_endpoint
   * §Version details: an object); read as that object.
   */
  | 'VERSION_DETAILS_AS_LIST'
  /**
   * A list in a PATCH (a Location's `evses`, an EVSE's `connectors`) that leaves out some of the elements we hold: the
   * spec does not say whether it replaces the list; read as updating the elements it names and keeping the others.
   */
  | 'PATCH_PARTIAL_LIST'
  /**
   * A Session PATCH resending ChargingPeriods we already hold (same start_date_time): the spec adds the periods of a
   * PATCH; read as replacing the held one, so energy and time are never counted twice.
   */
  | 'CHARGING_PERIODS_RESENT'
  /**
   * A page of a paginated GET without `Link: rel="next"` although more objects followed (transport_and_format 2.2.1
   * §Paginated Response: the Link "should be provided when this is NOT the last page"); the next page was asked for by
   * offset/limit because the page came back full. Counted on the page that was found that way.
   */
  | 'PAGINATION_LINK_MISSING'
  /**
   * A 2.1.1 field sent under the name a later version gave it (a 2.1.1 CDR with `end_date_time` instead of
   * `stop_date_time`, mod_cdrs 2.1.1 §3.1); read as the 2.1.1 field, its meaning being the same.
   */
  | 'FIELD_UNDER_LATER_VERSION_NAME'
  /**
   * A CdrLocation without its required `evse_uid` (mod_cdrs 2.2.1 §CdrLocation class); derived from its `evse_id`
   * through the Location we hold, when exactly one of that Location's EVSEs has that evse_id (otherwise refused).
   */
  | 'EVSE_UID_FROM_EVSE_ID';

export interface WireDeviation {
  kind: WireDeviationKind;
  /** Dotted path without array indexes, e.g. "evses.connectors.max_voltage"; "envelope" for envelope fields. */
  field: string;
  /** The value as sent, for unknown enum values and the like (short). */
  example?: string;
}

/** Deviations summed per (kind, field), keeping the last example: what is stored and shown. */
export interface WireDeviationCount extends WireDeviation {
  count: number;
}

/** `deviations` summed per (kind, field), in the order first seen: e.g. what one object showed. */
export function countDeviations(deviations: readonly WireDeviation[]): WireDeviationCount[] {
  const counts = new Map<string, WireDeviationCount>();
  tallyDeviations(counts, deviations);
  return [...counts.values()];
}

/** Adds `deviations` into `into`, keyed by kind and field. */
export function tallyDeviations(into: Map<string, WireDeviationCount>, deviations: readonly WireDeviation[]): void {
  for (const d of deviations) {
    const key = `${d.kind}|${d.field}`;
    const seen = into.get(key);
    if (seen) {
      seen.count += 1;
      if (d.example !== undefined) seen.example = d.example;
    } else {
      into.set(key, { ...d, count: 1 });
    }
  }
}
