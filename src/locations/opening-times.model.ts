/**
 * Hours and its parts, as OCPI defines them (mod_locations 2.2.1 §8.4.14 Hours, §8.4.21 RegularHours,
 * §8.4.9 ExceptionalPeriod); 2.1.1 and 2.3.0 use the same shape. Times are local to the Location's time_zone.
 */
export interface RegularHours {
  /** 1 = Monday … 7 = Sunday (ISO 8601). */
  weekday: number;
  /** "HH:MM", local. */
  period_begin: string;
  /**
   * "HH:MM", local. The spec requires it to be later than period_begin (and its regex excludes "24:00"); CPOs that
   * send "24:00", or a time at or before period_begin for a period past midnight, are tolerated by evaluateOpeningHours.
   */
  period_end: string;
}

export interface ExceptionalPeriod {
  /** ISO-8601 date-time (UTC, per the spec's DateTime type). */
  period_begin: string;
  period_end: string;
}

export interface Hours {
  twentyfourseven: boolean;
  regular_hours?: RegularHours[] | null;
  exceptional_openings?: ExceptionalPeriod[] | null;
  exceptional_closings?: ExceptionalPeriod[] | null;
}
